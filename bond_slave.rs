// SPDX-License-Identifier: GPL-2.0

//! Slaves: enslave with its undo log, release (one slave, or all with
//! the bond), renames, and the notifier for events on slaves.

#![forbid(unsafe_code)]

use super::{nl_err, xmit::BondRx, BondDriver, Bonding, Release, SlaveSet, SnapshotRoom};
use crate::{
    bond_monitor::ArpSample,
    bond_params::{FailOverMac, Mode},
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
        rtnl::Rtnl,
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
    /// The bond runs the ARP monitor: received frames count as liveness.
    pub(super) arp_monitored: AtomicBool,
    /// `prio`: preference when no primary decides (IFLA_BOND_SLAVE_PRIO).
    pub(super) prio: AtomicI32,
    /// `queue_id` (IFLA_BOND_SLAVE_QUEUE_ID, sysfs queue_id).
    pub(super) queue_id: AtomicU16,
    /// 802.3ad: the number of its port; 0 outside 802.3ad.
    pub(super) ad_port: AtomicU16,
    /// The counters last folded into the bond's (under `Bonding::stats`).
    pub(super) stats_seen: [AtomicU64; STATS_FIELDS],
    /// netpoll on the slave, while a netpoll client (netconsole) uses the
    /// bond.
    pub(super) netpoll: NetpollSlot,
}

impl Slave {
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

    /// `bond_enslave()`, with the C driver's checks in its order.
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

        // Room in the list first, so that nothing after the device changes
        // can fail for lack of memory before the slave is in.
        let first = {
            let mut cfg = self.config.borrow_mut(rtnl)?;
            cfg.slaves.reserve(1, GFP_KERNEL)?;
            let more = (cfg.slaves.len() + 1).saturating_sub(cfg.cands.len());
            cfg.cands.reserve(more, GFP_KERNEL)?;
            cfg.slaves.is_empty()
        };

        // The undo's snapshot, taken now: unwinding a listed slave must
        // republish without it, and must not fail for lack of memory.
        let undo_room = self.snapshot_room(rtnl)?;
        let mut undo = Undo::default();
        let res = self.enslave_steps(bond_dev, rtnl, slave_dev, extack, first, &mut undo);
        if res.is_err() {
            undo.run(self, bond_dev, rtnl, slave_dev, undo_room);
        }
        res
    }

    pub(super) fn enslave_steps(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        slave_dev: &Device,
        extack: &mut ExtAck,
        first: bool,
        undo: &mut Undo,
    ) -> Result {
        // The first slave lends its MAC to a bond whose own is still random.
        if first && bond_dev.addr_assign_type() == NET_ADDR_RANDOM {
            let own = bond_dev.dev_addr();
            bond_dev.steal_hw_addr(rtnl, slave_dev.dev_addr())?;
            undo.bond_addr = Some(own);
        }

        let original_mtu = slave_dev.mtu();
        if let Err(e) = slave_dev.set_mtu(rtnl, bond_dev.mtu()) {
            bond_dev.log(
                &KERN_ERR,
                format_args!(
                    "(slave {}): Error {} calling dev_set_mtu\n",
                    slave_dev.name(),
                    e.to_errno()
                ),
            );
            return Err(e);
        }
        undo.mtu = Some(original_mtu);

        let perm_hwaddr = slave_dev.dev_addr();
        // bond_enslave(): the slave takes the bond's MAC, unless
        // fail_over_mac keeps slaves' own; with `follow`, a second slave
        // with the bond's MAC takes a random one, so that a failover's swap
        // never leaves two slaves with the same address.
        let new_mac = match self.options(rtnl).fail_over_mac_in_force() {
            FailOverMac::None => Some(bond_dev.dev_addr()),
            FailOverMac::Follow if !first && perm_hwaddr == bond_dev.dev_addr() => {
                Some(MacAddr::random())
            }
            _ => None,
        };
        if let Some(mac) = new_mac {
            if let Err(e) = slave_dev.set_mac_address(rtnl, mac, extack) {
                bond_dev.log(
                    &KERN_ERR,
                    format_args!(
                        "(slave {}): Error {} calling set_mac_address\n",
                        slave_dev.name(),
                        e.to_errno()
                    ),
                );
                return Err(e);
            }
            undo.mac = Some(perm_hwaddr);
        }

        // No IPv6 autoconfiguration on a slave: set before it opens.
        slave_dev.change_priv_flags(rtnl, IFF_NO_ADDRCONF, 0);
        undo.no_addrconf = true;
        if let Err(e) = slave_dev.open(rtnl, extack) {
            bond_dev.log(
                &KERN_ERR,
                format_args!("(slave {}): Opening slave failed\n", slave_dev.name()),
            );
            return Err(e);
        }
        undo.opened = true;

        // VLANs configured on the bond reach every slave (bond_enslave()).
        if let Err(e) = slave_dev.vlan_vids_add_by_dev(rtnl, bond_dev) {
            bond_dev.log(
                &KERN_ERR,
                format_args!("(slave {}): Couldn't add bond vlan ids\n", slave_dev.name()),
            );
            return Err(e);
        }
        undo.vlans = true;

        let link_up = slave_dev.is_running() && slave_dev.carrier_ok();
        let (link, _delay) = bond_policy::initial_link(
            self.options(rtnl).miimon,
            self.options(rtnl).arp_interval,
            self.options(rtnl).updelay,
            link_up,
        );
        let slave = Arc::new(
            Slave {
                dev: slave_dev.to_ref(),
                bond: bond_dev.to_ref(),
                perm_hwaddr,
                original_mtu,
                link: AtomicU8::new(link as u8),
                delay: AtomicI32::new(_delay as i32),
                new_link: AtomicU8::new(NO_PROPOSAL),
                // Active-backup slaves start as backups, 802.3ad ones
                // inactive until their aggregator is chosen.
                backup: AtomicBool::new(matches!(
                    self.options(rtnl).mode,
                    Mode::ActiveBackup | Mode::Ieee8023ad
                )),
                inactive: AtomicBool::new(
                    matches!(
                        self.options(rtnl).mode,
                        Mode::ActiveBackup | Mode::Ieee8023ad
                    ) && !self.options(rtnl).all_slaves_active,
                ),
                link_failure_count: AtomicU32::new(0),
                speed: AtomicU32::new(SPEED_UNKNOWN),
                duplex: AtomicU8::new(DUPLEX_UNKNOWN),
                stats_seen: Default::default(),
                last_tx: AtomicU64::new(0),
                last_rx: AtomicU64::new(0),
                last_link_up: AtomicU64::new(0),
                arp_monitored: AtomicBool::new(self.options(rtnl).arp_interval > 0),
                prio: AtomicI32::new(0),
                queue_id: AtomicU16::new(0),
                ad_port: AtomicU16::new(0),
                netpoll: NetpollSlot::new(),
            },
            GFP_KERNEL,
        )?;
        // A bond that netconsole uses keeps using it through every slave.
        if bond_dev.has_netpoll(rtnl) {
            if slave.netpoll.enable(rtnl, slave_dev).is_err() {
                slave.info(
                    &KERN_INFO,
                    format_args!("master_dev is using netpoll, but new slave device does not support netpoll\n"),
                );
                return Err(EBUSY);
            }
            undo.netpoll = Some(slave.clone());
        }
        // As bond_enslave(): the ARP stamps start one interval stale, so a
        // slave must prove itself before the monitor calls it up.
        let now = skb::jiffies();
        let stale = now.wrapping_sub(skb::ms_to_jiffies(self.options(rtnl).arp_interval) + 1);
        slave.last_rx.store(stale, Relaxed);
        slave.last_tx.store(stale, Relaxed);
        if link != Link::Down {
            slave.last_link_up.store(now, Relaxed);
        }
        slave.update_speed_duplex(rtnl);
        let seen = slave_dev.stats();
        for (a, &v) in slave.stats_seen.iter().zip(seen.counters().iter()) {
            a.store(v, Relaxed);
        }

        slave_dev.disable_lro(rtnl);
        slave_dev.rx_handler_register::<BondRx>(rtnl, slave.clone())?;
        undo.rx_handler = true;
        // bond_master_upper_dev_link(): the bond marks its slaves itself.
        slave_dev.link_master(rtnl, bond_dev, extack)?;
        slave_dev.change_flags_raw(rtnl, IFF_SLAVE, 0);
        undo.linked = true;
        // bond_sysfs_slave_add(): /sys/class/net/<slave>/bonding_slave/.
        slave_dev.add_sysfs_group(&bond_sysfs::SLAVE_GROUP, rtnl)?;
        undo.sysfs = true;

        // Once linked, as bond_enslave(): the slave now sits below the bond
        // (its nesting level), so locking its address lists inside the
        // bond's is the nesting lockdep expects. In active-backup the
        // filters follow the active slave instead (commit).
        if !self.options(rtnl).mode.uses_primary() {
            self.give_rx_filters(bond_dev, rtnl, slave_dev, true)?;
            undo.rx_filters = Some(bond_dev.flags());
        }

        self.hooks(rtnl).bind(self, bond_dev, rtnl, &slave)?;
        undo.mode_bound = Some(slave.clone());

        {
            let mut cfg = self.config.borrow_mut(rtnl)?;
            // Cannot fail: space was reserved by the caller.
            cfg.slaves.push(slave.clone(), GFP_KERNEL)?;
            let p = self.options(rtnl);
            if p.mode.uses_primary()
                && !p.primary.is_empty()
                && p.primary.as_bytes() == slave_dev.name().as_bytes()
            {
                cfg.primary = Some(slave.clone());
                cfg.force_primary = true;
            }
            // Outside active-backup, the first usable slave is "current"
            // without any failover event (bond_enslave()).
            if !p.mode.uses_primary() && cfg.active.is_none() && link == Link::Up {
                cfg.active = Some(slave.clone());
            }
        }
        undo.listed = true;
        let changed = self.options(rtnl).mode.uses_primary() && self.select_active_slave(rtnl)?;
        self.publish(bond_dev, rtnl, None, changed)?;

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

    /// `__bond_release_one()`. `unregistering`: the slave device is going
    /// away, so its MTU is restored without notifications.
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
        let room = if how == Release::All {
            None
        } else {
            Some(self.snapshot_room(rtnl)?)
        };
        let was_active = !slave.backup.load(Relaxed);
        // bond_3ad_unbind_slave(): the partner hears the port go.
        self.hooks(rtnl).unbind(self, &slave);
        // The flags the slave's receive filters were given under: changing
        // the bond's address below may change them (__bond_release_one()).
        let bond_flags = bond_dev.flags();
        slave.inactive.store(true, Relaxed);
        // Keep the bond's counters: fold this slave's growth in one last time.
        self.fold_stats();

        slave_dev.remove_sysfs_group(&bond_sysfs::SLAVE_GROUP, rtnl);
        drop(slave_dev.rx_handler_unregister::<BondRx>(rtnl));
        slave_dev.unlink_master(rtnl, bond_dev);
        slave_dev.change_flags_raw(rtnl, 0, IFF_SLAVE);
        slave.info(
            &KERN_INFO,
            format_args!(
                "Releasing {} interface\n",
                if was_active { "active" } else { "backup" }
            ),
        );

        let (was_current, none_left) = {
            let Ok(mut cfg) = self.config.borrow_mut(rtnl) else {
                // Only a re-entrant call could get here; the slave is
                // already unhooked, so finish what can be finished.
                return Err(EBUSY);
            };
            drop(vec::remove_first(&mut cfg.slaves, |s| {
                Arc::ptr_eq(s, &slave)
            }));
            if cfg.primary.as_ref().is_some_and(|p| Arc::ptr_eq(p, &slave)) {
                cfg.primary = None;
            }
            if cfg
                .arp_slave
                .as_ref()
                .is_some_and(|p| Arc::ptr_eq(p, &slave))
            {
                cfg.arp_slave = None;
            }
            let was_current = cfg.active.as_ref().is_some_and(|a| Arc::ptr_eq(a, &slave));
            if was_current {
                cfg.active = None;
            }
            if how != Release::All
                && !cfg.slaves.is_empty()
                && bond_dev.dev_addr() == slave.perm_hwaddr
                && self.options(rtnl).fail_over_mac_in_force() != FailOverMac::Active
            {
                slave.info(
                    &KERN_WARNING,
                    format_args!(
                        "the permanent HWaddr of slave - {} - is still in use by bond - set the HWaddr of slave to a different address to avoid conflicts\n",
                        slave.perm_hwaddr
                    ),
                );
            }
            (was_current, cfg.slaves.is_empty())
        };
        // A bond going away chooses no new active slave and announces
        // nothing (__bond_release_one() with `all`).
        let changed =
            was_current && how != Release::All && self.select_active_slave(rtnl).unwrap_or(false);
        // Packets in flight may still leave through the slave until the
        // old snapshot's grace period ends: harmless, it is alive (the
        // snapshot holds it) and about to be closed.
        let carrier_before = bond_dev.carrier_ok();
        let res = match room {
            Some(room) => self.commit_in(room, bond_dev, rtnl),
            None => self.detach_for_teardown(bond_dev, rtnl, &slave),
        };
        if changed {
            self.announce_active_change(bond_dev, rtnl, carrier_before != bond_dev.carrier_ok());
        }
        if none_left {
            bond_dev.randomize_hw_addr(rtnl);
        }
        slave.netpoll.disable(rtnl);
        if !self.options(rtnl).mode.uses_primary() {
            self.take_rx_filters(bond_dev, rtnl, slave_dev, bond_flags);
        }
        slave_dev.vlan_vids_del_by_dev(rtnl, bond_dev);

        slave_dev.close(rtnl);
        slave_dev.change_priv_flags(rtnl, 0, IFF_NO_ADDRCONF);
        if self.options(rtnl).fail_over_mac_in_force() != FailOverMac::Active {
            let _ = slave_dev.set_mac_address(rtnl, slave.perm_hwaddr, &mut ExtAck::none());
        }
        let _ = if how == Release::Unregistering {
            slave_dev.set_mtu_quiet(rtnl, slave.original_mtu)
        } else {
            slave_dev.set_mtu(rtnl, slave.original_mtu)
        };
        res
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
            if cfg
                .mac_active
                .as_ref()
                .is_some_and(|s| Arc::ptr_eq(s, slave))
            {
                cfg.mac_active = None;
            }
            if cfg.filters.as_ref().is_some_and(|s| Arc::ptr_eq(s, slave)) {
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

/// Undo log of a half-done enslave, run in reverse on failure so that the
/// slave ends exactly as it was.
#[derive(Default)]
pub(super) struct Undo {
    /// The bond's random MAC before it took the slave's.
    bond_addr: Option<MacAddr>,
    mtu: Option<u32>,
    mac: Option<MacAddr>,
    no_addrconf: bool,
    opened: bool,
    vlans: bool,
    /// The slave whose netpoll was set up.
    netpoll: Option<Arc<Slave>>,
    /// The slave bound to the mode's hooks.
    mode_bound: Option<Arc<Slave>>,
    /// The bond's flags when the slave got its receive filters.
    rx_filters: Option<u32>,
    rx_handler: bool,
    linked: bool,
    sysfs: bool,
    listed: bool,
}

impl Undo {
    fn run(
        &self,
        bond: &Bonding,
        bond_dev: &Device,
        rtnl: &Rtnl,
        slave_dev: &Device,
        room: SnapshotRoom,
    ) {
        if self.listed {
            {
                if let Ok(mut cfg) = bond.config.borrow_mut(rtnl) {
                    drop(vec::remove_first(&mut cfg.slaves, |s| s.dev.is(slave_dev)));
                    if cfg.active.as_ref().is_some_and(|a| a.dev.is(slave_dev)) {
                        cfg.active = None;
                    }
                    if cfg.primary.as_ref().is_some_and(|a| a.dev.is(slave_dev)) {
                        cfg.primary = None;
                    }
                    if cfg.arp_slave.as_ref().is_some_and(|a| a.dev.is(slave_dev)) {
                        cfg.arp_slave = None;
                    }
                }
                // The room was taken with the list as it is again now.
                let _ = bond.commit_in(room, bond_dev, rtnl);
            }
        }
        if let Some(s) = &self.mode_bound {
            bond.hooks(rtnl).unbind(bond, s);
        }
        if let Some(s) = &self.netpoll {
            s.netpoll.disable(rtnl);
        }
        if let Some(flags) = self.rx_filters {
            bond.take_rx_filters(bond_dev, rtnl, slave_dev, flags);
        }
        if self.sysfs {
            slave_dev.remove_sysfs_group(&bond_sysfs::SLAVE_GROUP, rtnl);
        }
        if self.linked {
            slave_dev.unlink_master(rtnl, bond_dev);
            slave_dev.change_flags_raw(rtnl, 0, IFF_SLAVE);
        }
        if self.rx_handler {
            drop(slave_dev.rx_handler_unregister::<BondRx>(rtnl));
        }
        if self.vlans {
            slave_dev.vlan_vids_del_by_dev(rtnl, bond_dev);
        }
        if self.opened {
            slave_dev.close(rtnl);
        }
        if self.no_addrconf {
            slave_dev.change_priv_flags(rtnl, 0, IFF_NO_ADDRCONF);
        }
        if let Some(mac) = self.mac {
            let _ = slave_dev.set_mac_address(rtnl, mac, &mut ExtAck::none());
        }
        if let Some(mtu) = self.mtu {
            let _ = slave_dev.set_mtu(rtnl, mtu);
        }
        if let Some(mac) = self.bond_addr {
            let _ = bond_dev.restore_random_hw_addr(rtnl, mac);
        }
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
                if bond.options(rtnl).mode.uses_xmit_hash() {
                    let _ = bond.commit(bond_dev, rtnl);
                }
            }
            _ => {}
        }
    }
}
