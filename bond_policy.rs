// SPDX-License-Identifier: GPL-2.0

//! Bonding policy: which slave is active, whether the bond has carrier, what
//! state a new slave starts in. Pure Rust over plain data (indices into the
//! slave list in enslave order), so that `cargo test` checks it on the host;
//! `bonding.rs` feeds it the slaves' states and applies its answers.
//!
//! The rules are the C driver's (bond_main.c): `bond_find_best_slave()`,
//! `bond_choose_primary_or_current()`, `bond_set_carrier()` and the initial
//! link state in `bond_enslave()`.

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

/// `primary_reselect` values.
pub(crate) mod reselect {
    /// Go back to the primary whenever it is up.
    pub(crate) const ALWAYS: u8 = 0;
    /// Only if the primary is faster (or as fast and more duplex).
    pub(crate) const BETTER: u8 = 1;
    /// Only when the current active slave fails.
    pub(crate) const FAILURE: u8 = 2;
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
    pub(crate) primary_reselect: u8,
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
        let mut hprio: Option<usize> = None;
        for (i, c) in s.iter().enumerate() {
            if c.link == Link::Up && hprio.map_or(true, |h| c.prio > s[h].prio) {
                hprio = Some(i);
            }
        }
        match hprio {
            Some(h) if Some(h) != curr => prim = Some(h),
            _ => return curr.filter(|&c| s[c].link == Link::Up),
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
        reselect::ALWAYS => Some(p),
        reselect::BETTER => {
            let (ps, cs) = (&s[p], &s[c]);
            if ps.speed < cs.speed || (ps.speed == cs.speed && ps.full_duplex <= cs.full_duplex) {
                Some(c)
            } else {
                Some(p)
            }
        }
        _ => Some(c),
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

/// `bond_set_carrier()` outside 802.3ad: the bond has carrier while at
/// least one slave's link is up.
pub(crate) fn bond_has_carrier(links: impl IntoIterator<Item = Link>) -> bool {
    links.into_iter().any(|l| l == Link::Up)
}

/// The link state a new slave starts in, and its delay in ticks
/// (`bond_enslave()`): with miimon, its sampled link (`Back` while counting
/// updelay); with the ARP monitor, its carrier; with no monitor at all,
/// always up, since nothing would ever notice a change.
pub(crate) fn initial_link(miimon: u32, arp_interval: u32, updelay: u32, link_up: bool) -> (Link, u32) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn up() -> Candidate {
        Candidate { link: Link::Up, dev_up: true, ..Default::default() }
    }
    fn down() -> Candidate {
        Candidate { link: Link::Down, ..Default::default() }
    }
    fn back(delay: u32) -> Candidate {
        Candidate { link: Link::Back, dev_up: true, delay, ..Default::default() }
    }
    fn sel(slaves: &[Candidate]) -> Selection<'_> {
        Selection { slaves, primary: None, current: None, force_primary: false, primary_reselect: 0, updelay: 0 }
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
        assert_eq!(find_best_slave(&Selection { current: Some(1), ..sel(&s) }), Some(1));
        let s = [up(), down()];
        assert_eq!(find_best_slave(&Selection { current: Some(1), ..sel(&s) }), Some(0));
    }

    #[test]
    fn reselection_prefers_the_first_slave_of_equal_prio_as_6_12_does() {
        // Since slave prio (Linux 6.0), a reselection without a primary
        // treats the first up slave of highest prio as the primary: callers
        // only reselect on events that warrant it (see bond_miimon_commit).
        let s = [up(), up()];
        assert_eq!(find_best_slave(&Selection { current: Some(1), ..sel(&s) }), Some(0));
        let s = [up(), up()];
        let failure = Selection { current: Some(1), primary_reselect: reselect::FAILURE, ..sel(&s) };
        assert_eq!(find_best_slave(&failure), Some(1));
    }

    #[test]
    fn primary_wins_when_up_under_reselect_always() {
        let s = [up(), up()];
        let base = Selection { primary: Some(1), current: Some(0), ..sel(&s) };
        assert_eq!(find_best_slave(&base), Some(1));
        assert_eq!(find_best_slave(&Selection { primary_reselect: reselect::FAILURE, ..base }), Some(0));
        let s = [up(), down()];
        assert_eq!(find_best_slave(&Selection { primary: Some(1), current: Some(0), ..sel(&s) }), Some(0));
    }

    #[test]
    fn reselect_better_compares_speed_then_duplex() {
        let fast = Candidate { speed: 10000, full_duplex: true, ..up() };
        let slow = Candidate { speed: 1000, full_duplex: true, ..up() };
        let s = [slow, fast];
        let base = Selection { primary: Some(1), current: Some(0), primary_reselect: reselect::BETTER, ..sel(&s) };
        assert_eq!(find_best_slave(&base), Some(1));
        let s = [fast, slow];
        assert_eq!(find_best_slave(&Selection { slaves: &s, ..base }), Some(0));
        let s = [fast, fast];
        assert_eq!(find_best_slave(&Selection { slaves: &s, ..base }), Some(0), "a tie keeps the current one");
    }

    #[test]
    fn forced_primary_is_taken_at_once() {
        let s = [up(), up()];
        let base = Selection { primary: Some(1), current: Some(0), primary_reselect: reselect::FAILURE, ..sel(&s) };
        assert_eq!(find_best_slave(&Selection { force_primary: true, ..base }), Some(1));
    }

    #[test]
    fn highest_prio_wins_without_a_usable_primary() {
        let a = Candidate { prio: 1, ..up() };
        let b = Candidate { prio: 5, ..up() };
        let s = [a, b];
        assert_eq!(find_best_slave(&sel(&s)), Some(1));
        assert_eq!(find_best_slave(&Selection { current: Some(0), ..sel(&s) }), Some(1));
    }

    #[test]
    fn a_back_slave_with_least_delay_is_used_when_nothing_is_up() {
        let s = [down(), back(3), back(1)];
        assert_eq!(find_best_slave(&Selection { updelay: 5, ..sel(&s) }), Some(2));
        assert_eq!(find_best_slave(&Selection { updelay: 1, ..sel(&s) }), None, "delay must be under updelay");
        let not_running = Candidate { dev_up: false, ..back(0) };
        assert_eq!(find_best_slave(&Selection { updelay: 5, ..sel(&[not_running]) }), None);
    }

    #[test]
    fn out_of_range_indices_are_ignored() {
        let s = [up()];
        assert_eq!(find_best_slave(&Selection { primary: Some(7), current: Some(9), ..sel(&s) }), Some(0));
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
        fold_counters(&mut total, &[15, 1 << 33, 1 << 40], &[5, 1 << 34, (1 << 40) - 2]);
        assert_eq!(total, [20, 10, 12], "a 64-bit counter that went back adds nothing");
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

    #[test]
    fn initial_link_depends_on_the_monitor() {
        assert_eq!(initial_link(100, 0, 0, true), (Link::Up, 0));
        assert_eq!(initial_link(100, 0, 2, true), (Link::Back, 2));
        assert_eq!(initial_link(100, 0, 2, false), (Link::Down, 0));
        assert_eq!(initial_link(0, 1000, 0, false), (Link::Down, 0));
        assert_eq!(initial_link(0, 1000, 0, true), (Link::Up, 0));
        assert_eq!(initial_link(0, 0, 0, false), (Link::Up, 0), "no monitor: always up");
        assert_eq!(Link::from_u8(Link::Back as u8), Link::Back);
        assert_eq!(Link::Fail.proc_name(), "going down");
    }
}
