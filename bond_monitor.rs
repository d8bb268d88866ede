// SPDX-License-Identifier: GPL-2.0

//! Link monitoring: the MII monitor's per-slave state machine.
//!
//! Pure Rust, host-tested. Every `miimon` ms the monitor samples each
//! slave's link and feeds it to [`inspect`] (the C driver's
//! `bond_miimon_inspect()`), which counts `downdelay`/`updelay` down in
//! ticks and proposes a new link state; proposals are then committed under
//! RTNL by `bonding.rs` (`bond_miimon_commit()`):
//!
//! ```text
//!   UP --link lost--> FAIL --downdelay ticks--> DOWN
//!    ^                 | link back                |
//!    +-----------------+                          | link back
//!    ^                                            v
//!    +--------updelay ticks-------------------- BACK --link lost--> DOWN
//! ```
//!
//! When no slave is usable, a slave coming back skips `updelay` (the bond
//! would otherwise have no link at all while it waits).

#![forbid(unsafe_code)]

use crate::bond_params::Ipv6;
use crate::bond_policy::Link;

/// What a slave's link did, for the C driver's log lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    /// "link status down for %sinterface, disabling it in %d ms"
    DownDisablingIn(u32),
    /// "link status up again after %d ms"
    UpAgainAfter(u32),
    /// "link status up, enabling it in %d ms"
    UpEnablingIn(u32),
    /// "link status down again after %d ms"
    DownAgainAfter(u32),
}

/// The monitor's settings, in ticks of `miimon` ms.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MiiTicks {
    /// Polling interval in ms.
    pub(crate) miimon: u32,
    /// Ticks a lost link waits before the slave goes down.
    pub(crate) downdelay: u32,
    /// Ticks a recovered link waits before the slave is used.
    pub(crate) updelay: u32,
}

/// The outcome of one sample of one slave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Inspection {
    /// The state to commit under RTNL, if it changes.
    pub(crate) propose: Option<Link>,
    /// The slave's remaining delay after this tick.
    pub(crate) delay: i32,
    /// A line to log.
    pub(crate) event: Option<Event>,
}

/// One tick of `bond_miimon_inspect()` for one slave whose committed state
/// is `link` and remaining delay `delay`, whose link was sampled `link_up`.
/// `ignore_updelay` is true while the bond has no usable slave; it is
/// cleared (as in the C driver) once a slave is proposed up.
pub(crate) fn inspect(
    link: Link,
    delay: i32,
    link_up: bool,
    t: &MiiTicks,
    ignore_updelay: &mut bool,
) -> Inspection {
    let mut out = Inspection {
        propose: None,
        delay,
        event: None,
    };
    let ms = |ticks: i32| (ticks.max(0) as u32).saturating_mul(t.miimon);
    match link {
        Link::Up | Link::Fail => {
            if link == Link::Up {
                if link_up {
                    return out;
                }
                out.propose = Some(Link::Fail);
                out.delay = t.downdelay as i32;
                if out.delay > 0 {
                    out.event = Some(Event::DownDisablingIn(t.downdelay.saturating_mul(t.miimon)));
                }
            }
            if link_up {
                // Recovered before downdelay expired.
                out.propose = Some(Link::Up);
                out.event = Some(Event::UpAgainAfter(ms(t.downdelay as i32 - out.delay)));
                return out;
            }
            if out.delay <= 0 {
                out.propose = Some(Link::Down);
                return out;
            }
            out.delay -= 1;
        }
        Link::Down | Link::Back => {
            if link == Link::Down {
                if !link_up {
                    return out;
                }
                out.propose = Some(Link::Back);
                out.delay = t.updelay as i32;
                if out.delay > 0 {
                    let wait = if *ignore_updelay {
                        0
                    } else {
                        t.updelay.saturating_mul(t.miimon)
                    };
                    out.event = Some(Event::UpEnablingIn(wait));
                }
            }
            if !link_up {
                out.propose = Some(Link::Down);
                out.event = Some(Event::DownAgainAfter(ms(t.updelay as i32 - out.delay)));
                return out;
            }
            if *ignore_updelay {
                out.delay = 0;
            }
            if out.delay <= 0 {
                out.propose = Some(Link::Up);
                *ignore_updelay = false;
                return out;
            }
            out.delay -= 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: MiiTicks = MiiTicks {
        miimon: 100,
        downdelay: 0,
        updelay: 0,
    };

    /// Runs ticks with the given samples, committing proposals at once as
    /// the monitor does; returns the committed state after each tick.
    fn run(t: &MiiTicks, mut link: Link, samples: &[bool], mut ignore: bool) -> Vec<Link> {
        let mut delay = 0;
        samples
            .iter()
            .map(|&up| {
                let r = inspect(link, delay, up, t, &mut ignore);
                delay = r.delay;
                if let Some(p) = r.propose {
                    link = p;
                }
                link
            })
            .collect()
    }

    #[test]
    fn without_delays_a_lost_link_goes_down_at_the_next_tick() {
        assert_eq!(
            run(&T, Link::Up, &[true, false, false], false),
            [Link::Up, Link::Down, Link::Down]
        );
        assert_eq!(
            run(&T, Link::Down, &[false, true], false),
            [Link::Down, Link::Up]
        );
    }

    #[test]
    fn downdelay_counts_ticks_before_down() {
        let t = MiiTicks { downdelay: 3, ..T };
        let states = run(&t, Link::Up, &[false, false, false, false, false], false);
        assert_eq!(
            states,
            [Link::Fail, Link::Fail, Link::Fail, Link::Down, Link::Down]
        );
        let mut ignore = false;
        let first = inspect(Link::Up, 0, false, &t, &mut ignore);
        assert_eq!(first.event, Some(Event::DownDisablingIn(300)));
    }

    #[test]
    fn a_link_back_within_downdelay_stays_up() {
        let t = MiiTicks { downdelay: 3, ..T };
        assert_eq!(
            run(&t, Link::Up, &[false, false, true], false),
            [Link::Fail, Link::Fail, Link::Up]
        );
        let mut ignore = false;
        let r = inspect(Link::Fail, 1, true, &t, &mut ignore);
        assert_eq!(r.event, Some(Event::UpAgainAfter(200)));
    }

    #[test]
    fn updelay_counts_ticks_before_up() {
        let t = MiiTicks { updelay: 2, ..T };
        assert_eq!(
            run(&t, Link::Down, &[true, true, true, true], false),
            [Link::Back, Link::Back, Link::Up, Link::Up]
        );
        assert_eq!(
            run(&t, Link::Down, &[true, false], false),
            [Link::Back, Link::Down]
        );
    }

    #[test]
    fn updelay_is_ignored_when_no_slave_is_usable() {
        let t = MiiTicks { updelay: 50, ..T };
        assert_eq!(run(&t, Link::Down, &[true], true), [Link::Up]);
        let mut ignore = true;
        let r = inspect(Link::Down, 0, true, &t, &mut ignore);
        assert_eq!(r.event, Some(Event::UpEnablingIn(0)));
        assert!(!ignore, "only the first slave back skips updelay");
    }

    #[test]
    fn an_up_link_proposes_nothing() {
        let mut ignore = false;
        assert_eq!(inspect(Link::Up, 0, true, &T, &mut ignore).propose, None);
        assert_eq!(inspect(Link::Down, 0, false, &T, &mut ignore).propose, None);
    }
}

/// `bond_time_in_interval()`: whether jiffies value `last` lies within
/// `mods` ARP intervals (plus half of one) before `now`.
pub(crate) fn in_interval(now: u64, last: u64, delta: u64, mods: u64) -> bool {
    let lo = last.wrapping_sub(delta);
    let hi = last
        .wrapping_add(mods.wrapping_mul(delta))
        .wrapping_add(delta / 2);
    (now.wrapping_sub(lo) as i64) >= 0 && (hi.wrapping_sub(now) as i64) >= 0
}

/// What the ARP monitor knows of one slave, in jiffies.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ArpSample {
    /// The bond's view of the link.
    pub(crate) link: Link,
    /// Last ARP probe sent on the slave.
    pub(crate) last_tx: u64,
    /// Last frame received on the slave (arp_validate=none counts any).
    pub(crate) last_rx: u64,
    /// When the link last went up.
    pub(crate) last_link_up: u64,
}

/// The length of an Ethernet/IPv4 ARP packet (`arp_hdr_len()`).
pub(crate) const ARP_LEN: usize = 28;
/// ARP operations.
pub(crate) const ARPOP_REQUEST: u16 = 1;
pub(crate) const ARPOP_REPLY: u16 = 2;
/// The EtherTypes the monitors and tlb/alb look for.
pub(crate) const ETH_P_IP: u16 = 0x0800;
pub(crate) const ETH_P_ARP: u16 = 0x0806;
pub(crate) const ETH_P_IPV6: u16 = 0x86dd;

/// What the ARP monitor reads of a received ARP packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Arp {
    /// ARPOP_REQUEST or ARPOP_REPLY.
    pub(crate) op: u16,
    /// Sender and target protocol addresses.
    pub(crate) sip: [u8; 4],
    pub(crate) tip: [u8; 4],
}

impl Arp {
    /// An Ethernet/IPv4 ARP packet, from its first [`ARP_LEN`] bytes; `None`
    /// for another hardware or protocol type or address length
    /// (`bond_arp_rcv()`'s checks).
    pub(crate) fn parse(b: &[u8; ARP_LEN]) -> Option<Self> {
        let be16 = |hi: u8, lo: u8| u16::from_be_bytes([hi, lo]);
        let (hrd, pro, hln, pln) = (be16(b[0], b[1]), be16(b[2], b[3]), b[4], b[5]);
        if hrd != 1 || pro != 0x0800 || hln != 6 || pln != 4 {
            return None;
        }
        Some(Self {
            op: be16(b[6], b[7]),
            sip: [b[14], b[15], b[16], b[17]],
            tip: [b[24], b[25], b[26], b[27]],
        })
    }
}

/// The length of an IPv6 header and an ICMPv6 header, what the NS
/// monitor reads of a received packet (`bond_na_rcv()`).
pub(crate) const ND_LEN: usize = 48;
/// `NEXTHDR_ICMP`, and the neighbour discovery messages it looks for.
const NEXTHDR_ICMP: u8 = 58;
const NDISC_NEIGHBOUR_SOLICITATION: u8 = 135;
const NDISC_NEIGHBOUR_ADVERTISEMENT: u8 = 136;

/// What the NS monitor reads of a received neighbour solicitation or
/// advertisement: its source and destination addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Nd {
    pub(crate) saddr: Ipv6,
    pub(crate) daddr: Ipv6,
}

impl Nd {
    /// From the first [`ND_LEN`] bytes of an IPv6 packet: `None` unless its
    /// next header is ICMPv6 and the message an NS or an NA (extension
    /// headers are not followed, as in the C driver).
    pub(crate) fn parse(b: &[u8; ND_LEN]) -> Option<Self> {
        let (nexthdr, icmp_type) = (b[6], b[40]);
        if nexthdr != NEXTHDR_ICMP
            || !matches!(
                icmp_type,
                NDISC_NEIGHBOUR_SOLICITATION | NDISC_NEIGHBOUR_ADVERTISEMENT
            )
        {
            return None;
        }
        let mut saddr = Ipv6::default();
        let mut daddr = Ipv6::default();
        saddr.0.copy_from_slice(&b[8..24]);
        daddr.0.copy_from_slice(&b[24..40]);
        Some(Self { saddr, daddr })
    }

    /// `bond_validate_na()`: the index of the target this exchange shows
    /// alive, with `saddr` the target's side (the target itself or its
    /// solicited-node group, that is an NS the active slave sent) and
    /// `daddr` the bond's (all nodes, or an address `is_ours` knows);
    /// `None` if it shows nothing.
    pub(crate) fn target(
        saddr: &Ipv6,
        daddr: &Ipv6,
        targets: &[Ipv6],
        is_ours: impl FnOnce(&Ipv6) -> bool,
    ) -> Option<usize> {
        if saddr.is_any() || (*daddr != Ipv6::ALL_NODES && !is_ours(daddr)) {
            return None;
        }
        targets
            .iter()
            .position(|t| t == saddr || t.solicited_node() == *saddr)
    }
}

/// How a received ARP packet (or NS/NA) is validated against the targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ArpTrust {
    /// Its sender is the target, its target the bond.
    AsSent,
    /// A request from the active slave, seen on a backup: its target is
    /// the target, its sender the bond.
    Swapped,
}

impl ArpTrust {
    /// A packet's sender and target addresses as (the monitor target's
    /// side, the bond's side).
    pub(crate) fn order<T>(self, sender: T, target: T) -> (T, T) {
        match self {
            Self::AsSent => (sender, target),
            Self::Swapped => (target, sender),
        }
    }
}

/// Whether a received ARP is trusted enough to validate (`bond_arp_rcv()`):
/// on the active slave (or the slave being probed); on a backup once the
/// active slave has heard a target since it came up (the request it sent
/// passes the switch to the backups); or a reply on any slave to the probe
/// sent in the last interval (a switch may deliver it elsewhere). Anything
/// else could be the bond's own requests fooling it.
pub(crate) fn arp_trust(
    slave_active: bool,
    active_heard_since_up: bool,
    reply_to_probe: bool,
) -> Option<ArpTrust> {
    if slave_active {
        Some(ArpTrust::AsSent)
    } else if active_heard_since_up {
        Some(ArpTrust::Swapped)
    } else if reply_to_probe {
        Some(ArpTrust::AsSent)
    } else {
        None
    }
}

/// The oldest of some jiffies stamps (`slave_oldest_target_arp_rx()`).
pub(crate) fn oldest(stamps: impl Iterator<Item = u64>) -> Option<u64> {
    stamps.reduce(|old, t| if time_after(old, t) { t } else { old })
}

/// A slave's per-target stamps after the target list changed from `old`
/// to `new` (`bond_option_arp_ip_target_add()`, `_rem()`): a target kept
/// keeps its stamp, wherever it moved; a new one starts at `now`.
pub(crate) fn retime_targets<T: PartialEq, const N: usize>(
    old: &[T],
    new: &[T],
    stamps: &[u64; N],
    now: u64,
) -> [u64; N] {
    let mut out = [0; N];
    for (slot, t) in out.iter_mut().zip(new) {
        *slot = old
            .iter()
            .position(|o| o == t)
            .and_then(|i| stamps.get(i))
            .copied()
            .unwrap_or(now);
    }
    out
}

/// `time_after(a, b)` on jiffies.
pub(crate) fn time_after(a: u64, b: u64) -> bool {
    (b.wrapping_sub(a) as i64) < 0
}

/// The ARP monitor's clock: now, and the interval, in jiffies.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ArpClock {
    /// `jiffies`.
    pub(crate) now: u64,
    /// `arp_interval` in jiffies.
    pub(crate) delta: u64,
    /// `arp_missed_max`.
    pub(crate) missed_max: u64,
}

/// `bond_loadbalance_arp_mon()` for one slave (modes other than
/// active-backup): up once it has both sent and received within an
/// interval, down when either is older than `missed_max` intervals.
pub(crate) fn loadbalance_arp_inspect(s: &ArpSample, c: &ArpClock) -> Option<Link> {
    let within = |t: u64, mods: u64| in_interval(c.now, t, c.delta, mods);
    if s.link != Link::Up {
        (within(s.last_tx, 1) && within(s.last_rx, 1)).then_some(Link::Up)
    } else {
        (!within(s.last_tx, c.missed_max) || !within(s.last_rx, c.missed_max)).then_some(Link::Down)
    }
}

/// `bond_ab_arp_inspect()` for one slave (active-backup): `active` is
/// whether it is the active slave, `probing` whether the bond is probing a
/// slave (`current_arp_slave`).
pub(crate) fn ab_arp_inspect(
    s: &ArpSample,
    c: &ArpClock,
    active: bool,
    probing: bool,
) -> Option<Link> {
    let within = |t: u64, mods: u64| in_interval(c.now, t, c.delta, mods);
    if s.link != Link::Up {
        if within(s.last_rx, 1) {
            return Some(Link::Up);
        }
        return (s.link == Link::Back).then_some(Link::Fail);
    }
    // Give a slave that just came up time to prove itself.
    if within(s.last_link_up, 2) {
        return None;
    }
    let mut propose = None;
    if !active && !probing && !within(s.last_rx, c.missed_max + 1) {
        propose = Some(Link::Down);
    }
    if active && (!within(s.last_tx, c.missed_max) || !within(s.last_rx, c.missed_max)) {
        propose = Some(Link::Down);
    }
    propose
}

#[cfg(test)]
mod arp_tests {
    use super::*;

    const C: ArpClock = ArpClock {
        now: 10_000,
        delta: 100,
        missed_max: 2,
    };

    fn sample(link: Link, tx_ago: u64, rx_ago: u64) -> ArpSample {
        ArpSample {
            link,
            last_tx: C.now - tx_ago,
            last_rx: C.now - rx_ago,
            last_link_up: 0,
        }
    }

    #[test]
    fn arp_packets_parse_as_the_c_driver_reads_them() {
        let mut b = [0u8; ARP_LEN];
        b[..8].copy_from_slice(&[0, 1, 8, 0, 6, 4, 0, 2]);
        b[14..18].copy_from_slice(&[192, 0, 2, 2]);
        b[24..28].copy_from_slice(&[192, 0, 2, 1]);
        assert_eq!(
            Arp::parse(&b),
            Some(Arp {
                op: ARPOP_REPLY,
                sip: [192, 0, 2, 2],
                tip: [192, 0, 2, 1]
            })
        );
        for (i, v) in [(1, 6), (3, 0xdd), (4, 8), (5, 16)] {
            let mut bad = b;
            bad[i] = v;
            assert_eq!(Arp::parse(&bad), None, "byte {i} = {v}");
        }
    }

    #[test]
    fn arp_is_trusted_on_the_active_slave_then_swapped_then_as_a_probe_reply() {
        assert_eq!(arp_trust(true, false, false), Some(ArpTrust::AsSent));
        assert_eq!(arp_trust(true, true, true), Some(ArpTrust::AsSent));
        assert_eq!(arp_trust(false, true, true), Some(ArpTrust::Swapped));
        assert_eq!(arp_trust(false, false, true), Some(ArpTrust::AsSent));
        assert_eq!(arp_trust(false, false, false), None);
        assert!(time_after(5, u64::MAX - 3), "wraps like jiffies");
        assert!(!time_after(7, 7));
        assert_eq!(oldest([30, 10, 20].into_iter()), Some(10));
        assert_eq!(
            oldest([5, u64::MAX - 1].into_iter()),
            Some(u64::MAX - 1),
            "wraps"
        );
        assert_eq!(oldest([].into_iter()), None);
        let (a, b, c) = ("a", "b", "c");
        assert_eq!(
            retime_targets(&[a, b, c], &[a, c], &[1, 2, 3, 0], 9),
            [1, 3, 0, 0],
            "removed"
        );
        assert_eq!(
            retime_targets(&[a], &[a, b], &[1, 0, 0], 9),
            [1, 9, 0],
            "added"
        );
        assert_eq!(retime_targets(&[], &[a, b], &[1, 2], 9), [9, 9], "replaced");
    }

    #[test]
    fn in_interval_matches_time_in_range() {
        // [last - delta, last + mods*delta + delta/2]
        assert!(in_interval(1000, 1000, 100, 1));
        assert!(in_interval(1150, 1000, 100, 1));
        assert!(!in_interval(1151, 1000, 100, 1));
        assert!(in_interval(900, 1000, 100, 1));
        assert!(!in_interval(899, 1000, 100, 1));
        assert!(in_interval(5, u64::MAX - 10, 100, 1), "wraps like jiffies");
    }

    #[test]
    fn loadbalance_needs_both_directions() {
        assert_eq!(
            loadbalance_arp_inspect(&sample(Link::Down, 50, 50), &C),
            Some(Link::Up)
        );
        assert_eq!(
            loadbalance_arp_inspect(&sample(Link::Down, 50, 400), &C),
            None
        );
        assert_eq!(
            loadbalance_arp_inspect(&sample(Link::Up, 50, 200), &C),
            None,
            "within missed_max"
        );
        assert_eq!(
            loadbalance_arp_inspect(&sample(Link::Up, 50, 300), &C),
            Some(Link::Down)
        );
    }

    #[test]
    fn active_backup_inspect() {
        // Down slaves come up on any recent frame; a BACK slave that hears
        // nothing fails.
        assert_eq!(
            ab_arp_inspect(&sample(Link::Down, 0, 50), &C, false, false),
            Some(Link::Up)
        );
        assert_eq!(
            ab_arp_inspect(&sample(Link::Back, 0, 500), &C, false, true),
            Some(Link::Fail)
        );
        assert_eq!(
            ab_arp_inspect(&sample(Link::Down, 0, 500), &C, false, false),
            None
        );
        // The active slave must both send and hear within missed_max.
        assert_eq!(
            ab_arp_inspect(&sample(Link::Up, 50, 300), &C, true, false),
            Some(Link::Down)
        );
        assert_eq!(
            ab_arp_inspect(&sample(Link::Up, 50, 150), &C, true, false),
            None
        );
        // A backup is given missed_max + 1 intervals, and is left alone
        // while another slave is being probed.
        assert_eq!(
            ab_arp_inspect(&sample(Link::Up, 0, 300), &C, false, false),
            None
        );
        assert_eq!(
            ab_arp_inspect(&sample(Link::Up, 0, 400), &C, false, false),
            Some(Link::Down)
        );
        assert_eq!(
            ab_arp_inspect(&sample(Link::Up, 0, 400), &C, false, true),
            None
        );
        // Just up: grace of two intervals.
        let fresh = ArpSample {
            last_link_up: C.now - 100,
            ..sample(Link::Up, 500, 500)
        };
        assert_eq!(ab_arp_inspect(&fresh, &C, true, false), None);
    }
}

#[cfg(test)]
#[path = "tests/host/src/ns_tests.rs"]
mod ns_tests;
