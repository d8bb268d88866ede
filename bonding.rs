// SPDX-License-Identifier: GPL-2.0

//! The bond master device: an Ethernet device with IFF_MASTER that takes
//! slaves, transmits through them and receives from them.
//!
//! State is split by who may touch it:
//! - configuration (the slave list, the active and primary slaves) lives in
//!   an [`RtnlCell`]: only RTNL holders (ioctls, `ip link`, notifiers) see it;
//! - the packet paths read an immutable [`SlaveSet`] snapshot published
//!   through RCU, rebuilt whenever the configuration changes;
//! - per-slave link state and counters are atomics, readable anywhere.
//!
//! Decisions (which slave is active, whether the bond has carrier, how a
//! new slave starts) come from `bond_policy`; this module applies them. No
//! `unsafe` here: everything kernel-facing goes through `crate::net`.
//!
//! This file holds the bond's state, publishing it, choosing the active
//! slave, and the net_device glue; the rest is split by concern:
//! `bond_slave.rs` (enslave, release, slave events), `bond_xmit.rs` (transmit
//! and receive), `bond_linkmon.rs` (MII and ARP monitors), `bond_setopt.rs`
//! (options at run time), `bond_ioctl.rs`, `bond_procfs.rs`.

#![forbid(unsafe_code)]

use crate::{
    bond_netlink::BOND_LINK_OPS,
    bond_params::{BondParams, FailOverMac, Mode},
    bond_policy::{self, Candidate, Link, Selection},
    bond_sysfs,
    bond_uapi::{self, BondIoctl, BMSR_LSTATUS, MII_BMSR},
    net::{
        device::{
            flags::*, priv_flags::*, AddrLists, Device, Driver, Features, MacAddr, NetdevOps,
            NotifyEvent, QueueSelect, Rearm, SetupDevice, TxOutcome, VlanProto, WorkId,
            ETH_MAX_MTU, KERN_ERR, KERN_INFO, KERN_WARNING,
        },
        error::eopnotsupp,
        ethtool::DrvInfo,
        ioctl::IfReq,
        percpu::PerCpuU32,
        pernet::{Net, Pernet, PernetData},
        proc::{ProcDir, SeqFile},
        rcu::{DropInSoftirq, RcuBox, RcuGuard, RcuSlot},
        rtnl::{Rtnl, RtnlCell, RtnlCopy},
        rtnl_link::ExtAck,
        skb::SkBuff,
        stats::{LinkStats64, STATS_FIELDS},
        sync::{BhSpinLock, NestingSpinLock, SetOnce},
        sysfs::NetClassFile,
        vec,
    },
};
use core::{
    fmt,
    sync::atomic::{AtomicBool, AtomicU32, Ordering::Relaxed},
};
use kernel::{c_str, prelude::*, str::CStr, sync::Arc, uaccess::UserPtr};
use modes::Hooks;

// One concern per file, each a child of this module (they see the bond's
// private state; nothing outside does).
#[path = "bond_alb_mode.rs"]
mod alb_mode;
#[path = "bond_ioctl.rs"]
mod ioctl;
#[path = "bond_lacp.rs"]
mod lacp;
#[path = "bond_linkmon.rs"]
mod linkmon;
#[path = "bond_modes.rs"]
mod modes;
#[path = "bond_procfs.rs"]
mod procfs;
#[path = "bond_setopt.rs"]
mod setopt;
#[path = "bond_slave.rs"]
mod slave;
#[path = "bond_xmit.rs"]
mod xmit;

pub(crate) use lacp::AdPortView;
pub(crate) use setopt::{slave_view_rcu, OptReport, SlaveView, Snap};
use slave::holds;
pub(crate) use slave::{Slave, SlaveEvents};
use xmit::BondRx;

/// What the packet paths see: immutable, replaced as a whole under RTNL.
struct SlaveSet {
    /// Every slave, in enslave order.
    all: KVec<Arc<Slave>>,
    /// The slaves that transmit in rr/xor/broadcast (link up).
    tx: KVec<Arc<Slave>>,
    /// The current active slave (active-backup; first up slave otherwise).
    active: Option<Arc<Slave>>,
    /// The primary slave, for /proc.
    primary: Option<Arc<Slave>>,
    /// The slave the ARP monitor probes while none is active
    /// (`current_arp_slave`).
    arp_slave: Option<Arc<Slave>>,
    /// The options in force when this was published.
    params: BondParams,
}

// Dropping a SlaveSet frees two vectors and drops `Arc<Slave>`s; the last
// reference to a slave drops two device references (dev_put) and a netpoll
// slot that release() emptied: nothing sleeps or locks.
impl DropInSoftirq for SlaveSet {}

impl SlaveSet {
    fn empty(params: BondParams) -> Self {
        Self {
            all: KVec::new(),
            tx: KVec::new(),
            active: None,
            primary: None,
            arp_slave: None,
            params,
        }
    }

    /// No slave carries traffic: no active slave in active-backup, no
    /// transmitting slave otherwise. A slave coming back then skips
    /// `updelay` (`bond_miimon_inspect()`'s `ignore_updelay`).
    fn none_usable(&self) -> bool {
        if self.params.mode == Mode::ActiveBackup {
            self.active.is_none()
        } else {
            self.tx.is_empty()
        }
    }
}

/// What a release is part of (`__bond_release_one()`'s `all` and
/// `unregister`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Release {
    /// One slave leaves (ioctl, `ip link set X nomaster`).
    One,
    /// The slave device is being unregistered: its MTU is restored
    /// without notifications.
    Unregistering,
    /// The bond is going away with all its slaves: no failover.
    All,
}

/// Memory for a snapshot, taken ahead (`Bonding::snapshot_room`).
struct SnapshotRoom {
    all: KVec<Arc<Slave>>,
    tx: KVec<Arc<Slave>>,
    set: RcuSlot<SlaveSet>,
}

/// Configuration state, under RTNL.
struct Config {
    slaves: KVec<Arc<Slave>>,
    active: Option<Arc<Slave>>,
    /// The slave the active-backup ARP monitor probes while no slave is
    /// active (`current_arp_slave`).
    arp_slave: Option<Arc<Slave>>,
    primary: Option<Arc<Slave>>,
    force_primary: bool,
    /// In active-backup, the slave that holds the bond's receive filters
    /// (its promiscuity and allmulti counts, its address lists): the active
    /// one, once `commit` has moved them.
    filters: Option<Arc<Slave>>,
    /// The active slave as `fail_over_mac` (or tlb/alb's MAC handling)
    /// last acted on it.
    mac_active: Option<Arc<Slave>>,
    /// An empty snapshot, allocated with the bond, that its teardown
    /// publishes so that releasing its slaves needs no memory.
    teardown_set: Option<RcuSlot<SlaveSet>>,
    /// Scratch space for choosing the active slave, one entry per slave,
    /// reserved at enslave: the choice never allocates, so a release
    /// cannot fail halfway for lack of memory.
    cands: KVec<Candidate>,
}

/// A bond's private state, in its net_device.
#[pin_data]
pub(crate) struct Bonding {
    /// The options, as configured (under RTNL); the packet paths and the
    /// lockless monitor read the copy published in the snapshot.
    params: RtnlCopy<BondParams>,
    config: RtnlCell<Config>,
    slaves: RcuBox<SlaveSet>,
    /// Counters of slaves gone and growth seen so far (`bond_get_stats()`).
    /// Taken at the bond's nesting level: folding a slave that is itself a
    /// bond takes that bond's lock too (`bond_get_stats()`).
    #[pin]
    stats: NestingSpinLock<LinkStats64>,
    /// balance-rr's position, per CPU (`rr_tx_counter`).
    rr_counter: PerCpuU32,
    /// Peer notifications still to send after a failover (`send_peer_notif`).
    send_peer_notif: AtomicU32,
    /// Recomputing features on a slave's NETDEV_FEAT_CHANGE (under RTNL;
    /// the C driver's `notifier_ctx`).
    computing_features: AtomicBool,
    /// NETDEV_RESEND_IGMP events still to send after a change of active
    /// slave (`igmp_retrans`), by [`MCAST_WORK`].
    igmp_retrans: AtomicU32,
    /// 802.3ad: the machines, under the mode lock.
    #[pin]
    ad: BhSpinLock<lacp::AdState>,
    /// balance-tlb/alb: the tables, under their mode lock.
    #[pin]
    alb: BhSpinLock<alb_mode::AlbState>,
    /// balance-tlb/alb: bytes sent through the active slave unbalanced
    /// since the last rebalance (`unbalanced_load`).
    alb_unbalanced: AtomicU32,
}

/// A change of the slave some per-failover state follows: `(previous, new)`.
type SlaveChange = (Option<Arc<Slave>>, Option<Arc<Slave>>);

/// Points `slot` (a slave some per-failover state belongs to) at the active
/// slave; `(previous, new)` if that changed, `None` if it already was.
fn follow_active(
    slot: &mut Option<Arc<Slave>>,
    active: &Option<Arc<Slave>>,
) -> Option<SlaveChange> {
    if same_slave(slot, active) {
        return None;
    }
    Some((core::mem::replace(slot, active.clone()), active.clone()))
}

/// Whether two slave slots hold the same slave, or are both empty.
fn same_slave(a: &Option<Arc<Slave>>, b: &Option<Arc<Slave>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

fn index_of(list: &[Arc<Slave>], s: &Option<Arc<Slave>>) -> Option<usize> {
    let s = s.as_ref()?;
    list.iter().position(|x| Arc::ptr_eq(x, s))
}

/// Logs an enslave error the way the C driver's BOND_NL_ERR/SLAVE_NL_ERR
/// do: to the netlink caller if there is one, else to the kernel log.
fn nl_err(bond_dev: &Device, slave: Option<&Device>, extack: &mut ExtAck, msg: &'static CStr) {
    if extack.is_some() {
        extack.set_msg(msg);
    } else if let Some(slave) = slave {
        bond_dev.log(
            &KERN_ERR,
            format_args!("(slave {}): Error: {}\n", slave.name(), msg),
        );
    } else {
        bond_dev.log(&KERN_ERR, format_args!("Error: {}\n", msg));
    }
}

impl Bonding {
    pub(crate) fn new(params: &BondParams) -> Result<impl PinInit<Self, Error>> {
        let params = *params;
        let slaves = RcuBox::new(RcuSlot::new(GFP_KERNEL)?, SlaveSet::empty(params));
        let teardown_set = RcuSlot::new(GFP_KERNEL)?;
        let rr_counter = PerCpuU32::new()?;
        Ok(try_pin_init!(Self {
            params: RtnlCopy::new(params),
            config: RtnlCell::new(Config {
                slaves: KVec::new(),
                active: None,
                arp_slave: None,
                primary: None,
                force_primary: false,
                filters: None,
                mac_active: None,
                cands: KVec::new(),
                teardown_set: Some(teardown_set),
            }),
            slaves,
            stats <- NestingSpinLock::new(LinkStats64::default()),
            rr_counter,
            send_peer_notif: AtomicU32::new(0),
            computing_features: AtomicBool::new(false),
            igmp_retrans: AtomicU32::new(0),
            ad <- BhSpinLock::new(lacp::AdState::new()),
            alb <- BhSpinLock::new(alb_mode::AlbState::new()),
            alb_unbalanced: AtomicU32::new(0),
        }? Error))
    }

    /// The options in force (a copy).
    fn options(&self, rtnl: &Rtnl) -> BondParams {
        self.params.get(rtnl)
    }

    /// The hooks of the mode in force.
    fn hooks(&self, rtnl: &Rtnl) -> Hooks {
        Hooks(self.options(rtnl).mode)
    }

    /// `bond_open()`'s monitor start: the MII monitor if `miimon` is set,
    /// else the ARP monitor if `arp_interval` is.
    fn start_monitors(&self, bond_dev: &Device, rtnl: &Rtnl) {
        let p = self.options(rtnl);
        if p.miimon > 0 {
            bond_dev.start_work::<BondDriver>(MII_WORK, 0);
        } else if p.arp_interval > 0 {
            bond_dev.start_work::<BondDriver>(ARP_WORK, 0);
        }
    }

    /// Cancels both monitors and waits for a running one.
    fn stop_monitors(&self, bond_dev: &Device) {
        bond_dev.stop_work::<BondDriver>(MII_WORK);
        bond_dev.stop_work::<BondDriver>(ARP_WORK);
    }

    /// Publishes the configuration to the packet paths: rebuilds the
    /// snapshot, sets every slave's role, and the bond's carrier.
    fn commit(&self, bond_dev: &Device, rtnl: &Rtnl) -> Result {
        let room = self.snapshot_room(rtnl)?;
        self.commit_in(room, bond_dev, rtnl)
    }

    /// Memory for the next snapshot, for as many slaves as there are now:
    /// taken before a change that must not fail halfway (release), so
    /// that publishing needs no allocation.
    fn snapshot_room(&self, rtnl: &Rtnl) -> Result<SnapshotRoom> {
        let n = self.config.borrow(rtnl)?.slaves.len();
        Ok(SnapshotRoom {
            all: KVec::with_capacity(n, GFP_KERNEL)?,
            tx: KVec::with_capacity(n, GFP_KERNEL)?,
            set: RcuSlot::new(GFP_KERNEL)?,
        })
    }

    /// [`Bonding::commit`] into memory taken beforehand: with no more
    /// slaves than when `room` was taken, nothing here allocates.
    fn commit_in(&self, room: SnapshotRoom, bond_dev: &Device, rtnl: &Rtnl) -> Result {
        let set = {
            let cfg = self.config.borrow(rtnl)?;
            let SnapshotRoom {
                mut all,
                mut tx,
                set,
            } = room;
            let mode = self.options(rtnl).mode;
            for s in cfg.slaves.iter() {
                let is = |x: &Option<Arc<Slave>>| holds(x, s);
                // A mode may decide who collects, distributes, and transmits
                // for the bond (802.3ad: the active aggregator's machines).
                let (backup, collects, mode_tx) = match Hooks(mode).slave_role(self, s) {
                    Some(role) => (!role.active, role.collects, role.transmits),
                    None => {
                        // With an active slave, only it receives; only
                        // active-backup calls the others backups (tlb and
                        // alb transmit on them).
                        let current = is(&cfg.active) || is(&cfg.arp_slave);
                        let backup = mode == Mode::ActiveBackup && !current;
                        (backup, !mode.uses_primary() || current, true)
                    }
                };
                s.backup.store(backup, Relaxed);
                s.inactive
                    .store(!collects && !self.options(rtnl).all_slaves_active, Relaxed);
                s.arp_monitored
                    .store(self.options(rtnl).arp_interval > 0, Relaxed);
                s.alb_rx.store(mode == Mode::Alb, Relaxed);
                all.push(s.clone(), GFP_KERNEL)?;
                // balance-xor and 802.3ad hash over the slaves that can
                // send now (bond_update_slave_arr(): bond_slave_can_tx()),
                // rebuilt on their up/down/carrier events; round-robin checks
                // each candidate as it transmits.
                let usable = if self.options(rtnl).uses_xmit_hash() {
                    s.can_tx() && mode_tx
                } else {
                    s.link() == Link::Up
                };
                if usable {
                    tx.push(s.clone(), GFP_KERNEL)?;
                }
            }
            (
                set,
                SlaveSet {
                    all,
                    tx,
                    active: cfg.active.clone(),
                    primary: cfg.primary.clone(),
                    arp_slave: cfg.arp_slave.clone(),
                    params: self.options(rtnl),
                },
            )
        };
        self.slaves.replace(set.0, set.1, rtnl);
        bond_dev.compute_master_features(rtnl);
        // After publishing: a concurrent set_rx_mode already syncs to the
        // new active slave, and none re-syncs the old one once it is flushed.
        self.move_rx_filters(bond_dev, rtnl)?;
        self.each_ns_maddrs(rtnl);
        if self.options(rtnl).mode.is_lb() {
            self.alb_active_change(bond_dev, rtnl)?;
        }
        self.fail_over_mac(bond_dev, rtnl)?;
        self.set_carrier(bond_dev, rtnl).map(|_| ())
    }

    /// `bond_do_fail_over_mac()`, once per change of active slave: with
    /// `active` the bond takes the new active slave's MAC; with `follow`
    /// the new active slave takes the bond's and the old active one (or
    /// whichever slave has the bond's MAC) takes the new one's.
    fn fail_over_mac(&self, bond_dev: &Device, rtnl: &Rtnl) -> Result {
        let fom = self.options(rtnl).fail_over_mac_in_force();
        if fom == FailOverMac::None {
            return Ok(());
        }
        let (new, old) = {
            let mut guard = self.config.borrow_mut(rtnl)?;
            let cfg = &mut *guard;
            let Some((old, _)) = follow_active(&mut cfg.mac_active, &cfg.active) else {
                return Ok(());
            };
            // Going to no active slave changes no address.
            let Some(new) = cfg.active.clone() else {
                return Ok(());
            };
            // bond_get_old_active(): a released slave is no candidate.
            let listed = |s: &Arc<Slave>| cfg.slaves.iter().any(|x| Arc::ptr_eq(x, s));
            let bond_mac = bond_dev.dev_addr();
            let old = old.filter(|o| listed(o)).or_else(|| {
                cfg.slaves
                    .iter()
                    .find(|s| !Arc::ptr_eq(s, &new) && s.dev.dev_addr() == bond_mac)
                    .cloned()
            });
            (new, old)
        };
        match fom {
            FailOverMac::Active => {
                if let Err(e) = bond_dev.steal_hw_addr(rtnl, new.dev.dev_addr()) {
                    new.info(
                        &KERN_ERR,
                        format_args!("Error {} setting bond MAC from slave\n", -e.to_errno()),
                    );
                }
            }
            FailOverMac::Follow => {
                let new_mac = new.dev.dev_addr();
                let give = old
                    .as_ref()
                    .map_or(bond_dev.dev_addr(), |o| o.dev.dev_addr());
                if let Err(e) = new.dev.set_mac_address(rtnl, give, &mut ExtAck::none()) {
                    new.info(
                        &KERN_ERR,
                        format_args!("Error {} setting MAC of new active slave\n", -e.to_errno()),
                    );
                } else if let Some(old) = old {
                    if let Err(e) = old.dev.set_mac_address(rtnl, new_mac, &mut ExtAck::none()) {
                        old.info(
                            &KERN_ERR,
                            format_args!(
                                "Error {} setting MAC of old active slave\n",
                                -e.to_errno()
                            ),
                        );
                    }
                }
            }
            FailOverMac::None => {}
        }
        Ok(())
    }

    /// Makes `slave_dev` receive what the bond's own receive filters ask
    /// for: its promiscuity and allmulti, and (while the bond is up) its
    /// unicast and multicast lists. `shared`: every slave gets them (modes
    /// without an active slave). All or nothing.
    fn give_rx_filters(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        slave_dev: &Device,
        shared: bool,
    ) -> Result {
        let flags = bond_dev.flags();
        if flags & IFF_PROMISC != 0 {
            slave_dev.set_promiscuity(rtnl, 1)?;
        }
        if flags & IFF_ALLMULTI != 0 {
            if let Err(e) = slave_dev.set_allmulti(rtnl, 1) {
                if flags & IFF_PROMISC != 0 {
                    let _ = slave_dev.set_promiscuity(rtnl, -1);
                }
                return Err(e);
            }
        }
        if flags & IFF_UP != 0 {
            bond_dev.lock_addr_lists().sync_to(slave_dev, shared);
            self.hooks(rtnl).rx_filters(slave_dev, rtnl, true);
        }
        Ok(())
    }

    /// Undoes [`Bonding::give_rx_filters`]; `flags` are the bond's flags
    /// as they were while the slave held the filters.
    fn take_rx_filters(&self, bond_dev: &Device, rtnl: &Rtnl, slave_dev: &Device, flags: u32) {
        if flags & IFF_PROMISC != 0 {
            let _ = slave_dev.set_promiscuity(rtnl, -1);
        }
        if flags & IFF_ALLMULTI != 0 {
            let _ = slave_dev.set_allmulti(rtnl, -1);
        }
        if flags & IFF_UP != 0 {
            slave_dev.unsync_addr_lists(rtnl, bond_dev);
            self.hooks(rtnl).rx_filters(slave_dev, rtnl, false);
        }
    }

    /// `bond_hw_addr_swap()`: in active-backup only the active slave
    /// receives for the bond (bonding.rst: the others would pass up
    /// duplicates), so the filters follow it on every change.
    fn move_rx_filters(&self, bond_dev: &Device, rtnl: &Rtnl) -> Result {
        if !self.options(rtnl).mode.uses_primary() {
            return Ok(());
        }
        let (old, new) = {
            let mut guard = self.config.borrow_mut(rtnl)?;
            let cfg = &mut *guard;
            let Some(change) = follow_active(&mut cfg.filters, &cfg.active) else {
                return Ok(());
            };
            change
        };
        let flags = bond_dev.flags();
        if let Some(old) = old {
            self.take_rx_filters(bond_dev, rtnl, &old.dev, flags);
        }
        if let Some(new) = new {
            // As the C driver ("FIXME: Signal errors upstream"): a slave
            // that cannot take a count still becomes active.
            if self
                .give_rx_filters(bond_dev, rtnl, &new.dev, false)
                .is_err()
            {
                new.info(
                    &KERN_WARNING,
                    format_args!("could not take the bond's receive filters\n"),
                );
            }
        }
        Ok(())
    }

    /// Runs `f` on every slave, under a shared borrow and with no
    /// allocation: for undo paths that must not fail (a VLAN ID taken back,
    /// netpoll torn down, the bond closing). `f` must not call back into
    /// anything that changes the configuration.
    fn each_slave(&self, rtnl: &Rtnl, mut f: impl FnMut(&Slave)) {
        if let Ok(cfg) = self.config.borrow(rtnl) {
            for s in cfg.slaves.iter() {
                f(s);
            }
        }
    }

    /// [`Bonding::each_slave`] over the slaves that hold the bond's
    /// receive filters: the active one in active-backup, every slave
    /// otherwise.
    fn each_filter_holder(&self, rtnl: &Rtnl, mut f: impl FnMut(&Slave)) {
        if !self.options(rtnl).mode.uses_primary() {
            return self.each_slave(rtnl, f);
        }
        if let Ok(cfg) = self.config.borrow(rtnl) {
            if let Some(s) = &cfg.filters {
                f(s);
            }
        }
    }

    /// `bond_set_carrier()`; whether the carrier changed.
    fn set_carrier(&self, bond_dev: &Device, rtnl: &Rtnl) -> Result<bool> {
        let cfg = self.config.borrow(rtnl)?;
        let on = match self.hooks(rtnl).carrier(self) {
            Some(on) => !cfg.slaves.is_empty() && on,
            None => bond_policy::bond_has_carrier(cfg.slaves.iter().map(|s| s.link())),
        };
        if on == bond_dev.carrier_ok() {
            return Ok(false);
        }
        if on {
            bond_dev.carrier_on();
        } else {
            bond_dev.carrier_off();
        }
        Ok(true)
    }

    /// Publishes the configuration ([`Bonding::commit`], into `room` if
    /// memory was taken ahead), then announces a new active slave if the
    /// caller's selection `changed` it: the one epilogue of every change.
    fn publish(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        room: Option<SnapshotRoom>,
        changed: bool,
    ) -> Result {
        let carrier_before = bond_dev.carrier_ok();
        let res = match room {
            Some(room) => self.commit_in(room, bond_dev, rtnl),
            None => self.commit(bond_dev, rtnl),
        };
        if changed {
            self.announce_active_change(bond_dev, rtnl, carrier_before != bond_dev.carrier_ok());
        }
        res
    }

    /// After the active slave changed and was published
    /// (`bond_change_active_slave()`, `bond_select_active_slave()`): log,
    /// tell user space, and announce the bond's addresses on the new path.
    fn announce_active_change(&self, bond_dev: &Device, rtnl: &Rtnl, carrier_changed: bool) {
        if carrier_changed {
            if bond_dev.carrier_ok() {
                bond_dev.log(&KERN_INFO, format_args!("active interface up!\n"));
            } else {
                bond_dev.log(
                    &KERN_INFO,
                    format_args!("now running without any active interface!\n"),
                );
            }
        }
        let p = self.options(rtnl);
        let has_active = self
            .config
            .borrow(rtnl)
            .map(|c| c.active.is_some())
            .unwrap_or(false);
        // The multicast groups joined on the bond are reported again on the
        // new path, `resend_igmp` times; in round-robin, whose "active"
        // slave is only the first one, on every change too.
        if bond_dev.is_running()
            && p.resend_igmp > 0
            && ((p.mode.uses_primary() && has_active) || p.mode == Mode::RoundRobin)
        {
            self.igmp_retrans.store(u32::from(p.resend_igmp), Relaxed);
            bond_dev.start_work::<BondDriver>(MCAST_WORK, 0);
        }
        if p.mode != Mode::ActiveBackup || !has_active {
            return;
        }
        if bond_dev.is_running() {
            let rounds = u32::from(self.options(rtnl).num_peer_notif)
                * self.options(rtnl).peer_notif_delay.max(1);
            self.send_peer_notif.store(rounds, Relaxed);
        }
        let notify = self.should_notify_peers(bond_dev, rtnl);
        bond_dev.notify(rtnl, NotifyEvent::BondingFailover);
        if notify {
            self.send_peer_notif.fetch_sub(1, Relaxed);
            bond_dev.notify(rtnl, NotifyEvent::NotifyPeers);
        }
    }

    /// One NETDEV_RESEND_IGMP for the groups joined on the bond (the C
    /// driver's `bond_resend_igmp_join_requests_delayed()`): the IPv4 and
    /// IPv6 layers send their membership reports again, through the active
    /// slave; again 200 ms later while `igmp_retrans` counts down.
    fn resend_igmp(&self, bond_dev: &Device) -> Rearm {
        let Some(rtnl) = Rtnl::try_lock() else {
            return Rearm::Jiffies(1);
        };
        bond_dev.notify(&rtnl, NotifyEvent::ResendIgmp);
        let left = self.igmp_retrans.load(Relaxed);
        if left > 1 {
            self.igmp_retrans.store(left - 1, Relaxed);
            Rearm::Ms(200)
        } else {
            Rearm::Stop
        }
    }

    /// `bond_should_notify_peers()`: a notification is due, the bond has
    /// carrier, and the active slave's last carrier change has been through
    /// link-watch (until then, the monitor's next rounds try again).
    fn should_notify_peers(&self, bond_dev: &Device, rtnl: &Rtnl) -> bool {
        let pending = self.send_peer_notif.load(Relaxed);
        let active_settled = self
            .config
            .borrow(rtnl)
            .ok()
            .and_then(|c| c.active.as_ref().map(|s| !s.dev.linkwatch_pending()))
            .unwrap_or(false);
        active_settled
            && pending != 0
            && pending % self.options(rtnl).peer_notif_delay.max(1) == 0
            && bond_dev.carrier_ok()
    }

    /// `bond_select_active_slave()`: makes the best slave the active one.
    /// Returns whether it changed.
    fn select_active_slave(&self, rtnl: &Rtnl) -> Result<bool> {
        let mut guard = self.config.borrow_mut(rtnl)?;
        let cfg = &mut *guard;
        vec::clear(&mut cfg.cands);
        for s in cfg.slaves.iter() {
            // Within the capacity reserved at enslave: no allocation.
            cfg.cands.push(s.candidate(), GFP_ATOMIC)?;
        }
        let best = bond_policy::find_best_slave(&Selection {
            slaves: &cfg.cands,
            primary: index_of(&cfg.slaves, &cfg.primary),
            current: index_of(&cfg.slaves, &cfg.active),
            force_primary: cfg.force_primary,
            primary_reselect: self.options(rtnl).primary_reselect,
            updelay: self.options(rtnl).updelay,
        });
        cfg.force_primary = false;
        let new = best.and_then(|i| cfg.slaves.get(i).cloned());
        let changed = !same_slave(&new, &cfg.active);
        if changed {
            if let Some(n) = &new {
                n.made_active();
                let p = self.options(rtnl);
                let back = n.link() == Link::Back;
                if p.mode.uses_primary() {
                    if back {
                        // The C driver's figure: the time already spent in
                        // updelay, not the time saved.
                        let ms = p
                            .updelay
                            .saturating_sub(n.delay_left())
                            .saturating_mul(p.miimon);
                        n.info(
                            &KERN_INFO,
                            format_args!("making interface the new active one {ms} ms earlier\n"),
                        );
                    } else {
                        n.info(
                            &KERN_INFO,
                            format_args!("making interface the new active one\n"),
                        );
                    }
                }
                if back {
                    n.delay.store(0, Relaxed);
                    n.link.store(Link::Up as u8, Relaxed);
                }
            }
            cfg.active = new;
        }
        Ok(changed)
    }

    /// A copy of the slave list, to call into the core for each slave
    /// without holding the configuration borrowed.
    fn slaves_now(&self, rtnl: &Rtnl) -> Result<KVec<Arc<Slave>>> {
        let cfg = self.config.borrow(rtnl)?;
        let mut v = KVec::with_capacity(cfg.slaves.len(), GFP_KERNEL)?;
        for s in cfg.slaves.iter() {
            v.push(s.clone(), GFP_KERNEL)?;
        }
        Ok(v)
    }

    /// The slave of this bond on `dev`, if `dev` is one.
    fn slave_of(&self, bond_dev: &Device, dev: &Device, rtnl: &Rtnl) -> Option<Arc<Slave>> {
        dev.rx_handler_data::<BondRx>(rtnl)
            .filter(|s| s.bond.is(bond_dev))
    }

    /// How many bonds of this driver are stacked below this one, through
    /// the slave lists the stats fold walks (`bond_get_lowest_level_rcu()`
    /// in the C driver): the lockdep subclass of the stats lock, so that a
    /// bond folding an enslaved bond's counters locks at a higher subclass
    /// than it. Read from the published slave lists, the ones the fold
    /// walks: the core's own device depth lags behind an enslave in
    /// progress, and two bonds at the same depth were reported as
    /// recursive locking (found by the fuzzer). The core refuses stacks
    /// deeper than MAX_NEST_DEV, which bounds the recursion.
    fn nesting_depth(&self, rcu: &RcuGuard) -> u32 {
        self.slaves.read(rcu).map_or(0, |set| {
            set.all
                .iter()
                .filter_map(|s| s.dev.driver_data::<BondDriver>())
                .map(|inner| 1 + inner.nesting_depth(rcu))
                .max()
                .unwrap_or(0)
        })
    }

    /// `bond_get_stats()`: the bond's counters plus what each slave's grew
    /// by since last seen.
    fn fold_stats(&self) -> LinkStats64 {
        let rcu = RcuGuard::lock();
        let mut total = self.stats.lock_nested(self.nesting_depth(&rcu));
        if let Some(set) = self.slaves.read(&rcu) {
            for s in set.all.iter() {
                let now = s.dev.stats();
                let mut seen = [0u64; STATS_FIELDS];
                for (v, a) in seen.iter_mut().zip(s.stats_seen.iter()) {
                    *v = a.load(Relaxed);
                }
                bond_policy::fold_counters(total.counters_mut(), now.counters(), &seen);
                for (a, &v) in s.stats_seen.iter().zip(now.counters().iter()) {
                    a.store(v, Relaxed);
                }
            }
        }
        *total
    }
}

/// The driver of bond master devices.
pub(crate) struct BondDriver;

/// Bond masters' ops: the one address by which a bond is recognised.
static BOND_OPS: NetdevOps<BondDriver> = NetdevOps::new();

#[vtable]
impl Driver for BondDriver {
    type Data = Bonding;
    const OPS: &'static NetdevOps<Self> = &BOND_OPS;

    /// As the C driver's `bond_setup()`: a master that queues nothing itself,
    /// transmits without the tx lock and stays in its namespace.
    ///
    /// IFF_BONDING is deliberately not set: in-tree code (RoCE GID
    /// management, mlx4/mlx5, TLS offload) reads `netdev_priv()` of an
    /// IFF_BONDING device as the C driver's `struct bonding`. Nested bonds
    /// are recognised by their netdev_ops instead (`Device::driver_data`).
    fn setup(dev: &mut SetupDevice<'_>) {
        dev.add_flags(IFF_MASTER);
        // The C driver's bond_set_mac_address() accepts a new MAC while the
        // bond is up; eth_mac_addr() does too with IFF_LIVE_ADDR_CHANGE.
        dev.change_priv_flags(
            IFF_UNICAST_FLT | IFF_NO_QUEUE | IFF_LIVE_ADDR_CHANGE,
            IFF_XMIT_DST_RELEASE | IFF_TX_SKB_SHARING,
        );
        dev.set_lltx();
        dev.set_netns_immutable();
        dev.set_max_mtu(ETH_MAX_MTU);
        dev.set_master_features();
        // bond_prepare_sysfs_group(): /sys/class/net/<bond>/bonding/.
        dev.set_sysfs_group(&bond_sysfs::BOND_GROUP);
        // bond_init(): a random MAC until the first slave lends its own.
        dev.set_random_hw_addr();
    }

    /// `bond_open()`: the link monitor starts with the bond.
    fn open(dev: &Device, bond: &Bonding, rtnl: &Rtnl) -> Result {
        // As bond_open(): tlb/alb's tables come before the link monitor
        // (without them the bond stays down), 802.3ad's work after it.
        let hooks = bond.hooks(rtnl);
        if bond.options(rtnl).mode.is_lb() {
            hooks.open(bond, dev, rtnl)?;
            bond.start_monitors(dev, rtnl);
            return Ok(());
        }
        bond.start_monitors(dev, rtnl);
        hooks.open(bond, dev, rtnl)
    }

    /// `bond_close()`: no monitor runs on a bond that is down.
    fn stop(dev: &Device, bond: &Bonding, rtnl: &Rtnl) -> Result {
        bond.stop_monitors(dev);
        dev.stop_work::<BondDriver>(MCAST_WORK);
        bond.hooks(rtnl).stop(bond, dev, rtnl);
        // bond_close(): the slaves stop receiving for the bond's address
        // lists; ndo_set_rx_mode pushes them again when it comes up.
        bond.each_filter_holder(rtnl, |s| s.dev.unsync_addr_lists(rtnl, dev));
        Ok(())
    }

    /// `bond_change_rx_flags()`: promiscuity and allmulti go to the slaves
    /// that hold the bond's receive filters.
    fn change_rx_flags(dev: &Device, bond: &Bonding, rtnl: &Rtnl, change: u32) {
        let inc = |flag: u32| if dev.flags() & flag != 0 { 1 } else { -1 };
        // The core ignores errors here, and so does this (a count that
        // would overflow).
        bond.each_filter_holder(rtnl, |s| {
            if change & IFF_PROMISC != 0 {
                let _ = s.dev.set_promiscuity(rtnl, inc(IFF_PROMISC));
            }
            if change & IFF_ALLMULTI != 0 {
                let _ = s.dev.set_allmulti(rtnl, inc(IFF_ALLMULTI));
            }
        });
    }

    /// `bond_set_rx_mode()`: the bond's address lists go to the active
    /// slave in active-backup, to every slave otherwise.
    fn set_rx_mode(_dev: &Device, bond: &Bonding, lists: &AddrLists<'_>, rcu: &RcuGuard) {
        let Some(set) = bond.slaves.read(rcu) else {
            return;
        };
        if set.params.mode.uses_primary() {
            if let Some(a) = &set.active {
                lists.sync_to(&a.dev, false);
            }
        } else {
            for s in set.all.iter() {
                lists.sync_to(&s.dev, true);
            }
        }
    }

    /// `bond_netpoll_setup()`: netpoll on every slave, or none (a veth
    /// slave refuses, so netconsole on such a bond fails cleanly).
    fn netpoll_setup(dev: &Device, bond: &Bonding, rtnl: &Rtnl) -> Result {
        let slaves = bond.slaves_now(rtnl)?;
        for s in slaves.iter() {
            if let Err(e) = s.netpoll.enable(rtnl, &s.dev) {
                Self::netpoll_cleanup(dev, bond, rtnl);
                return Err(e);
            }
        }
        Ok(())
    }

    /// `bond_netpoll_cleanup()`.
    fn netpoll_cleanup(_dev: &Device, bond: &Bonding, rtnl: &Rtnl) {
        bond.each_slave(rtnl, |s| s.netpoll.disable(rtnl));
    }

    /// `bond_poll_controller()`: every slave that is up.
    fn poll_controller(_dev: &Device, bond: &Bonding, rcu: &RcuGuard) {
        let Some(set) = bond.slaves.read(rcu) else {
            return;
        };
        for s in set.all.iter() {
            if s.dev.is_running() && s.dev.carrier_ok() {
                s.dev.netpoll_poll();
            }
        }
    }

    /// `bond_vlan_rx_add_vid()`: every slave, or none.
    fn vlan_rx_add_vid(
        _dev: &Device,
        bond: &Bonding,
        rtnl: &Rtnl,
        proto: VlanProto,
        vid: u16,
    ) -> Result {
        let slaves = bond.slaves_now(rtnl)?;
        for (i, s) in slaves.iter().enumerate() {
            if let Err(e) = s.dev.vlan_vid_add(rtnl, proto, vid) {
                for done in slaves.iter().take(i) {
                    done.dev.vlan_vid_del(rtnl, proto, vid);
                }
                return Err(e);
            }
        }
        Ok(())
    }

    /// `bond_vlan_rx_kill_vid()`: cannot fail (a copy of the slave list
    /// could, and the slaves would keep the VLAN ID: kmemleak caught that
    /// under failslab at rmmod).
    fn vlan_rx_kill_vid(
        _dev: &Device,
        bond: &Bonding,
        rtnl: &Rtnl,
        proto: VlanProto,
        vid: u16,
    ) -> Result {
        bond.each_slave(rtnl, |s| s.dev.vlan_vid_del(rtnl, proto, vid));
        bond.alb_vlan_gone(vid);
        Ok(())
    }

    /// The bond's works: each monitor stops itself when its interval is 0.
    fn work(dev: &Device, bond: &Bonding, id: WorkId) -> Rearm {
        match id {
            MII_WORK => bond.mii_monitor(dev),
            ARP_WORK => bond.arp_monitor(dev),
            MCAST_WORK => bond.resend_igmp(dev),
            // A mode's work runs without RTNL, so the mode is read from
            // the snapshot (a work of a mode left behind stops itself).
            _ => {
                let mode = RcuGuard::lock_with(|rcu| bond.slaves.read(rcu).map(|s| s.params.mode));
                mode.and_then(|m| Hooks(m).work(bond, dev, id))
                    .unwrap_or(Rearm::Stop)
            }
        }
    }

    /// `bond_init()` and the NETDEV_REGISTER part of `bond_netdev_event()`:
    /// the bond's /proc/net/bonding file, and no carrier until a slave is
    /// usable. The C driver carries on without the file when it cannot be
    /// made; here the bond is not made either (the registration fails
    /// whole), so that a bond never exists without its parts.
    fn init(dev: &Device, _bond: &Bonding, rtnl: &Rtnl) -> Result {
        // The bond locks its slaves' address lists and transmit queues
        // inside its own (bond_init()'s netdev_lockdep_set_classes()).
        dev.set_stacked_lock_classes(rtnl);
        dev.carrier_off();
        if let Some(dir) = &BOND_NET.get(dev.net()).proc_dir {
            if let Err(e) = dev.proc_create::<BondDriver>(dir, rtnl) {
                dev.log(
                    &KERN_ERR,
                    format_args!("Cannot create /proc/net/bonding/{}\n", dev.name()),
                );
                return Err(e);
            }
        }
        Ok(())
    }

    fn uninit(dev: &Device, bond: &Bonding, rtnl: &Rtnl) {
        // bond_uninit(): a bond being unregistered lets go of its slaves.
        Self::netpoll_cleanup(dev, bond, rtnl);
        bond.release_all(dev, rtnl);
    }

    #[inline]
    fn start_xmit(dev: &Device, bond: &Bonding, skb: SkBuff, rcu: &RcuGuard) -> TxOutcome {
        bond.transmit(dev, skb, rcu)
    }

    /// `bond_fix_features()`: the bond offers what its slaves can do.
    fn fix_features(dev: &Device, _bond: &Bonding, rtnl: &Rtnl, wanted: Features) -> Features {
        dev.lower_features(rtnl, wanted)
    }

    /// `bond_select_queue()`: the queue the frame was received on (or 0),
    /// sparing the core a flow hash per packet (`skb_tx_hash`) that would
    /// also set the frame's L4 hash, which the encap3+4 policy would then
    /// take for its own. The slave sees the frame's own mapping again.
    #[inline]
    fn select_queue(dev: &Device, _bond: &Bonding, skb: &mut QueueSelect<'_>) -> u16 {
        skb.keep_queue_mapping();
        let txq = u32::from(skb.rx_queue().unwrap_or(0));
        match dev.real_num_tx_queues() {
            0 => 0,
            n => (txq % n) as u16,
        }
    }

    fn get_drvinfo(_dev: &Device, _bond: &Bonding, info: &mut DrvInfo<'_>) {
        info.set_driver(b"bonding");
        info.set_fw_version(b"2");
    }

    fn siocbond(
        dev: &Device,
        bond: &Bonding,
        rtnl: &Rtnl,
        ifr: &mut IfReq<'_>,
        cmd: u32,
    ) -> Result {
        let cmd = BondIoctl::from_cmd(cmd).ok_or_else(eopnotsupp)?;
        let user = ifr.user_data();
        bond.ioctl(dev, rtnl, ifr, cmd, user)
    }

    fn siocdevprivate(
        dev: &Device,
        bond: &Bonding,
        rtnl: &Rtnl,
        ifr: &mut IfReq<'_>,
        user: UserPtr,
        cmd: u32,
    ) -> Result {
        let cmd = BondIoctl::from_cmd(cmd).ok_or_else(eopnotsupp)?;
        bond.ioctl(dev, rtnl, ifr, cmd, user)
    }

    /// `bond_eth_ioctl()`: the bond reports its own carrier in BMSR, so
    /// mii-tool or a parent bond with use_carrier=0 can poll it.
    fn eth_ioctl(
        dev: &Device,
        _bond: &Bonding,
        _rtnl: &Rtnl,
        ifr: &mut IfReq<'_>,
        cmd: u32,
    ) -> Result {
        let mii = ifr.mii();
        match cmd {
            bond_uapi::SIOCGMIIPHY | bond_uapi::SIOCGMIIREG => {
                if cmd == bond_uapi::SIOCGMIIPHY {
                    mii.phy_id = 0;
                }
                if mii.reg_num == MII_BMSR {
                    mii.val_out = if dev.carrier_ok() { BMSR_LSTATUS } else { 0 };
                }
                Ok(())
            }
            _ => Err(eopnotsupp()),
        }
    }

    fn add_slave(
        dev: &Device,
        bond: &Bonding,
        rtnl: &Rtnl,
        slave: &Device,
        extack: &mut ExtAck,
    ) -> Result {
        bond.enslave(dev, rtnl, slave, extack)
    }

    fn del_slave(dev: &Device, bond: &Bonding, rtnl: &Rtnl, slave: &Device) -> Result {
        bond.release(dev, rtnl, slave, Release::One)
    }

    /// `bond_change_mtu()`: every slave first, undone if one refuses.
    fn change_mtu(dev: &Device, bond: &Bonding, rtnl: &Rtnl, mtu: u32) -> Result {
        let slaves = bond.slaves_now(rtnl)?;
        for (i, s) in slaves.iter().enumerate() {
            if let Err(e) = s.dev.set_mtu(rtnl, mtu) {
                for done in slaves.iter().take(i) {
                    let _ = done.dev.set_mtu(rtnl, dev.mtu());
                }
                return Err(e);
            }
        }
        Ok(())
    }

    /// `bond_set_mac_address()`: every slave takes the new MAC, undone if
    /// one refuses; in active-backup with fail_over_mac the call succeeds
    /// and changes nothing ("returning an error causes ifenslave to fail").
    fn set_mac_address(dev: &Device, bond: &Bonding, rtnl: &Rtnl, mac: MacAddr) -> Result<bool> {
        if bond.options(rtnl).mode == Mode::Alb {
            return bond.alb_set_mac_address(dev, rtnl, mac);
        }
        if bond.options(rtnl).fail_over_mac_in_force() != FailOverMac::None {
            return Ok(false);
        }
        let old = dev.dev_addr();
        let slaves = bond.slaves_now(rtnl)?;
        for (i, s) in slaves.iter().enumerate() {
            if let Err(e) = s.dev.set_mac_address(rtnl, mac, &mut ExtAck::none()) {
                for done in slaves.iter().take(i) {
                    let _ = done.dev.set_mac_address(rtnl, old, &mut ExtAck::none());
                }
                return Err(e);
            }
        }
        Ok(true)
    }

    fn get_stats64(_dev: &Device, bond: &Bonding, stats: &mut LinkStats64) {
        *stats = bond.fold_stats();
    }

    fn proc_show(dev: &Device, bond: &Bonding, out: &mut SeqFile) -> fmt::Result {
        bond.show(dev, out)
    }
}

/// The MII monitor's work (`mii_work`).
pub(crate) const MII_WORK: WorkId = WorkId(0);
/// The ARP monitor's work (`arp_work`).
const ARP_WORK: WorkId = WorkId(1);
/// The multicast rejoin after a change of active slave (`mcast_work`).
/// WorkId(2) is the mode's (802.3ad).
const MCAST_WORK: WorkId = WorkId(3);

/// The options a new bond starts with: the module's parameters
/// (`bonding_defaults`), set once at load.
pub(crate) static DEFAULTS: SetOnce<BondParams> = SetOnce::new();

/// What bonding keeps in each network namespace (`struct bond_net`).
pub(crate) struct BondNet {
    // Dropped first: /sys/class/net/bonding_masters.
    _masters: Option<NetClassFile>,
    /// /proc/net/bonding, if it could be made.
    proc_dir: Option<Arc<ProcDir>>,
}

static BOND_NET: Pernet<BondNet> = Pernet::new();

impl PernetData for BondNet {
    const OPS: &'static Pernet<Self> = &BOND_NET;

    /// `bond_net_init()`.
    fn init(net: &Net) -> Result<Self> {
        let proc_dir = ProcDir::new_in(net, c_str!("bonding")).ok();
        if proc_dir.is_none() {
            pr_warn!("Warning: Cannot create /proc/net/bonding\n");
        }
        let masters = bond_sysfs::bonding_masters(net);
        Ok(Self {
            _masters: masters,
            proc_dir,
        })
    }
}

/// Creates a bond named `name` ("bond%d": the next free `bondN`) in `net`
/// with `params` (`bond_create()`), as `ip link add type bond` would.
pub(crate) fn create_bond(net: &Net, name: &CStr, params: &BondParams, rtnl: &Rtnl) -> Result {
    BOND_LINK_OPS.create(
        net,
        name,
        params.tx_queues.into(),
        Bonding::new(params)?,
        rtnl,
    )?;
    Ok(())
}
