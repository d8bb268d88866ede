// SPDX-License-Identifier: GPL-2.0

//! The link monitors' kernel side (`bond_mii_monitor()`, `bond_arp_monitor()`):
//! sample the slaves, run the pure state machines of `bond_monitor`, and
//! commit what they propose under RTNL.

#![forbid(unsafe_code)]

use super::{
    slave::{Slave, NO_PROPOSAL},
    BondDriver, Bonding, MII_WORK,
};
use crate::net::ethtool::Duplex;
use crate::net::route::Route;
use crate::net::route6::{ipv6_enabled, Route6};
use crate::{
    bond_monitor,
    bond_monitor::{
        arp_trust, in_interval, time_after, Arp, ArpClock, ArpSample, Event, MiiTicks, Nd,
        ARPOP_REPLY, ARP_LEN, ETH_P_ARP, ETH_P_IPV6, ND_LEN,
    },
    bond_params::{ArpValidate, BondParams, Ipv6, Mode, NsTargets},
    bond_policy,
    bond_policy::Link,
    bond_uapi::BMSR_LSTATUS,
    net::{
        device::{flags::IFF_MULTICAST, Device, NotifyEvent, Rearm, KERN_INFO},
        rcu::RcuGuard,
        route::VlanTag,
        rtnl::Rtnl,
        rx::RxSkb,
        skb,
        skb::net_ratelimit,
    },
};
use core::sync::atomic::{AtomicBool, Ordering::Relaxed};
use kernel::prelude::*;
use kernel::sync::Arc;

/// `bond_rcv_validate()`: what a frame received on a slave of a bond that
/// runs the ARP monitor says of the slave's link. Where `arp_validate`
/// does not apply to the slave, any frame counts (only ARP and IPv6 under
/// the `filter` values); where it does, only an ARP exchanged between the
/// bond and one of its ARP targets, or an NS or NA between the bond and
/// one of its NS targets, trusted as [`arp_trust`] says.
pub(super) fn arp_rcv(slave: &Slave, skb: &RxSkb<'_>, rcu: &RcuGuard) {
    let Some(bond) = slave.bond.driver_data::<BondDriver>() else {
        return;
    };
    let Some(set) = bond.slaves.read(rcu) else {
        return;
    };
    let p = &set.params;
    let backup = slave.backup.load(Relaxed);
    let is_arp = skb.has_protocol(ETH_P_ARP);
    let is_ipv6 = skb.has_protocol(ETH_P_IPV6);
    if !p.arp_validate.validates(backup) {
        if !p.arp_validate.filters() || is_arp || is_ipv6 {
            slave.last_rx.store(skb::jiffies(), Relaxed);
        }
        return;
    }
    if skb.is_otherhost_or_loopback() {
        return;
    }
    let active_heard_since_up = set
        .active
        .as_ref()
        .is_some_and(|a| time_after(a.arp_last_rx(p), a.last_link_up.load(Relaxed)));
    let delta = skb::ms_to_jiffies(p.arp_interval);
    let probed_lately = set
        .arp_slave
        .as_ref()
        .is_some_and(|s| in_interval(skb::jiffies(), s.last_tx.load(Relaxed), delta, 1));
    let trust = |reply: bool| arp_trust(!backup, active_heard_since_up, reply && probed_lately);
    let target = if is_arp {
        let Some(arp) = head::<ARP_LEN>(skb).and_then(|b| Arp::parse(&b)) else {
            return;
        };
        let Some((sip, tip)) = trust(arp.op == ARPOP_REPLY).map(|t| t.order(arp.sip, arp.tip))
        else {
            return;
        };
        // bond_validate_arp(): from a target, to an address of the bond (or
        // of a device stacked on it).
        if sip == [0; 4] || !has_this_ip(&slave.bond, tip, rcu) {
            return;
        }
        p.arp_targets.as_slice().iter().position(|t| t.0 == sip)
    } else if is_ipv6 && ipv6_enabled() {
        let Some(nd) = head::<ND_LEN>(skb).and_then(|b| Nd::parse(&b)) else {
            return;
        };
        // Any NS or NA answers a probe.
        let Some((saddr, daddr)) = trust(true).map(|t| t.order(nd.saddr, nd.daddr)) else {
            return;
        };
        Nd::target(&saddr, &daddr, p.ns_targets.as_slice(), |a| {
            has_this_ip6(&slave.bond, a, rcu)
        })
    } else {
        None
    };
    let Some(i) = target else {
        return;
    };
    let now = skb::jiffies();
    slave.last_rx.store(now, Relaxed);
    if let Some(t) = slave.target_last_rx.get(i) {
        t.store(now, Relaxed);
    }
}

/// The first `N` bytes of a received packet, if it has that many
/// (`skb_header_pointer()`).
fn head<const N: usize>(skb: &RxSkb<'_>) -> Option<[u8; N]> {
    let mut buf = [0u8; N];
    skb.copy_payload(&mut buf).then_some(buf)
}

/// How deep devices stack (`MAX_NEST_DEV`).
pub(super) const MAX_NEST_DEV: usize = 8;

/// `pr_warn_once()` of a target without a route while arp_validate is set.
static NO_ROUTE_WARNED: AtomicBool = AtomicBool::new(false);
/// The same, of an NS target.
static NO_ROUTE6_WARNED: AtomicBool = AtomicBool::new(false);

/// `bond_verify_device_path()`: whether `end` is `start` or stacked above
/// it, depth first; if so, how many devices up, with `path[i]` the VLAN
/// tag of the device `i + 1` levels above `start` (id 0 where that device
/// is not a VLAN).
pub(super) fn device_path(
    start: &Device,
    end: &Device,
    rcu: &RcuGuard,
    level: usize,
    path: &mut [VlanTag; MAX_NEST_DEV],
) -> Option<usize> {
    if start.is(end) {
        return Some(level);
    }
    if level >= MAX_NEST_DEV {
        return None;
    }
    let mut found = None;
    start.find_upper(rcu, |upper| {
        found = device_path(upper, end, rcu, level + 1, path);
        if found.is_some() {
            if let Some(slot) = path.get_mut(level) {
                *slot = upper.vlan().unwrap_or_default();
            }
        }
        found.is_some()
    });
    found
}

/// `bond_has_this_ip()`: the bond, or a device above it, has `ip`.
fn has_this_ip(bond_dev: &Device, ip: [u8; 4], rcu: &RcuGuard) -> bool {
    let has = |d: &Device| d.confirm_addr([0; 4], ip) == ip;
    has(bond_dev) || bond_dev.any_upper(rcu, has)
}

/// `bond_has_this_ip6()`: the bond, or a device above it, has `ip`.
fn has_this_ip6(bond_dev: &Device, ip: &Ipv6, rcu: &RcuGuard) -> bool {
    let has = |d: &Device| d.has_ipv6_addr(&ip.0, rcu);
    has(bond_dev) || bond_dev.any_upper(rcu, has)
}

/// Link monitors.
impl Bonding {
    /// `slave_set_ns_maddrs()`: a backup slave of an active-backup bond
    /// that validates ARP joins the solicited-node group of every NS
    /// target, to hear the active slave's solicitations; any other slave,
    /// and one leaving (`keep` false), leaves them. Unlike the C driver,
    /// an active slave turned backup joins them too (6.12 checks it while
    /// it is still active).
    pub(super) fn sync_ns_maddrs(&self, rtnl: &Rtnl, s: &Slave, keep: bool) {
        let p = self.options(rtnl);
        let joins = keep
            && p.mode == Mode::ActiveBackup
            && p.arp_validate != ArpValidate::None
            && s.backup.load(Relaxed)
            && s.dev.flags() & IFF_MULTICAST != 0;
        let want = if joins {
            p.ns_targets
        } else {
            NsTargets::default()
        };
        let have = s.ns_maddrs.get(rtnl);
        if have == want {
            return;
        }
        for t in have.as_slice() {
            s.dev.mc_del(rtnl, &t.solicited_node().eth_mc_mac());
        }
        // Only what was joined is left again later.
        let mut joined = NsTargets::default();
        for t in want.as_slice() {
            if s.dev.mc_add(rtnl, &t.solicited_node().eth_mc_mac()).is_ok() {
                joined.push(*t);
            }
        }
        s.ns_maddrs.set(rtnl, joined);
    }

    /// [`Bonding::sync_ns_maddrs`] for every slave, once their roles are
    /// committed.
    pub(super) fn each_ns_maddrs(&self, rtnl: &Rtnl) {
        if let Ok(cfg) = self.config.borrow(rtnl) {
            for s in cfg.slaves.iter() {
                self.sync_ns_maddrs(rtnl, s, true);
            }
        }
    }

    /// Reads a slave's link as `bond_check_dev_link()`: not running is down;
    /// with use_carrier the carrier; else ethtool get_link, then the MII
    /// status register; a device that can tell neither counts as up.
    /// `rtnl` is needed (and only given) with use_carrier=0.
    pub(super) fn sample_link(dev: &Device, use_carrier: bool, rtnl: Option<&Rtnl>) -> bool {
        if !dev.is_running() {
            return false;
        }
        let Some(rtnl) = rtnl.filter(|_| !use_carrier) else {
            return dev.carrier_ok();
        };
        if let Some(up) = dev.ethtool_link(rtnl) {
            return up;
        }
        dev.mii_bmsr(rtnl)
            .map_or(true, |bmsr| bmsr & BMSR_LSTATUS != 0)
    }

    /// One run of the MII monitor (`bond_mii_monitor()`): sample every
    /// slave without locks, then commit what changed under RTNL.
    pub(super) fn mii_monitor(&self, bond_dev: &Device) -> Rearm {
        let (p, slaves, mut ignore_updelay) = {
            let mut v = KVec::new();
            let rcu = RcuGuard::lock();
            let Some(set) = self.slaves.read(&rcu) else {
                return Rearm::Stop;
            };
            let p = set.params;
            if p.miimon == 0 {
                return Rearm::Stop;
            }
            if v.reserve(set.all.len(), GFP_ATOMIC).is_err() {
                return Rearm::Ms(p.miimon);
            }
            for s in set.all.iter() {
                // Cannot fail: reserved above.
                let _ = v.push(s.clone(), GFP_ATOMIC);
            }
            (p, v, set.none_usable())
        };
        if slaves.is_empty() {
            return Rearm::Ms(p.miimon);
        }
        // With use_carrier=0 the links are read through ethtool and MII
        // ioctls, which want RTNL (the C driver calls them under RCU alone,
        // and lockdep objects when a linkwatch event is pending): take it
        // for the whole run, or retry at the next jiffy.
        let mut held = None;
        if !p.use_carrier {
            match Rtnl::try_lock() {
                Some(g) => held = Some(g),
                None => return Rearm::Jiffies(1),
            }
        }
        let ticks = MiiTicks {
            miimon: p.miimon,
            downdelay: p.downdelay,
            updelay: p.updelay,
        };
        let mut commit = false;
        for s in slaves.iter() {
            let up = Self::sample_link(&s.dev, p.use_carrier, held.as_deref());
            let r = bond_monitor::inspect(
                s.link(),
                s.delay.load(Relaxed),
                up,
                &ticks,
                &mut ignore_updelay,
            );
            s.delay.store(r.delay, Relaxed);
            s.new_link
                .store(r.propose.map_or(NO_PROPOSAL, |l| l as u8), Relaxed);
            commit |= r.propose.is_some();
            Self::log_mii_event(&p, s, r.event);
        }
        if !commit && self.send_peer_notif.load(Relaxed) == 0 {
            return Rearm::Ms(p.miimon);
        }
        // ndo_stop cancels this work synchronously under RTNL: never wait
        // for RTNL here, retry at the next jiffy instead.
        let Some(rtnl) = held.or_else(Rtnl::try_lock) else {
            return Rearm::Jiffies(1);
        };
        let notify = self.should_notify_peers(bond_dev, &rtnl);
        drop(slaves);
        if commit && self.mii_commit(bond_dev, &rtnl).is_err() {
            return Rearm::Jiffies(1);
        }
        self.peer_notif_tick(bond_dev, &rtnl, notify);
        Rearm::Ms(p.miimon)
    }

    /// A monitor run's share of the peer notifications still due after a
    /// failover: one fewer due, and one sent if `notify` (decided before
    /// the run's commit, as in the C driver, so the run that fails over
    /// counts one down without sending a second).
    fn peer_notif_tick(&self, bond_dev: &Device, rtnl: &Rtnl, notify: bool) {
        if self.send_peer_notif.load(Relaxed) > 0 {
            self.send_peer_notif.fetch_sub(1, Relaxed);
            if notify {
                bond_dev.notify(rtnl, NotifyEvent::NotifyPeers);
            }
        }
    }

    /// The C driver's lines for what a slave's link did; as there, they may
    /// come every miimon, so they are rate-limited.
    fn log_mii_event(p: &BondParams, s: &Slave, event: Option<Event>) {
        let Some(event) = event else { return };
        if !net_ratelimit() {
            return;
        }
        match event {
            Event::DownDisablingIn(ms) => {
                let which = match (p.mode, s.backup.load(Relaxed)) {
                    (Mode::ActiveBackup, false) => "active ",
                    (Mode::ActiveBackup, true) => "backup ",
                    _ => "",
                };
                s.info(
                    &KERN_INFO,
                    format_args!(
                        "link status down for {}interface, disabling it in {} ms\n",
                        which, ms
                    ),
                );
            }
            Event::UpAgainAfter(ms) => s.info(
                &KERN_INFO,
                format_args!("link status up again after {} ms\n", ms),
            ),
            Event::UpEnablingIn(ms) => s.info(
                &KERN_INFO,
                format_args!("link status up, enabling it in {} ms\n", ms),
            ),
            Event::DownAgainAfter(ms) => s.info(
                &KERN_INFO,
                format_args!("link status down again after {} ms\n", ms),
            ),
        }
    }

    /// A slave's carrier changed (NETDEV_UP, CHANGE or DOWN, under RTNL).
    /// With the MII monitor reading carrier, the change is acted on now,
    /// not at the next poll up to `miimon` ms later as in the C driver: a
    /// lost active slave fails over at once. A `downdelay` or `updelay`
    /// starts at the event: the next poll is moved to `miimon` ms from
    /// now, so that the delay's ticks count from it. With `use_carrier=0`
    /// the link is read by polling alone (a driver that reports no carrier
    /// events is why one sets it).
    pub(super) fn mii_event(&self, bond_dev: &Device, rtnl: &Rtnl, s: &Arc<Slave>) {
        let p = self.options(rtnl);
        if p.miimon == 0 || !p.use_carrier || !bond_dev.is_running() {
            return;
        }
        let mut ignore_updelay = {
            let rcu = RcuGuard::lock();
            let Some(set) = self.slaves.read(&rcu) else {
                return;
            };
            // A slave still being enslaved is the poll's to pick up.
            if !set.all.iter().any(|x| Arc::ptr_eq(x, s)) {
                return;
            }
            set.none_usable()
        };
        let ticks = MiiTicks {
            miimon: p.miimon,
            downdelay: p.downdelay,
            updelay: p.updelay,
        };
        let up = Self::sample_link(&s.dev, true, None);
        let r = bond_monitor::inspect(
            s.link(),
            s.delay.load(Relaxed),
            up,
            &ticks,
            &mut ignore_updelay,
        );
        let Some(new) = r.propose else { return };
        s.delay.store(r.delay, Relaxed);
        s.new_link.store(new as u8, Relaxed);
        Self::log_mii_event(&p, s, r.event);
        let notify = self.should_notify_peers(bond_dev, rtnl);
        if self.mii_commit(bond_dev, rtnl).is_err() {
            // Out of memory for the snapshot: the poll proposes it again.
            return;
        }
        // Counted as the monitor run it stands for: the peer
        // notifications after a failover are as many as the C driver's.
        self.peer_notif_tick(bond_dev, rtnl, notify);
        if matches!(new, Link::Fail | Link::Back) {
            bond_dev.restart_work::<BondDriver>(MII_WORK, p.miimon);
        }
    }

    /// One run of the ARP monitor (`bond_arp_monitor()`). Unlike the C
    /// driver, it works under RTNL throughout (taken with trylock): simpler
    /// to reason about, at the cost of RTNL once per `arp_interval`.
    pub(super) fn arp_monitor(&self, bond_dev: &Device) -> Rearm {
        let Some(rtnl) = Rtnl::try_lock() else {
            return Rearm::Jiffies(1);
        };
        let p = self.options(&rtnl);
        if p.arp_interval == 0 {
            return Rearm::Stop;
        }
        let rearm = Rearm::Ms(p.arp_interval);
        let Ok(slaves) = self.slaves_now(&rtnl) else {
            return rearm;
        };
        if slaves.is_empty() {
            return rearm;
        }
        let clock = ArpClock {
            now: skb::jiffies(),
            delta: skb::ms_to_jiffies(p.arp_interval),
            missed_max: p.missed_max.into(),
        };
        let _ = if p.mode == Mode::ActiveBackup {
            self.ab_arp_monitor(bond_dev, &rtnl, &slaves, &clock)
        } else {
            self.loadbalance_arp_monitor(bond_dev, &rtnl, &slaves, &clock)
        };
        rearm
    }

    /// `bond_arp_send_all()`: an ARP request for every target, out of
    /// `slave`. A target routed through another device is not probed; one
    /// with no route at all is probed from 0.0.0.0; otherwise the probe
    /// comes from the bond's address towards the target. VLANs over the
    /// bond are not followed.
    pub(super) fn arp_send_all(&self, bond_dev: &Device, rtnl: &Rtnl, slave: &Slave) {
        let p = self.options(rtnl);
        for &target in p.arp_targets.as_slice() {
            let mut path = [VlanTag::default(); MAX_NEST_DEV];
            let (src, depth) = match Route::output_link(bond_dev.net(), target.0) {
                // No route: a probe all the same, for some traffic.
                None => {
                    if p.arp_validate != ArpValidate::None && !NO_ROUTE_WARNED.swap(true, Relaxed) {
                        pr_warn!(
                            "{}: no route to arp_ip_target {} and arp_validate is set\n",
                            bond_dev.name(),
                            target
                        );
                    }
                    ([0; 4], 0)
                }
                Some(rt) => {
                    let out = rt.device();
                    let depth = if out.is(bond_dev) {
                        Some(0)
                    } else {
                        RcuGuard::lock_with(|rcu| device_path(bond_dev, out, rcu, 0, &mut path))
                    };
                    // Not through the bond: not this bond's to probe.
                    let Some(depth) = depth else { continue };
                    (out.confirm_addr(target.0, [0; 4]), depth)
                }
            };
            let tags = path.get(..depth).unwrap_or(&[]);
            if slave.dev.send_arp_request(target.0, src, tags).is_ok() {
                slave.last_tx.store(skb::jiffies(), Relaxed);
            }
        }
        if ipv6_enabled() {
            self.ns_send_all(bond_dev, &p, slave);
        }
    }

    /// `bond_ns_send_all()`: a neighbour solicitation for every NS target,
    /// out of `slave`, chosen as [`Bonding::arp_send_all`] chooses; the
    /// source is the address the route's device would use (`::`, and no
    /// source link-layer option, if it has none). Of the VLANs on the way
    /// only the outermost tags the probe: the C driver corrupts the frame
    /// when it inserts inner tags into a solicitation that has no Ethernet
    /// header yet.
    fn ns_send_all(&self, bond_dev: &Device, p: &BondParams, slave: &Slave) {
        for target in p.ns_targets.as_slice() {
            let mut path = [VlanTag::default(); MAX_NEST_DEV];
            let (src, depth) = match Route6::output(bond_dev.net(), &target.0) {
                None => {
                    if p.arp_validate != ArpValidate::None && !NO_ROUTE6_WARNED.swap(true, Relaxed)
                    {
                        pr_warn!(
                            "{}: no route to ns_ip6_target {} and arp_validate is set\n",
                            bond_dev.name(),
                            target
                        );
                    }
                    (None, 0)
                }
                Some(rt) => {
                    let Some(out) = rt.device() else { continue };
                    let depth = if out.is(bond_dev) {
                        Some(0)
                    } else {
                        RcuGuard::lock_with(|rcu| device_path(bond_dev, out, rcu, 0, &mut path))
                    };
                    // Not through the bond: not this bond's to probe.
                    let Some(depth) = depth else { continue };
                    (out.ipv6_saddr(&target.0), depth)
                }
            };
            let src = src.unwrap_or_default();
            let outer = path.first().copied().filter(|_| depth > 0);
            let group = target.solicited_node();
            if slave.dev.send_ns(&target.0, &src, &group.0, outer).is_ok() {
                slave.last_tx.store(skb::jiffies(), Relaxed);
            } else if net_ratelimit() {
                pr_err!("NS packet allocation failed\n");
            }
        }
    }

    /// `bond_loadbalance_arp_mon()`: modes where every slave transmits.
    pub(super) fn loadbalance_arp_monitor(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        slaves: &[Arc<Slave>],
        c: &ArpClock,
    ) -> Result {
        let old_current = self.config.borrow(rtnl)?.active.clone();
        let (mut changed, mut failover) = (false, false);
        for s in slaves {
            if let Some(new) = bond_monitor::loadbalance_arp_inspect(&s.arp_sample(), c) {
                changed = true;
                s.link.store(new as u8, Relaxed);
                if new == Link::Up {
                    s.last_link_up.store(c.now, Relaxed);
                    if old_current.is_none() {
                        s.info(&KERN_INFO, format_args!("link status definitely up\n"));
                        failover = true;
                    } else {
                        s.info(&KERN_INFO, format_args!("interface is now up\n"));
                    }
                } else {
                    let _ = s
                        .link_failure_count
                        .fetch_update(Relaxed, Relaxed, |n| n.checked_add(1));
                    s.info(&KERN_INFO, format_args!("interface is now down\n"));
                    failover |= old_current.as_ref().is_some_and(|a| Arc::ptr_eq(a, s));
                }
            }
            if s.dev.is_running() && s.dev.carrier_ok() {
                self.arp_send_all(bond_dev, rtnl, s);
            }
        }
        if failover {
            self.select_active_slave(rtnl)?;
        }
        if changed || failover {
            self.commit(bond_dev, rtnl)?;
        }
        Ok(())
    }

    /// `bond_activebackup_arp_mon()`: inspect, commit, then probe.
    pub(super) fn ab_arp_monitor(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        slaves: &[Arc<Slave>],
        c: &ArpClock,
    ) -> Result {
        let p = self.options(rtnl);
        // bond_ab_arp_inspect() reads slave_last_rx(): with arp_all_targets
        // all, the oldest of the targets' stamps.
        let sample = |s: &Slave| ArpSample {
            last_rx: s.arp_last_rx(&p),
            ..s.arp_sample()
        };
        let notify_peers = self.should_notify_peers(bond_dev, rtnl);
        let (active, probing, primary) = {
            let cfg = self.config.borrow(rtnl)?;
            (
                cfg.active.clone(),
                cfg.arp_slave.is_some(),
                cfg.primary.clone(),
            )
        };
        let is =
            |x: &Option<Arc<Slave>>, s: &Arc<Slave>| x.as_ref().is_some_and(|a| Arc::ptr_eq(a, s));
        let (mut any, mut failover) = (false, false);
        for s in slaves {
            let Some(new) = bond_monitor::ab_arp_inspect(&sample(s), c, is(&active, s), probing)
            else {
                continue;
            };
            any = true;
            match new {
                Link::Up if !is(&active, s) => {
                    s.link.store(Link::Up as u8, Relaxed);
                    self.config.borrow_mut(rtnl)?.arp_slave = None;
                    s.info(&KERN_INFO, format_args!("link status definitely up\n"));
                    failover |= bond_policy::up_reselects(
                        active.as_ref().map(|a| a.prio.load(Relaxed)),
                        is(&primary, s),
                        s.prio.load(Relaxed),
                    );
                }
                Link::Down => {
                    let _ = s
                        .link_failure_count
                        .fetch_update(Relaxed, Relaxed, |n| n.checked_add(1));
                    s.link.store(Link::Down as u8, Relaxed);
                    s.info(
                        &KERN_INFO,
                        format_args!("link status definitely down, disabling slave\n"),
                    );
                    if is(&active, s) {
                        self.config.borrow_mut(rtnl)?.arp_slave = None;
                        failover = true;
                    }
                }
                Link::Fail => {
                    s.link.store(Link::Fail as u8, Relaxed);
                    if active.is_some() {
                        self.config.borrow_mut(rtnl)?.arp_slave = None;
                    }
                }
                _ => {}
            }
        }
        let changed = failover && self.select_active_slave(rtnl)?;
        if any || changed {
            self.publish(bond_dev, rtnl, None, changed)?;
        }
        self.ab_arp_probe(bond_dev, rtnl, slaves, c)?;
        if notify_peers && self.send_peer_notif.load(Relaxed) > 0 {
            self.send_peer_notif.fetch_sub(1, Relaxed);
            bond_dev.notify(rtnl, NotifyEvent::NotifyPeers);
        }
        Ok(())
    }

    /// `bond_ab_arp_probe()`: probe on the active slave; without one, try
    /// the slaves in turn, one per interval, until one hears an answer.
    pub(super) fn ab_arp_probe(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        slaves: &[Arc<Slave>],
        c: &ArpClock,
    ) -> Result {
        let (active, current) = {
            let cfg = self.config.borrow(rtnl)?;
            (cfg.active.clone(), cfg.arp_slave.clone())
        };
        if let Some(a) = active {
            self.arp_send_all(bond_dev, rtnl, &a);
            return Ok(());
        }
        let Some(current) = current.or_else(|| slaves.first().cloned()) else {
            return Ok(());
        };
        let (mut before, mut next, mut found, mut changed) = (None, None, false, false);
        for s in slaves {
            let up = s.dev.is_running() && s.dev.carrier_ok();
            if !found && before.is_none() && up {
                before = Some(s.clone());
            }
            if found && next.is_none() && up {
                next = Some(s.clone());
            }
            if !up && s.link() == Link::Up {
                s.link.store(Link::Down as u8, Relaxed);
                let _ = s
                    .link_failure_count
                    .fetch_update(Relaxed, Relaxed, |n| n.checked_add(1));
                s.info(&KERN_INFO, format_args!("backup interface is now down\n"));
                changed = true;
            }
            found |= Arc::ptr_eq(s, &current);
        }
        if let Some(n) = next.or(before) {
            n.link.store(Link::Back as u8, Relaxed);
            n.last_link_up.store(c.now, Relaxed);
            self.config.borrow_mut(rtnl)?.arp_slave = Some(n.clone());
            self.commit(bond_dev, rtnl)?;
            self.arp_send_all(bond_dev, rtnl, &n);
        } else if changed {
            self.commit(bond_dev, rtnl)?;
        }
        Ok(())
    }

    /// `bond_miimon_commit()`: applies the monitor's proposals to the
    /// slaves enslaved now (one released since the lockless sampling is
    /// left alone). The snapshot's memory is taken before any proposal is
    /// consumed: a commit that cannot get it changes nothing, and the next
    /// run proposes the same changes again.
    pub(super) fn mii_commit(&self, bond_dev: &Device, rtnl: &Rtnl) -> Result {
        let room = self.snapshot_room(rtnl)?;
        let mut failover = false;
        {
            let cfg = self.config.borrow(rtnl)?;
            let active_prio = cfg.active.as_ref().map(|a| a.prio.load(Relaxed));
            for s in cfg.slaves.iter() {
                let new = s.new_link.swap(NO_PROPOSAL, Relaxed);
                if new == NO_PROPOSAL {
                    continue;
                }
                let new = Link::from_u8(new);
                // Proposed twice (by a carrier event and by a poll that
                // sampled before it): once is enough.
                if new == s.link() {
                    continue;
                }
                s.link.store(new as u8, Relaxed);
                if matches!(new, Link::Up) {
                    s.update_speed_duplex(rtnl);
                }
                if matches!(new, Link::Up | Link::Down) {
                    self.hooks(rtnl).link_changed(self, bond_dev, rtnl, s);
                }
                let is = |x: &Option<Arc<Slave>>| x.as_ref().is_some_and(|a| Arc::ptr_eq(a, s));
                match new {
                    Link::Up => {
                        // The C driver's line: an unknown speed is 0, an
                        // unknown duplex half.
                        let speed = s.speed().unwrap_or(0);
                        let duplex = s.duplex().unwrap_or(Duplex::Half).name();
                        s.info(
                            &KERN_INFO,
                            format_args!(
                                "link status definitely up, {} Mbps {} duplex\n",
                                speed, duplex
                            ),
                        );
                        failover |= bond_policy::up_reselects(
                            active_prio,
                            is(&cfg.primary),
                            s.prio.load(Relaxed),
                        );
                    }
                    Link::Down => {
                        let _ = s
                            .link_failure_count
                            .fetch_update(Relaxed, Relaxed, |c| c.checked_add(1));
                        s.info(
                            &KERN_INFO,
                            format_args!("link status definitely down, disabling slave\n"),
                        );
                        failover |= is(&cfg.active);
                    }
                    Link::Fail | Link::Back => {}
                }
            }
        }
        let changed = if failover {
            self.select_active_slave(rtnl)?
        } else {
            false
        };
        self.publish(bond_dev, rtnl, Some(room), changed)
    }
}
