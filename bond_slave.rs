// SPDX-License-Identifier: GPL-2.0

//! Slaves: enslave and release as one list of steps taken and taken
//! back (release of one slave, or of all with the bond), renames, and the
//! notifier for events on slaves.

#![forbid(unsafe_code)]

use super::{nl_err, xmit::BondRx, BondDriver, Bonding, Release, SlaveSet, SnapshotRoom};
use crate::{
    bond_monitor,
    bond_monitor::ArpSample,
    bond_params::{ArpAllTargets, BondParams, FailOverMac, Mode, NsTargets, MAX_ARP_TARGETS},
    bond_policy,
    bond_policy::{Candidate, Link},
    bond_sysfs,
    net::{
        device::{
            flags::{IFF_LOOPBACK, IFF_MASTER, IFF_SLAVE, IFF_UP},
            priv_flags::IFF_NO_ADDRCONF,
            Device, DeviceRef, LogLevel, MacAddr, NotifyEvent, ARPHRD_CAN, ARPHRD_ETHER, KERN_ERR,
            KERN_INFO, KERN_WARNING, NET_ADDR_RANDOM,
        },
        ethtool::Duplex,
        netpoll::NetpollSlot,
        notifier::{NetdevEvent, NetdevNotifier},
        rtnl::{Rtnl, RtnlCopy},
        rtnl_link::ExtAck,
        skb,
        stats::STATS_FIELDS,
        vec,
    },
};
use core::fmt;
use core::sync::atomic::{
    AtomicBool, AtomicI32, AtomicU16, AtomicU32, AtomicU64, AtomicU8, Ordering::Relaxed,
};
use kernel::prelude::*;
use kernel::{c_str, sync::Arc};

/// One enslaved device.
pub(crate) struct Slave {
    pub(super) dev: DeviceRef,
    /// The bond it belongs to; frames received on the slave go up on it.
    pub(super) bond: DeviceRef,
    /// The slave's own MAC, restored on release.
    pub(super) perm_hwaddr: MacAddr,
    /// The slave's MTU before it was enslaved, restored on release.
    pub(super) original_mtu: u32,
    pub(super) link: AtomicU8,
    /// Ticks of updelay/downdelay left (monitor).
    pub(super) delay: AtomicI32,
    /// The monitor's proposal, committed under RTNL (NO_PROPOSAL: none).
    pub(super) new_link: AtomicU8,
    /// Backup in active-backup (`struct ifslave` state, /proc).
    pub(super) backup: AtomicBool,
    /// Frames received on it are not delivered to the bond.
    pub(super) inactive: AtomicBool,
    pub(super) link_failure_count: AtomicU32,
    /// Mbps, `SPEED_UNKNOWN` when unknown: read through [`Slave::speed`].
    speed: AtomicU32,
    /// 0 half, 1 full, `DUPLEX_UNKNOWN`: read through [`Slave::duplex`].
    duplex: AtomicU8,
    /// ARP monitor: jiffies of the last probe sent, of the last frame
    /// received, and of the last time the link went up.
    pub(super) last_tx: AtomicU64,
    pub(super) last_rx: AtomicU64,
    pub(super) last_link_up: AtomicU64,
    /// With `arp_validate`: jiffies of the last ARP validated from each
    /// target, in `arp_ip_target` order (`target_last_arp_rx`).
    pub(super) target_last_rx: [AtomicU64; MAX_ARP_TARGETS],
    /// The bond runs the ARP monitor: received frames count as liveness.
    pub(super) arp_monitored: AtomicBool,
    /// `prio`: preference when no primary decides (IFLA_BOND_SLAVE_PRIO).
    pub(super) prio: AtomicI32,
    /// `queue_id` (IFLA_BOND_SLAVE_QUEUE_ID, sysfs queue_id).
    pub(super) queue_id: AtomicU16,
    /// 802.3ad: the number of its port; 0 outside 802.3ad.
    pub(super) ad_port: AtomicU16,
    /// balance-tlb/alb: the bytes per second of the flows it was given
    /// (`tlb_slave_info.load`), written under the mode lock.
    pub(super) tlb_load: AtomicU32,
    /// balance-alb: received ARPs feed the client table, and unicast
    /// frames are delivered even while it is not the active slave.
    pub(super) alb_rx: AtomicBool,
    /// The counters last folded into the bond's (under `Bonding::stats`).
    pub(super) stats_seen: [AtomicU64; STATS_FIELDS],
    /// netpoll on the slave, while a netpoll client (netconsole) uses the
    /// bond.
    pub(super) netpoll: NetpollSlot,
    /// The NS targets whose solicited-node groups it joined for the NS
    /// monitor (`slave_set_ns_maddrs()`).
    pub(super) ns_maddrs: RtnlCopy<NsTargets>,
}

impl Slave {
    /// A slave of `bond_dev` for `dev`, as it is before the enslave changes
    /// it: its own MAC and MTU are what a release restores. Its link is
    /// down until [`Slave::first_look`].
    fn new(bond_dev: &Device, dev: &Device, p: &BondParams) -> Result<Arc<Self>> {
        // Active-backup slaves start as backups, 802.3ad ones inactive
        // until their aggregator is chosen.
        let backup = matches!(p.mode, Mode::ActiveBackup | Mode::Ieee8023ad);
        let slave = Arc::new(
            Slave {
                dev: dev.to_ref(),
                bond: bond_dev.to_ref(),
                perm_hwaddr: dev.dev_addr(),
                original_mtu: dev.mtu(),
                link: AtomicU8::new(Link::Down as u8),
                delay: AtomicI32::new(0),
                new_link: AtomicU8::new(NO_PROPOSAL),
                backup: AtomicBool::new(backup),
                inactive: AtomicBool::new(backup && !p.all_slaves_active),
                link_failure_count: AtomicU32::new(0),
                speed: AtomicU32::new(SPEED_UNKNOWN),
                duplex: AtomicU8::new(DUPLEX_UNKNOWN),
                stats_seen: Default::default(),
                last_tx: AtomicU64::new(0),
                last_rx: AtomicU64::new(0),
                last_link_up: AtomicU64::new(0),
                target_last_rx: Default::default(),
                arp_monitored: AtomicBool::new(p.arp_interval > 0),
                prio: AtomicI32::new(0),
                queue_id: AtomicU16::new(0),
                ad_port: AtomicU16::new(0),
                tlb_load: AtomicU32::new(0),
                alb_rx: AtomicBool::new(p.mode == Mode::Alb),
                netpoll: NetpollSlot::new(),
                ns_maddrs: RtnlCopy::new(NsTargets::default()),
            },
            GFP_KERNEL,
        )?;
        Ok(slave)
    }

    /// Once the slave is open: its first link state, speed and duplex,
    /// and the counters its growth is counted from. As bond_enslave(),
    /// the ARP stamps start one interval stale, so that a slave must prove
    /// itself before the ARP monitor calls it up.
    fn first_look(&self, rtnl: &Rtnl, p: &BondParams) {
        let link_up = self.dev.is_running() && self.dev.carrier_ok();
        let (link, delay) = bond_policy::initial_link(p.miimon, p.arp_interval, p.updelay, link_up);
        self.link.store(link as u8, Relaxed);
        self.delay.store(delay as i32, Relaxed);
        let now = skb::jiffies();
        let stale = now.wrapping_sub(skb::ms_to_jiffies(p.arp_interval) + 1);
        self.last_rx.store(stale, Relaxed);
        self.last_tx.store(stale, Relaxed);
        for t in self.target_last_rx.iter() {
            t.store(stale, Relaxed);
        }
        if link != Link::Down {
            self.last_link_up.store(now, Relaxed);
        }
        self.update_speed_duplex(rtnl);
        let seen = self.dev.stats();
        for (a, &v) in self.stats_seen.iter().zip(seen.counters().iter()) {
            a.store(v, Relaxed);
        }
    }

    pub(super) fn link(&self) -> Link {
        Link::from_u8(self.link.load(Relaxed))
    }

    /// The updelay ticks still to count while `Back` (never negative).
    pub(super) fn delay_left(&self) -> u32 {
        self.delay.load(Relaxed).max(0) as u32
    }

    /// `bond_slave_can_tx()`: running, carrier, link up, active.
    pub(super) fn can_tx(&self) -> bool {
        self.is_up() && !self.backup.load(Relaxed)
    }

    /// Up, with carrier, and the monitor's link up (`bond_slave_is_up()`
    /// and BOND_LINK_UP), backup or not.
    pub(super) fn is_up(&self) -> bool {
        self.dev.is_running() && self.dev.carrier_ok() && self.link() == Link::Up
    }

    pub(super) fn update_speed_duplex(&self, rtnl: &Rtnl) {
        let (speed, duplex) = self.dev.speed_duplex(rtnl);
        self.speed.store(speed.unwrap_or(SPEED_UNKNOWN), Relaxed);
        let duplex = match duplex {
            Some(Duplex::Half) => 0,
            Some(Duplex::Full) => 1,
            None => DUPLEX_UNKNOWN,
        };
        self.duplex.store(duplex, Relaxed);
    }

    /// The speed in Mbps ethtool last reported, `None` when unknown.
    pub(super) fn speed(&self) -> Option<u32> {
        Some(self.speed.load(Relaxed)).filter(|&s| s != SPEED_UNKNOWN)
    }

    /// The duplex ethtool last reported, `None` when unknown.
    pub(super) fn duplex(&self) -> Option<Duplex> {
        match self.duplex.load(Relaxed) {
            0 => Some(Duplex::Half),
            1 => Some(Duplex::Full),
            _ => None,
        }
    }

    /// The slave becomes the active one (`bond_change_active_slave()`):
    /// for the ARP and NS monitors its link counts as up from now, so
    /// that the backups trust what they hear of its probes only once it
    /// has heard a target itself. Without this, two slaves that hear each
    /// other's probes keep taking over from each other while every target
    /// is silent.
    pub(super) fn made_active(&self) {
        self.last_link_up.store(skb::jiffies(), Relaxed);
    }

    /// When the slave last heard what the ARP monitor counts
    /// (`slave_last_rx()`): with `arp_all_targets all`, the oldest of its
    /// targets' last validated ARP, else its last such frame.
    pub(super) fn arp_last_rx(&self, p: &BondParams) -> u64 {
        if p.arp_all_targets != ArpAllTargets::All {
            return self.last_rx.load(Relaxed);
        }
        let n = p.arp_targets.as_slice().len().max(1);
        bond_monitor::oldest(self.target_last_rx.iter().take(n).map(|t| t.load(Relaxed)))
            .unwrap_or(0)
    }

    /// What the ARP monitor reads of the slave, with its last frame
    /// received as `last_rx` (the load-balance monitor's; active-backup's
    /// takes [`Slave::arp_last_rx`]).
    pub(super) fn arp_sample(&self) -> ArpSample {
        ArpSample {
            link: self.link(),
            last_tx: self.last_tx.load(Relaxed),
            last_rx: self.last_rx.load(Relaxed),
            last_link_up: self.last_link_up.load(Relaxed),
        }
    }

    pub(super) fn candidate(&self) -> Candidate {
        Candidate {
            link: self.link(),
            dev_up: self.dev.is_running() && self.dev.carrier_ok(),
            delay: self.delay_left(),
            prio: self.prio.load(Relaxed),
            speed: self.speed().unwrap_or(0),
            full_duplex: self.duplex() == Some(Duplex::Full),
        }
    }

    pub(super) fn info(&self, level: &LogLevel, args: fmt::Arguments<'_>) {
        self.bond
            .log(level, format_args!("(slave {}): {}", self.dev.name(), args));
    }
}

pub(super) const NO_PROPOSAL: u8 = u8::MAX;
/// How a slave stores an unknown speed and duplex (its atomics have no
/// room for an `Option`).
const SPEED_UNKNOWN: u32 = u32::MAX;
const DUPLEX_UNKNOWN: u8 = u8::MAX;

/// Enslave and release (`bond_enslave()`, `__bond_release_one()`).
impl Bonding {
    /// A slave was renamed: it stops, or starts, being the primary slave,
    /// and the active slave is chosen again.
    pub(super) fn primary_renamed(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        slave: &Arc<Slave>,
    ) -> Result {
        let p = self.options(rtnl);
        if !p.mode.uses_primary() || p.primary.is_empty() {
            return Ok(());
        }
        let had_primary = {
            let mut cfg = self.config.borrow_mut(rtnl)?;
            let had = cfg.primary.is_some();
            if cfg.primary.as_ref().is_some_and(|x| Arc::ptr_eq(x, slave)) {
                cfg.primary = None;
            } else if slave.dev.name().as_bytes() == p.primary.as_bytes() {
                cfg.primary = Some(slave.clone());
            } else {
                return Ok(());
            }
            had
        };
        // The C driver's line, which names the renamed slave when there
        // was a primary before and says "none" otherwise.
        if had_primary {
            bond_dev.log(
                &KERN_INFO,
                format_args!(
                    "Primary slave changed to {}, reselecting active slave\n",
                    slave.dev.name()
                ),
            );
        } else {
            bond_dev.log(
                &KERN_INFO,
                format_args!("Primary slave changed to none, reselecting active slave\n"),
            );
        }
        let changed = self.select_active_slave(rtnl)?;
        self.publish(bond_dev, rtnl, None, changed)
    }

    /// `bond_enslave()`, with the C driver's checks in its order, then the
    /// steps of [`Membership::STEPS`]: whole, or not at all.
    pub(super) fn enslave(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        slave_dev: &Device,
        extack: &mut ExtAck,
    ) -> Result {
        if slave_dev.hw_type() == ARPHRD_CAN {
            nl_err(
                bond_dev,
                None,
                extack,
                c_str!("CAN devices cannot be enslaved"),
            );
            return Err(EPERM);
        }
        if slave_dev.flags() & IFF_MASTER != 0 && slave_dev.driver_data::<BondDriver>().is_none() {
            nl_err(
                bond_dev,
                None,
                extack,
                c_str!("Device type (master device) cannot be enslaved"),
            );
            return Err(EPERM);
        }
        if slave_dev.rx_handler_busy(rtnl) {
            nl_err(
                bond_dev,
                Some(slave_dev),
                extack,
                c_str!("Device is in use and cannot be enslaved"),
            );
            return Err(EBUSY);
        }
        if slave_dev.is(bond_dev) {
            nl_err(
                bond_dev,
                None,
                extack,
                c_str!("Cannot enslave bond to itself."),
            );
            return Err(EPERM);
        }
        // The C driver has no explicit check: lo is always up, so the next
        // one refuses it with the same EPERM.
        if slave_dev.flags() & IFF_LOOPBACK != 0 {
            nl_err(
                bond_dev,
                Some(slave_dev),
                extack,
                c_str!("Loopback device can not be enslaved"),
            );
            return Err(EPERM);
        }
        if slave_dev.flags() & IFF_UP != 0 {
            nl_err(
                bond_dev,
                Some(slave_dev),
                extack,
                c_str!("Device can not be enslaved while up"),
            );
            return Err(EPERM);
        }
        // The C driver turns the bond into the first slave's type; this one
        // bonds Ethernet devices only.
        if slave_dev.hw_type() != ARPHRD_ETHER {
            nl_err(
                bond_dev,
                Some(slave_dev),
                extack,
                c_str!("Only Ethernet devices can be enslaved"),
            );
            return Err(EINVAL);
        }

        // All the memory first, so that nothing after the device changes
        // fails for lack of it: room in the lists, the slave, and the
        // snapshot without it that taking the steps back publishes.
        let first = {
            let mut cfg = self.config.borrow_mut(rtnl)?;
            cfg.slaves.reserve(1, GFP_KERNEL)?;
            let more = (cfg.slaves.len() + 1).saturating_sub(cfg.cands.len());
            cfg.cands.reserve(more, GFP_KERNEL)?;
            cfg.slaves.is_empty()
        };
        let slave = Slave::new(bond_dev, slave_dev, &self.options(rtnl))?;
        let mut m = Membership {
            bond: self,
            bond_dev,
            rtnl,
            slave,
            first,
            why: TakeBack::FailedEnslave,
            bond_random_mac: None,
            slave_mac_changed: false,
            room: Some(self.snapshot_room(rtnl)?),
            outcome: Ok(()),
        };
        for (taken, step) in Membership::STEPS.iter().enumerate() {
            if let Err(e) = (step.take)(&mut m, extack) {
                for step in Membership::STEPS.iter().take(taken).rev() {
                    (step.back)(&mut m);
                }
                return Err(e);
            }
        }
        Ok(())
    }

    /// `__bond_release_one()`: every step of [`Membership::STEPS`] taken
    /// back, last first.
    pub(super) fn release(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        slave_dev: &Device,
        how: Release,
    ) -> Result {
        if slave_dev.flags() & IFF_SLAVE == 0 || !slave_dev.has_upper(rtnl, bond_dev) {
            return Err(EINVAL);
        }
        let Some(slave) = self.slave_of(bond_dev, slave_dev, rtnl) else {
            bond_dev.log(
                &KERN_INFO,
                format_args!("(slave {}): interface not enslaved\n", slave_dev.name()),
            );
            return Err(EINVAL);
        };
        // Everything that can fail comes first: past this point the
        // release runs to its end, whatever happens. A bond going away
        // needs no memory at all (its snapshot is already empty).
        let room = match how {
            Release::All => None,
            Release::One | Release::Unregistering => Some(self.snapshot_room(rtnl)?),
        };
        let was_active = !slave.backup.load(Relaxed);
        // Frames still arriving on the slave no longer reach the bond.
        slave.inactive.store(true, Relaxed);
        // Keep the bond's counters: fold this slave's growth in one last time.
        self.fold_stats();
        slave.info(
            &KERN_INFO,
            format_args!(
                "Releasing {} interface\n",
                if was_active { "active" } else { "backup" }
            ),
        );
        let mut m = Membership {
            bond: self,
            bond_dev,
            rtnl,
            slave,
            first: false,
            why: TakeBack::Release(how),
            bond_random_mac: None,
            slave_mac_changed: self.options(rtnl).fail_over_mac_in_force() != FailOverMac::Active,
            room,
            outcome: Ok(()),
        };
        for step in Membership::STEPS.iter().rev() {
            (step.back)(&mut m);
        }
        m.outcome
    }

    /// What `commit` would do for a slave leaving a bond that is going
    /// away, without a new snapshot (the empty one is published already):
    /// the slave gives back the bond's receive filters if it held them.
    pub(super) fn detach_for_teardown(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        slave: &Arc<Slave>,
    ) -> Result {
        let held_filters = {
            let mut cfg = self.config.borrow_mut(rtnl)?;
            if holds(&cfg.mac_active, slave) {
                cfg.mac_active = None;
            }
            if holds(&cfg.filters, slave) {
                cfg.filters = None;
                true
            } else {
                false
            }
        };
        if held_filters {
            self.take_rx_filters(bond_dev, rtnl, &slave.dev, bond_dev.flags());
        }
        self.set_carrier(bond_dev, rtnl).map(|_| ())
    }

    /// Releases every slave (bond going away), with no memory to allocate:
    /// first the packet paths lose every slave at once (the empty snapshot
    /// set aside at creation), then each slave is released. Goes on past a
    /// release that reports an error once that slave is off the list: a
    /// slave left behind would keep the bond's rx handler and references,
    /// and rmmod would wait for them forever.
    pub(super) fn release_all(&self, bond_dev: &Device, rtnl: &Rtnl) {
        let spare = self
            .config
            .borrow_mut(rtnl)
            .ok()
            .and_then(|mut cfg| cfg.teardown_set.take());
        if let Some(slot) = spare {
            self.slaves
                .replace(slot, SlaveSet::empty(self.options(rtnl)), rtnl);
        }
        loop {
            // In enslave order, as bond_uninit().
            let next = match self.config.borrow(rtnl) {
                Ok(cfg) => cfg.slaves.first().cloned(),
                Err(_) => None,
            };
            let Some(slave) = next else { break };
            if self
                .release(bond_dev, rtnl, &slave.dev, Release::All)
                .is_err()
            {
                let still_listed = self
                    .config
                    .borrow(rtnl)
                    .map(|cfg| cfg.slaves.iter().any(|s| Arc::ptr_eq(s, &slave)))
                    .unwrap_or(true);
                if still_listed {
                    bond_dev.log(
                        &KERN_ERR,
                        format_args!("(slave {}): could not release\n", slave.dev.name()),
                    );
                    break;
                }
            }
        }
        bond_dev.log(&KERN_INFO, format_args!("Released all slaves\n"));
    }
}

/// Whether `slot` holds the slave `s`.
pub(super) fn holds(slot: &Option<Arc<Slave>>, s: &Slave) -> bool {
    slot.as_ref().is_some_and(|a| core::ptr::eq(&**a, s))
}

/// Why the steps of an enslave are taken back.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TakeBack {
    /// A step failed: the slave and the bond end exactly as they were.
    FailedEnslave,
    /// The slave leaves: the bond chooses a new active slave and says so,
    /// unless it is going away ([`Release::All`]).
    Release(Release),
}

/// One step of an enslave: how it is taken, and how it is taken back.
struct Step<'a> {
    take: fn(&mut Membership<'a>, &mut ExtAck) -> Result,
    back: fn(&mut Membership<'a>),
}

/// A slave on its way into or out of a bond: what the steps work on.
struct Membership<'a> {
    bond: &'a Bonding,
    bond_dev: &'a Device,
    rtnl: &'a Rtnl,
    slave: Arc<Slave>,
    /// The bond had no slave before this one.
    first: bool,
    why: TakeBack,
    /// The bond's own random MAC, while it carries the first slave's.
    bond_random_mac: Option<MacAddr>,
    /// The slave was given another MAC: taking back restores its own.
    slave_mac_changed: bool,
    /// Memory for the snapshot without the slave, taken before the first
    /// step so that leaving the bond never fails for lack of it. `None`
    /// when the bond is going away (its empty snapshot is published).
    room: Option<SnapshotRoom>,
    /// What the release reports: the result of publishing without it.
    outcome: Result,
}

impl<'a> Membership<'a> {
    /// The steps of `bond_enslave()`, in its order. An enslave takes them
    /// one after the other; when one fails, it takes back the ones taken,
    /// last first. A release takes them all back. A step that fails has
    /// changed nothing.
    const STEPS: [Step<'a>; 11] = [
        Step {
            take: Self::lend_mac,
            back: Self::unlend_mac,
        },
        Step {
            take: Self::set_mtu,
            back: Self::restore_mtu,
        },
        Step {
            take: Self::set_mac,
            back: Self::restore_mac,
        },
        Step {
            take: Self::open,
            back: Self::close,
        },
        Step {
            take: Self::add_vlans,
            back: Self::del_vlans,
        },
        Step {
            take: Self::enable_netpoll,
            back: Self::disable_netpoll,
        },
        Step {
            take: Self::hook_rx,
            back: Self::unhook_rx,
        },
        Step {
            take: Self::link_upper,
            back: Self::unlink_upper,
        },
        Step {
            take: Self::add_sysfs,
            back: Self::del_sysfs,
        },
        Step {
            take: Self::give_rx_filters,
            back: Self::take_rx_filters,
        },
        Step {
            take: Self::join,
            back: Self::leave,
        },
    ];

    fn dev(&self) -> &Device {
        &self.slave.dev
    }

    fn failed(&self, what: fmt::Arguments<'_>) {
        self.bond_dev.log(
            &KERN_ERR,
            format_args!("(slave {}): {}\n", self.dev().name(), what),
        );
    }

    /// The first slave lends its MAC to a bond whose own is still random.
    fn lend_mac(&mut self, _: &mut ExtAck) -> Result {
        if self.first && self.bond_dev.addr_assign_type() == NET_ADDR_RANDOM {
            let own = self.bond_dev.dev_addr();
            self.bond_dev
                .steal_hw_addr(self.rtnl, self.dev().dev_addr())?;
            self.bond_random_mac = Some(own);
        }
        Ok(())
    }

    /// A bond left without slaves takes a random MAC again: after a failed
    /// enslave the one it had, after a release a new one.
    fn unlend_mac(&mut self) {
        match self.why {
            TakeBack::FailedEnslave => {
                if let Some(mac) = self.bond_random_mac {
                    let _ = self.bond_dev.restore_random_hw_addr(self.rtnl, mac);
                }
            }
            TakeBack::Release(_) => {
                let none_left = self
                    .bond
                    .config
                    .borrow(self.rtnl)
                    .is_ok_and(|cfg| cfg.slaves.is_empty());
                if none_left {
                    self.bond_dev.randomize_hw_addr(self.rtnl);
                }
            }
        }
    }

    /// The slave takes the bond's MTU.
    fn set_mtu(&mut self, _: &mut ExtAck) -> Result {
        self.dev()
            .set_mtu(self.rtnl, self.bond_dev.mtu())
            .inspect_err(|e| {
                self.failed(format_args!("Error {} calling dev_set_mtu", e.to_errno()))
            })
    }

    /// The slave's MTU from before; quietly for a device going away.
    fn restore_mtu(&mut self) {
        let mtu = self.slave.original_mtu;
        let _ = if self.why == TakeBack::Release(Release::Unregistering) {
            self.dev().set_mtu_quiet(self.rtnl, mtu)
        } else {
            self.dev().set_mtu(self.rtnl, mtu)
        };
    }

    /// The slave takes the bond's MAC, unless fail_over_mac keeps slaves'
    /// own; with `follow`, a second slave with the bond's MAC takes a
    /// random one, so that a failover's swap never leaves two slaves with
    /// the same address.
    fn set_mac(&mut self, extack: &mut ExtAck) -> Result {
        let bond_mac = self.bond_dev.dev_addr();
        let new_mac = match self.bond.options(self.rtnl).fail_over_mac_in_force() {
            FailOverMac::None => bond_mac,
            FailOverMac::Follow if !self.first && self.slave.perm_hwaddr == bond_mac => {
                MacAddr::random()
            }
            _ => return Ok(()),
        };
        self.dev()
            .set_mac_address(self.rtnl, new_mac, extack)
            .inspect_err(|e| {
                self.failed(format_args!(
                    "Error {} calling set_mac_address",
                    e.to_errno()
                ))
            })?;
        self.slave_mac_changed = true;
        Ok(())
    }

    fn restore_mac(&mut self) {
        if self.slave_mac_changed {
            let _ =
                self.dev()
                    .set_mac_address(self.rtnl, self.slave.perm_hwaddr, &mut ExtAck::none());
        }
    }

    /// The slave opens, with no IPv6 autoconfiguration of its own; once
    /// open, its link, speed and counters are read.
    fn open(&mut self, extack: &mut ExtAck) -> Result {
        let (dev, rtnl) = (self.dev(), self.rtnl);
        dev.change_priv_flags(rtnl, IFF_NO_ADDRCONF, 0);
        if let Err(e) = dev.open(rtnl, extack) {
            dev.change_priv_flags(rtnl, 0, IFF_NO_ADDRCONF);
            self.failed(format_args!("Opening slave failed"));
            return Err(e);
        }
        self.slave.first_look(rtnl, &self.bond.options(rtnl));
        Ok(())
    }

    fn close(&mut self) {
        self.dev().close(self.rtnl);
        self.dev().change_priv_flags(self.rtnl, 0, IFF_NO_ADDRCONF);
    }

    /// VLANs configured on the bond reach every slave.
    fn add_vlans(&mut self, _: &mut ExtAck) -> Result {
        self.dev()
            .vlan_vids_add_by_dev(self.rtnl, self.bond_dev)
            .inspect_err(|_| self.failed(format_args!("Couldn't add bond vlan ids")))
    }

    fn del_vlans(&mut self) {
        self.dev().vlan_vids_del_by_dev(self.rtnl, self.bond_dev);
    }

    /// A bond that netconsole uses keeps using it through every slave.
    fn enable_netpoll(&mut self, _: &mut ExtAck) -> Result {
        if self.bond_dev.has_netpoll(self.rtnl)
            && self.slave.netpoll.enable(self.rtnl, self.dev()).is_err()
        {
            self.slave.info(
                &KERN_INFO,
                format_args!(
                    "master_dev is using netpoll, but new slave device does not support netpoll\n"
                ),
            );
            return Err(EBUSY);
        }
        Ok(())
    }

    fn disable_netpoll(&mut self) {
        self.slave.netpoll.disable(self.rtnl);
    }

    /// Frames received on the slave go to the bond.
    fn hook_rx(&mut self, _: &mut ExtAck) -> Result {
        self.dev().disable_lro(self.rtnl);
        self.dev()
            .rx_handler_register::<BondRx>(self.rtnl, self.slave.clone())
    }

    fn unhook_rx(&mut self) {
        drop(self.dev().rx_handler_unregister::<BondRx>(self.rtnl));
    }

    /// `bond_master_upper_dev_link()`: the slave sits below the bond, which
    /// marks it IFF_SLAVE itself.
    fn link_upper(&mut self, extack: &mut ExtAck) -> Result {
        self.dev().link_master(self.rtnl, self.bond_dev, extack)?;
        self.dev().change_flags_raw(self.rtnl, IFF_SLAVE, 0);
        Ok(())
    }

    fn unlink_upper(&mut self) {
        self.dev().unlink_master(self.rtnl, self.bond_dev);
        self.dev().change_flags_raw(self.rtnl, 0, IFF_SLAVE);
    }

    /// `bond_sysfs_slave_add()`: /sys/class/net/<slave>/bonding_slave/.
    fn add_sysfs(&mut self, _: &mut ExtAck) -> Result {
        self.dev()
            .add_sysfs_group(&bond_sysfs::SLAVE_GROUP, self.rtnl)
    }

    fn del_sysfs(&mut self) {
        self.dev()
            .remove_sysfs_group(&bond_sysfs::SLAVE_GROUP, self.rtnl);
    }

    /// Outside active-backup, every slave gets the bond's receive filters;
    /// once linked, so that locking its address lists inside the bond's is
    /// the nesting lockdep expects. In active-backup the filters follow the
    /// active slave instead (commit).
    fn give_rx_filters(&mut self, _: &mut ExtAck) -> Result {
        if self.bond.options(self.rtnl).mode.uses_primary() {
            return Ok(());
        }
        self.bond
            .give_rx_filters(self.bond_dev, self.rtnl, self.dev(), true)
    }

    fn take_rx_filters(&mut self) {
        self.bond.sync_ns_maddrs(self.rtnl, &self.slave, false);
        if !self.bond.options(self.rtnl).mode.uses_primary() {
            self.bond
                .take_rx_filters(self.bond_dev, self.rtnl, self.dev(), self.bond_dev.flags());
        }
    }

    /// The slave joins: the mode binds it, it goes on the list, the active
    /// slave is chosen, and the packet paths see it.
    fn join(&mut self, _: &mut ExtAck) -> Result {
        let (bond, rtnl) = (self.bond, self.rtnl);
        bond.hooks(rtnl)
            .bind(bond, self.bond_dev, rtnl, &self.slave)?;
        if let Err(e) = self.list() {
            self.leave();
            return Err(e);
        }
        let slave = &self.slave;
        slave.info(
            &KERN_INFO,
            format_args!(
                "Enslaving as {} interface with {} link\n",
                if slave.backup.load(Relaxed) {
                    "a backup"
                } else {
                    "an active"
                },
                if slave.link() != Link::Down {
                    "an up"
                } else {
                    "a down"
                }
            ),
        );
        Ok(())
    }

    fn list(&mut self) -> Result {
        let (bond, rtnl, slave) = (self.bond, self.rtnl, &self.slave);
        let p = bond.options(rtnl);
        {
            let mut cfg = bond.config.borrow_mut(rtnl)?;
            // Cannot fail: space was reserved by the caller.
            cfg.slaves.push(slave.clone(), GFP_KERNEL)?;
            if p.mode.uses_primary()
                && !p.primary.is_empty()
                && p.primary.as_bytes() == slave.dev.name().as_bytes()
            {
                cfg.primary = Some(slave.clone());
                cfg.force_primary = true;
            }
            // Outside active-backup, the first usable slave is "current"
            // without any failover event (bond_enslave()).
            if !p.mode.uses_primary() && cfg.active.is_none() && slave.link() == Link::Up {
                cfg.active = Some(slave.clone());
            }
        }
        let changed = p.mode.uses_primary() && bond.select_active_slave(rtnl)?;
        bond.publish(self.bond_dev, rtnl, None, changed)
    }

    /// The slave leaves: the mode unbinds it (the 802.3ad partner hears
    /// the port go), it goes off the list, and the packet paths stop
    /// seeing it. A release chooses a new active slave if it was the
    /// active one and says so, unless the bond is going away.
    fn leave(&mut self) {
        let (bond, bond_dev, rtnl, slave) = (self.bond, self.bond_dev, self.rtnl, &self.slave);
        bond.hooks(rtnl).unbind(bond, bond_dev, rtnl, slave);
        let released = match self.why {
            TakeBack::Release(Release::One | Release::Unregistering) => true,
            TakeBack::Release(Release::All) | TakeBack::FailedEnslave => false,
        };
        let was_current = {
            let Ok(mut cfg) = bond.config.borrow_mut(rtnl) else {
                // Only a re-entrant call could get here; the slave is
                // still unhooked by the steps after this one.
                self.outcome = Err(EBUSY);
                return;
            };
            drop(vec::remove_first(&mut cfg.slaves, |s| {
                Arc::ptr_eq(s, slave)
            }));
            let is = |x: &Option<Arc<Slave>>| holds(x, slave);
            if is(&cfg.primary) {
                cfg.primary = None;
            }
            if is(&cfg.arp_slave) {
                cfg.arp_slave = None;
            }
            let was_current = is(&cfg.active);
            if was_current {
                cfg.active = None;
            }
            if released
                && !cfg.slaves.is_empty()
                && bond_dev.dev_addr() == slave.perm_hwaddr
                && bond.options(rtnl).fail_over_mac_in_force() != FailOverMac::Active
            {
                slave.info(
                    &KERN_WARNING,
                    format_args!(
                        "the permanent HWaddr of slave - {} - is still in use by bond - set the HWaddr of slave to a different address to avoid conflicts\n",
                        slave.perm_hwaddr
                    ),
                );
            }
            was_current
        };
        let changed = was_current && released && bond.select_active_slave(rtnl).unwrap_or(false);
        // Packets in flight may still leave through the slave until the
        // old snapshot's grace period ends: harmless, it is alive (the
        // snapshot holds it) and about to be closed.
        self.outcome = match self.room.take() {
            Some(room) => bond.publish(bond_dev, rtnl, Some(room), changed),
            None => bond.detach_for_teardown(bond_dev, rtnl, slave),
        };
    }
}

/// Events on slaves: one unregistered under the bond is released; speed
/// and duplex are refreshed when a slave's state changes.
pub(crate) struct SlaveEvents;

impl NetdevNotifier for SlaveEvents {
    fn event(event: NetdevEvent, dev: &Device, rtnl: &Rtnl) {
        // A bond renamed: /proc/net/bonding follows (bond_event_changename()).
        if event == NetdevEvent::ChangeName && dev.driver_data::<BondDriver>().is_some() {
            if let Err(e) = dev.proc_follow_name::<BondDriver>(rtnl) {
                dev.log(
                    &KERN_ERR,
                    format_args!(
                        "Cannot rename its /proc/net/bonding file: {}\n",
                        e.to_errno()
                    ),
                );
            }
            return;
        }
        let Some(slave) = dev.rx_handler_data::<BondRx>(rtnl) else {
            return;
        };
        let bond_dev: &Device = &slave.bond;
        let Some(bond) = bond_dev.driver_data::<BondDriver>() else {
            return;
        };
        match event {
            NetdevEvent::Unregister => {
                let _ = bond.release(bond_dev, rtnl, dev, Release::Unregistering);
            }
            // A slave's offloads changed: the bond's follow
            // (bond_compute_features()). Recomputing may change the
            // slaves' features in turn; the guard ends that recursion.
            NetdevEvent::FeatChange => {
                if !bond.computing_features.swap(true, Relaxed) {
                    bond_dev.compute_master_features(rtnl);
                    bond.computing_features.store(false, Relaxed);
                }
            }
            // The groups joined on the bond are the slave's to report.
            NetdevEvent::ResendIgmp => bond_dev.notify(rtnl, NotifyEvent::ResendIgmp),
            // NETDEV_CHANGEMTU, NETDEV_CHANGEADDR: nothing, as in the C
            // driver (a slave may change them itself; the bond follows
            // neither).
            // The primary slave is the one named `primary`, whatever it was
            // called when enslaved (bond_slave_netdev_event()).
            NetdevEvent::ChangeName => {
                let _ = bond.primary_renamed(bond_dev, rtnl, &slave);
            }
            NetdevEvent::Up | NetdevEvent::Change | NetdevEvent::Down => {
                if event != NetdevEvent::Down {
                    slave.update_speed_duplex(rtnl);
                    bond.hooks(rtnl).speed_changed(bond, bond_dev, &slave);
                }
                bond.mii_event(bond_dev, rtnl, &slave);
                // The hash modes' usable-slave array follows the slaves'
                // state even with no link monitor (bond_slave_netdev_event()).
                if bond.options(rtnl).uses_xmit_hash() {
                    let _ = bond.commit(bond_dev, rtnl);
                }
            }
            _ => {}
        }
    }
}
