// SPDX-License-Identifier: GPL-2.0

//! Bonding policy: which slave is active, whether the bond has carrier, what
//! state a new slave starts in. Pure Rust over plain data (indices into the
//! slave list in enslave order), so that `cargo test` checks it on the host;
//! `bonding.rs` feeds it the slaves' states and applies its answers.
//!
//! The rules are the C driver's (bond_main.c): `bond_find_best_slave()`,
//! `bond_choose_primary_or_current()`, `bond_set_carrier()` and the initial
//! link state in `bond_enslave()`.

#![forbid(unsafe_code)]

use crate::bond_params::{PrimaryReselect, XmitHashPolicy};

/// A slave's link as the bond sees it (`BOND_LINK_*`, as in `struct
/// ifslave` and /proc/net/bonding).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[repr(u8)]
pub(crate) enum Link {
    /// Usable.
    #[default]
    Up = 0,
    /// Down, counting `downdelay` before the bond gives up on it.
    Fail = 1,
    /// Not usable.
    Down = 2,
    /// Up again, counting `updelay` before the bond uses it.
    Back = 3,
}

impl Link {
    /// From the number stored in an atomic.
    pub(crate) fn from_u8(v: u8) -> Self {
        match v {
            0 => Self::Up,
            1 => Self::Fail,
            3 => Self::Back,
            _ => Self::Down,
        }
    }

    /// As /proc/net/bonding prints it (`bond_slave_link_status()`).
    pub(crate) fn proc_name(self) -> &'static str {
        match self {
            Self::Up => "up",
            Self::Fail => "going down",
            Self::Down => "down",
            Self::Back => "going back",
        }
    }
}

/// What the selection needs to know of one slave.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Candidate {
    /// The bond's view of its link.
    pub(crate) link: Link,
    /// The slave device is up and has carrier (`bond_slave_is_up()`).
    pub(crate) dev_up: bool,
    /// Remaining updelay ticks while `Back`.
    pub(crate) delay: u32,
    /// `prio` (higher wins when the primary is unusable).
    pub(crate) prio: i32,
    /// Link speed in Mbps (0 when unknown).
    pub(crate) speed: u32,
    /// Full duplex.
    pub(crate) full_duplex: bool,
}

/// The inputs of `bond_find_best_slave()`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Selection<'a> {
    /// Every slave, in enslave order.
    pub(crate) slaves: &'a [Candidate],
    /// Index of the primary slave, if one is enslaved.
    pub(crate) primary: Option<usize>,
    /// Index of the current active slave.
    pub(crate) current: Option<usize>,
    /// The primary was just enslaved: take it regardless of reselect policy.
    pub(crate) force_primary: bool,
    /// `primary_reselect`.
    pub(crate) primary_reselect: PrimaryReselect,
    /// `updelay` in ticks: the longest a `Back` slave can still be waiting.
    pub(crate) updelay: u32,
}

fn link_is(s: &[Candidate], i: Option<usize>, link: Link) -> bool {
    i.and_then(|i| s.get(i)).is_some_and(|c| c.link == link)
}

/// `bond_choose_primary_or_current()`.
fn primary_or_current(sel: &Selection<'_>) -> Option<usize> {
    let s = sel.slaves;
    let curr = sel.current.filter(|&i| i < s.len());
    let mut prim = sel.primary.filter(|&i| i < s.len());
    if !link_is(s, prim, Link::Up) {
        // The highest-priority slave that is up, first in enslave order on a tie.
        let mut hprio: Option<(usize, i32)> = None;
        for (i, c) in s.iter().enumerate() {
            if c.link == Link::Up && hprio.map_or(true, |(_, prio)| c.prio > prio) {
                hprio = Some((i, c.prio));
            }
        }
        match hprio {
            Some((h, _)) if Some(h) != curr => prim = Some(h),
            _ => return curr.filter(|&c| link_is(s, Some(c), Link::Up)),
        }
    } else if sel.force_primary {
        return prim;
    }
    // Here the primary (or the best-priority slave) is up.
    if !link_is(s, curr, Link::Up) {
        return prim;
    }
    let (p, c) = match (prim, curr) {
        (Some(p), Some(c)) => (p, c),
        _ => return prim,
    };
    match sel.primary_reselect {
        PrimaryReselect::Always => Some(p),
        PrimaryReselect::Better => {
            let (Some(ps), Some(cs)) = (s.get(p), s.get(c)) else {
                return prim;
            };
            if ps.speed < cs.speed || (ps.speed == cs.speed && ps.full_duplex <= cs.full_duplex) {
                Some(c)
            } else {
                Some(p)
            }
        }
        PrimaryReselect::Failure => Some(c),
    }
}

/// `bond_find_best_slave()`: the slave that should be active, if any. A
/// slave whose link is `Back` may be chosen when nothing is up: the one with
/// the least updelay left ("making interface the new active one N ms
/// earlier").
pub(crate) fn find_best_slave(sel: &Selection<'_>) -> Option<usize> {
    if let Some(i) = primary_or_current(sel) {
        return Some(i);
    }
    let mut best = None;
    let mut mintime = sel.updelay;
    for (i, c) in sel.slaves.iter().enumerate() {
        if c.link == Link::Up {
            return Some(i);
        }
        if c.link == Link::Back && c.dev_up && c.delay < mintime {
            mintime = c.delay;
            best = Some(i);
        }
    }
    best
}

/// Whether a slave whose link came up makes the monitors choose the active
/// slave again (`bond_miimon_commit()`, `bond_ab_arp_commit()`): when
/// there is no active slave (`active_prio` None), when it is the primary,
/// or when its `prio` is higher than the active slave's.
pub(crate) fn up_reselects(active_prio: Option<i32>, is_primary: bool, prio: i32) -> bool {
    match active_prio {
        None => true,
        Some(a) => is_primary || prio > a,
    }
}

/// `bond_set_carrier()` outside 802.3ad: the bond has carrier while at
/// least one slave's link is up.
pub(crate) fn bond_has_carrier(links: impl IntoIterator<Item = Link>) -> bool {
    links.into_iter().any(|l| l == Link::Up)
}

/// The link state a new slave starts in, and its delay in ticks
/// (`bond_enslave()`): with miimon, its sampled link (`Back` while counting
/// updelay); with the ARP monitor, its carrier; with no monitor at all,
/// always up, since nothing would ever notice a change.
pub(crate) fn initial_link(
    miimon: u32,
    arp_interval: u32,
    updelay: u32,
    link_up: bool,
) -> (Link, u32) {
    if miimon != 0 {
        match (link_up, updelay) {
            (true, 0) => (Link::Up, 0),
            (true, d) => (Link::Back, d),
            (false, _) => (Link::Down, 0),
        }
    } else if arp_interval != 0 {
        (if link_up { Link::Up } else { Link::Down }, 0)
    } else {
        (Link::Up, 0)
    }
}

/// Adds to `total` what each counter of a slave grew by since `old`
/// (`bond_fold_stats()`): counters that look 32-bit wrap at 32 bits, and a
/// counter that went backwards (a driver that resets its counters on down/up)
/// adds nothing, so the bond's counters never decrease.
pub(crate) fn fold_counters(total: &mut [u64], new: &[u64], old: &[u64]) {
    for ((t, &nv), &ov) in total.iter_mut().zip(new).zip(old) {
        let delta = if (nv | ov) >> 32 == 0 {
            u64::from((nv as u32).wrapping_sub(ov as u32))
        } else {
            nv.wrapping_sub(ov)
        };
        if (delta as i64) >= 0 {
            *t = t.wrapping_add(delta);
        }
    }
}

/// The layer2 transmit hash (`bond_eth_hash()`): last bytes of both MAC
/// addresses and the EtherType, from the Ethernet header's 14 bytes.
pub(crate) fn hash_layer2(eth: &[u8; 14]) -> u32 {
    u32::from(eth[5] ^ eth[11]) ^ u32::from(u16::from_be_bytes([eth[12], eth[13]]))
}

/// What the flow dissector finds in a frame for the bonding hash.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Flow {
    /// `flow_get_u32_src/dst()`: IPv4 addresses as loaded from memory, or
    /// the XOR of an IPv6 address's four words (`ipv6_addr_hash()`).
    pub(crate) src: u32,
    pub(crate) dst: u32,
    /// Source and destination ports as loaded from memory (`ports.ports`).
    pub(crate) ports: u32,
    /// ICMP type, code and echo id as loaded from memory; `icmp_id != 0`
    /// selects it over the ports.
    pub(crate) icmp: u32,
    pub(crate) icmp_id: u16,
}

fn ne32(b: &[u8], at: usize) -> Option<u32> {
    let w = b.get(at..at + 4)?;
    Some(u32::from_ne_bytes([w[0], w[1], w[2], w[3]]))
}

/// Finds the IP addresses and, for layer3+4, the ports (none for
/// fragments) or the ICMP echo id, as `bond_flow_dissect()` does for frames
/// without VLAN tags or tunnels. `None` for anything that is not IP.
fn dissect(frame: &[u8], l34: bool) -> Option<Flow> {
    let proto = u16::from_be_bytes([*frame.get(12)?, *frame.get(13)?]);
    let ip = frame.get(14..)?;
    let (mut flow, l4_proto, l4) = match proto {
        0x0800 => {
            let ihl = usize::from(ip.first()? & 0x0f) * 4;
            if ihl < 20 {
                return None;
            }
            let frag = u16::from_be_bytes([*ip.get(6)?, *ip.get(7)?]) & 0x3fff != 0;
            let flow = Flow {
                src: ne32(ip, 12)?,
                dst: ne32(ip, 16)?,
                ..Default::default()
            };
            (
                flow,
                if frag { 0 } else { *ip.get(9)? },
                ip.get(ihl..).unwrap_or(&[]),
            )
        }
        0x86dd => {
            let word = |at: usize| ne32(ip, at);
            let src = word(8)? ^ word(12)? ^ word(16)? ^ word(20)?;
            let dst = word(24)? ^ word(28)? ^ word(32)? ^ word(36)?;
            (
                Flow {
                    src,
                    dst,
                    ..Default::default()
                },
                *ip.get(6)?,
                ip.get(40..).unwrap_or(&[]),
            )
        }
        _ => return None,
    };
    if l34 {
        match l4_proto {
            // TCP, UDP, DCCP, SCTP, UDP-Lite: the two port fields.
            6 | 17 | 33 | 132 | 136 => flow.ports = ne32(l4, 0).unwrap_or(0),
            // ICMP and ICMPv6 echo request/reply carry an id.
            1 | 58 => {
                let (t, c) = (
                    l4.first().copied().unwrap_or(0),
                    l4.get(1).copied().unwrap_or(0),
                );
                let echo = matches!((l4_proto, t), (1, 0 | 8) | (58, 128 | 129));
                if echo {
                    flow.icmp_id = u16::from_ne_bytes([*l4.get(4)?, *l4.get(5)?]);
                }
                flow.icmp = u32::from_ne_bytes([
                    t,
                    c,
                    (flow.icmp_id & 0xff) as u8,
                    (flow.icmp_id >> 8) as u8,
                ]);
            }
            _ => {}
        }
    }
    Some(flow)
}

/// The layer2 hash of a frame that starts at its Ethernet header; 0 for
/// a runt.
pub(crate) fn frame_layer2_hash(frame: &[u8]) -> u32 {
    let eth: Option<&[u8; 14]> = frame.get(..14).and_then(|h| h.try_into().ok());
    eth.map_or(0, hash_layer2)
}

/// `bond_xmit_hash()` for the policies that read only the frame (layer2,
/// layer2+3, layer3+4): `frame` starts at the Ethernet header. Non-IP frames
/// fall back to the layer2 hash, as in the C driver. The others (encap2+3,
/// encap3+4, vlan+srcmac) need the kernel's dissector or the buffer's VLAN
/// tag: [`flow_hash`], [`vlan_srcmac_hash`].
pub(crate) fn xmit_hash(policy: XmitHashPolicy, frame: &[u8]) -> u32 {
    let l2 = frame_layer2_hash(frame);
    if policy == XmitHashPolicy::Layer2 {
        return l2;
    }
    let l34 = policy == XmitHashPolicy::Layer34;
    match dissect(frame, l34) {
        Some(flow) => flow_hash(policy, l2, &flow),
        None => l2,
    }
}

/// The rest of `__bond_xmit_hash()` once a flow is found: the layer 2
/// hash (`l2`) or the ports (ICMP id) word, then `bond_ip_hash()`.
pub(crate) fn flow_hash(policy: XmitHashPolicy, l2: u32, flow: &Flow) -> u32 {
    let l34 = matches!(policy, XmitHashPolicy::Layer34 | XmitHashPolicy::Encap34);
    let mut hash = if l34 {
        if flow.icmp_id != 0 {
            flow.icmp
        } else {
            flow.ports
        }
    } else {
        l2
    };
    hash ^= flow.dst ^ flow.src;
    hash ^= hash >> 16;
    hash ^= hash >> 8;
    // The lowest bit is dropped for layer3+4: even ports are common.
    if l34 {
        hash >> 1
    } else {
        hash
    }
}

/// `bond_vlan_srcmac_hash()`: the source MAC's two halves and the VLAN
/// tag; 0 for a runt.
pub(crate) fn vlan_srcmac_hash(frame: &[u8], vlan: u16) -> u32 {
    let Some(src) = frame.get(6..12) else {
        return 0;
    };
    let vendor = u32::from_be_bytes([0, src[0], src[1], src[2]]);
    let dev = u32::from_be_bytes([0, src[3], src[4], src[5]]);
    u32::from(vlan) ^ vendor ^ dev
}

/// The slave index for the n-th round-robin packet
/// (`bond_rr_gen_slave_id()`): `counter` is the per-packet counter after its
/// increment, `random` a fresh random number for `packets_per_slave` 0.
pub(crate) fn rr_slave_id(counter: u32, packets_per_slave: u16, random: u32) -> u32 {
    match packets_per_slave {
        0 => random,
        1 => counter,
        n => counter / u32::from(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slave_up_reselects_without_active_for_the_primary_or_a_higher_prio() {
        assert!(up_reselects(None, false, 0), "no active slave");
        assert!(up_reselects(Some(5), true, 0), "the primary");
        assert!(up_reselects(Some(5), false, 6), "a higher prio");
        assert!(!up_reselects(Some(5), false, 5), "the same prio");
        assert!(!up_reselects(Some(5), false, -1), "a lower prio");
    }

    #[test]
    fn vlan_srcmac_hashes_the_source_mac_halves_and_the_tag() {
        let mut f = [0u8; 14];
        f[6..12].copy_from_slice(&[0x02, 0x00, 0x01, 0x00, 0x00, 0x07]);
        assert_eq!(vlan_srcmac_hash(&f, 0), 0x020001 ^ 0x000007);
        assert_eq!(vlan_srcmac_hash(&f, 100), 0x020001 ^ 0x000007 ^ 100);
        assert_eq!(vlan_srcmac_hash(&f[..11], 5), 0);
    }

    #[test]
    fn encap_policies_combine_a_flow_as_their_plain_counterparts() {
        let flow = Flow {
            src: 0x0100000a,
            dst: 0x0200000a,
            ports: 0x5000_1f90,
            icmp: 0,
            icmp_id: 0,
        };
        assert_eq!(
            flow_hash(XmitHashPolicy::Encap23, 0x1234, &flow),
            flow_hash(XmitHashPolicy::Layer23, 0x1234, &flow)
        );
        assert_eq!(
            flow_hash(XmitHashPolicy::Encap34, 0x1234, &flow),
            flow_hash(XmitHashPolicy::Layer34, 0x1234, &flow)
        );
        assert_ne!(
            flow_hash(XmitHashPolicy::Encap34, 0, &flow),
            flow_hash(XmitHashPolicy::Encap23, 0, &flow)
        );
    }

    fn up() -> Candidate {
        Candidate {
            link: Link::Up,
            dev_up: true,
            ..Default::default()
        }
    }
    fn down() -> Candidate {
        Candidate {
            link: Link::Down,
            ..Default::default()
        }
    }
    fn back(delay: u32) -> Candidate {
        Candidate {
            link: Link::Back,
            dev_up: true,
            delay,
            ..Default::default()
        }
    }
    fn sel(slaves: &[Candidate]) -> Selection<'_> {
        Selection {
            slaves,
            primary: None,
            current: None,
            force_primary: false,
            primary_reselect: PrimaryReselect::Always,
            updelay: 0,
        }
    }

    #[test]
    fn first_up_slave_becomes_active() {
        assert_eq!(find_best_slave(&sel(&[down(), up(), up()])), Some(1));
        assert_eq!(find_best_slave(&sel(&[down(), down()])), None);
        assert_eq!(find_best_slave(&sel(&[])), None);
    }

    #[test]
    fn current_active_stays_while_it_is_the_best() {
        let s = [down(), up(), up()];
        assert_eq!(
            find_best_slave(&Selection {
                current: Some(1),
                ..sel(&s)
            }),
            Some(1)
        );
        let s = [up(), down()];
        assert_eq!(
            find_best_slave(&Selection {
                current: Some(1),
                ..sel(&s)
            }),
            Some(0)
        );
    }

    #[test]
    fn reselection_prefers_the_first_slave_of_equal_prio_as_6_12_does() {
        // Since slave prio (Linux 6.0), a reselection without a primary
        // treats the first up slave of highest prio as the primary: callers
        // only reselect on events that warrant it (see bond_miimon_commit).
        let s = [up(), up()];
        assert_eq!(
            find_best_slave(&Selection {
                current: Some(1),
                ..sel(&s)
            }),
            Some(0)
        );
        let s = [up(), up()];
        let failure = Selection {
            current: Some(1),
            primary_reselect: PrimaryReselect::Failure,
            ..sel(&s)
        };
        assert_eq!(find_best_slave(&failure), Some(1));
    }

    #[test]
    fn primary_wins_when_up_under_reselect_always() {
        let s = [up(), up()];
        let base = Selection {
            primary: Some(1),
            current: Some(0),
            ..sel(&s)
        };
        assert_eq!(find_best_slave(&base), Some(1));
        assert_eq!(
            find_best_slave(&Selection {
                primary_reselect: PrimaryReselect::Failure,
                ..base
            }),
            Some(0)
        );
        let s = [up(), down()];
        assert_eq!(
            find_best_slave(&Selection {
                primary: Some(1),
                current: Some(0),
                ..sel(&s)
            }),
            Some(0)
        );
    }

    #[test]
    fn reselect_better_compares_speed_then_duplex() {
        let fast = Candidate {
            speed: 10000,
            full_duplex: true,
            ..up()
        };
        let slow = Candidate {
            speed: 1000,
            full_duplex: true,
            ..up()
        };
        let s = [slow, fast];
        let base = Selection {
            primary: Some(1),
            current: Some(0),
            primary_reselect: PrimaryReselect::Better,
            ..sel(&s)
        };
        assert_eq!(find_best_slave(&base), Some(1));
        let s = [fast, slow];
        assert_eq!(find_best_slave(&Selection { slaves: &s, ..base }), Some(0));
        let s = [fast, fast];
        assert_eq!(
            find_best_slave(&Selection { slaves: &s, ..base }),
            Some(0),
            "a tie keeps the current one"
        );
    }

    #[test]
    fn forced_primary_is_taken_at_once() {
        let s = [up(), up()];
        let base = Selection {
            primary: Some(1),
            current: Some(0),
            primary_reselect: PrimaryReselect::Failure,
            ..sel(&s)
        };
        assert_eq!(
            find_best_slave(&Selection {
                force_primary: true,
                ..base
            }),
            Some(1)
        );
    }

    #[test]
    fn highest_prio_wins_without_a_usable_primary() {
        let a = Candidate { prio: 1, ..up() };
        let b = Candidate { prio: 5, ..up() };
        let s = [a, b];
        assert_eq!(find_best_slave(&sel(&s)), Some(1));
        assert_eq!(
            find_best_slave(&Selection {
                current: Some(0),
                ..sel(&s)
            }),
            Some(1)
        );
    }

    #[test]
    fn a_back_slave_with_least_delay_is_used_when_nothing_is_up() {
        let s = [down(), back(3), back(1)];
        assert_eq!(
            find_best_slave(&Selection {
                updelay: 5,
                ..sel(&s)
            }),
            Some(2)
        );
        assert_eq!(
            find_best_slave(&Selection {
                updelay: 1,
                ..sel(&s)
            }),
            None,
            "delay must be under updelay"
        );
        let not_running = Candidate {
            dev_up: false,
            ..back(0)
        };
        assert_eq!(
            find_best_slave(&Selection {
                updelay: 5,
                ..sel(&[not_running])
            }),
            None
        );
    }

    #[test]
    fn out_of_range_indices_are_ignored() {
        let s = [up()];
        assert_eq!(
            find_best_slave(&Selection {
                primary: Some(7),
                current: Some(9),
                ..sel(&s)
            }),
            Some(0)
        );
    }

    #[test]
    fn carrier_follows_any_up_link() {
        assert!(!bond_has_carrier([]));
        assert!(!bond_has_carrier([Link::Down, Link::Back, Link::Fail]));
        assert!(bond_has_carrier([Link::Down, Link::Up]));
    }

    #[test]
    fn stats_fold_counts_growth_and_ignores_resets() {
        let mut total = [10u64, 10, 10];
        fold_counters(
            &mut total,
            &[15, 1 << 33, 1 << 40],
            &[5, 1 << 34, (1 << 40) - 2],
        );
        assert_eq!(
            total,
            [20, 10, 12],
            "a 64-bit counter that went back adds nothing"
        );
        let mut total = [0u64];
        fold_counters(&mut total, &[2], &[u32::MAX as u64 - 1]);
        assert_eq!(total, [4], "a 32-bit counter wrapped");
    }

    #[test]
    fn layer2_hash_matches_the_c_formula() {
        // dst 00:..:05, src 00:..:0b, proto 0x0800: 0x05 ^ 0x0b ^ 0x0800
        let eth = [0, 0, 0, 0, 0, 0x05, 0, 0, 0, 0, 0, 0x0b, 0x08, 0x00];
        assert_eq!(hash_layer2(&eth), 0x05 ^ 0x0b ^ 0x0800);
    }

    /// An Ethernet + IPv4 + UDP frame with the given addresses and ports.
    fn udp4(src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, frag: u16) -> Vec<u8> {
        let mut f = vec![0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x00];
        f.extend_from_slice(&[0x45, 0, 0, 28, 0, 0]);
        f.extend_from_slice(&frag.to_be_bytes());
        f.extend_from_slice(&[64, 17, 0, 0]);
        f.extend_from_slice(&src);
        f.extend_from_slice(&dst);
        f.extend_from_slice(&sport.to_be_bytes());
        f.extend_from_slice(&dport.to_be_bytes());
        f.extend_from_slice(&[0, 8, 0, 0]);
        f
    }

    /// The C formulas, written out for little-endian x86_64: addresses and
    /// ports are used as loaded from memory.
    fn c_ip_hash(mut hash: u32, src: [u8; 4], dst: [u8; 4], l34: bool) -> u32 {
        hash ^= u32::from_le_bytes(dst) ^ u32::from_le_bytes(src);
        hash ^= hash >> 16;
        hash ^= hash >> 8;
        if l34 {
            hash >> 1
        } else {
            hash
        }
    }

    #[test]
    fn layer34_hash_matches_the_c_formula() {
        let f = udp4([10, 0, 0, 1], [10, 0, 0, 2], 1234, 5678, 0);
        let ports = u32::from_le_bytes([0x04, 0xd2, 0x16, 0x2e]);
        assert_eq!(
            xmit_hash(XmitHashPolicy::Layer34, &f),
            c_ip_hash(ports, [10, 0, 0, 1], [10, 0, 0, 2], true)
        );
        // Fragments hash on addresses only.
        let frag = udp4([10, 0, 0, 1], [10, 0, 0, 2], 1234, 5678, 0x2000);
        assert_eq!(
            xmit_hash(XmitHashPolicy::Layer34, &frag),
            c_ip_hash(0, [10, 0, 0, 1], [10, 0, 0, 2], true)
        );
        // Different ports, different flows.
        let g = udp4([10, 0, 0, 1], [10, 0, 0, 2], 1235, 5678, 0);
        assert_ne!(
            xmit_hash(XmitHashPolicy::Layer34, &f),
            xmit_hash(XmitHashPolicy::Layer34, &g)
        );
    }

    #[test]
    fn layer23_hash_matches_the_c_formula() {
        let f = udp4([192, 168, 1, 1], [192, 168, 1, 200], 1, 2, 0);
        let l2 = 0x01 ^ 0x02 ^ 0x0800;
        assert_eq!(
            xmit_hash(XmitHashPolicy::Layer23, &f),
            c_ip_hash(l2, [192, 168, 1, 1], [192, 168, 1, 200], false)
        );
        // Ports do not matter for layer2+3.
        let g = udp4([192, 168, 1, 1], [192, 168, 1, 200], 7, 9, 0);
        assert_eq!(
            xmit_hash(XmitHashPolicy::Layer23, &f),
            xmit_hash(XmitHashPolicy::Layer23, &g)
        );
    }

    #[test]
    fn non_ip_and_short_frames_fall_back_to_layer2() {
        let mut arp = udp4([1, 1, 1, 1], [2, 2, 2, 2], 1, 2, 0);
        arp[12..14].copy_from_slice(&0x0806u16.to_be_bytes());
        let eth: [u8; 14] = arp[..14].try_into().unwrap();
        assert_eq!(xmit_hash(XmitHashPolicy::Layer34, &arp), hash_layer2(&eth));
        assert_eq!(
            xmit_hash(XmitHashPolicy::Layer34, &arp[..20]),
            hash_layer2(&eth)
        );
        assert_eq!(xmit_hash(XmitHashPolicy::Layer2, &[1, 2, 3]), 0);
    }

    #[test]
    fn icmp_echo_id_stands_in_for_ports() {
        let mut f = udp4([10, 0, 0, 1], [10, 0, 0, 2], 0, 0, 0);
        f[14 + 9] = 1; // ICMP
        f[34..42].copy_from_slice(&[8, 0, 0, 0, 0x12, 0x34, 0, 1]);
        let icmp = u32::from_le_bytes([8, 0, 0x12, 0x34]);
        assert_eq!(
            xmit_hash(XmitHashPolicy::Layer34, &f),
            c_ip_hash(icmp, [10, 0, 0, 1], [10, 0, 0, 2], true)
        );
    }

    #[test]
    fn rr_counts_packets_per_slave() {
        assert_eq!(
            (1..=6)
                .map(|c| rr_slave_id(c, 1, 0) % 2)
                .collect::<Vec<_>>(),
            [1, 0, 1, 0, 1, 0]
        );
        assert_eq!(
            (1..=6)
                .map(|c| rr_slave_id(c, 3, 0) % 2)
                .collect::<Vec<_>>(),
            [0, 0, 1, 1, 1, 0]
        );
        assert_eq!(rr_slave_id(5, 0, 77), 77);
    }

    #[test]
    fn initial_link_depends_on_the_monitor() {
        assert_eq!(initial_link(100, 0, 0, true), (Link::Up, 0));
        assert_eq!(initial_link(100, 0, 2, true), (Link::Back, 2));
        assert_eq!(initial_link(100, 0, 2, false), (Link::Down, 0));
        assert_eq!(initial_link(0, 1000, 0, false), (Link::Down, 0));
        assert_eq!(initial_link(0, 1000, 0, true), (Link::Up, 0));
        assert_eq!(
            initial_link(0, 0, 0, false),
            (Link::Up, 0),
            "no monitor: always up"
        );
        assert_eq!(Link::from_u8(Link::Back as u8), Link::Back);
        assert_eq!(Link::Fail.proc_name(), "going down");
    }
}
