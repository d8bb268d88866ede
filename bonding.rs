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
//! new slave starts) come from `bond_policy`; this file applies them. No
//! `unsafe` here: everything kernel-facing goes through `crate::net`.

use crate::{
    bond_netlink::BOND_LINK_OPS,
    bond_sysfs,
    bond_options::{
        self, check_deps, spec, value_name, BondParams, BondState, Effect, FailOverMac, IfName, Ipv4, Level, Log, Mode, OptErr,
        OptId, OptInput, SlaveCmd, TargetCmd, FAIL_OVER_MAC_TBL, OPT_RAWVAL, PRIMARY_RESELECT_TBL, XMIT_HASH_TBL,
    },
    bond_monitor::{self, ArpClock, ArpSample, Event, MiiTicks},
    bond_policy::{self, Candidate, Link, Selection},
    bond_uapi::{self, BondIoctl, IfBond, IfSlave, BMSR_LSTATUS, MII_BMSR},
    net::{
        device::{
            enotempty, eopnotsupp, flags::*, priv_flags::*, AddrLists, Device, DeviceRef, DrvInfo, Driver, ExtAck, IfReq,
            LinkStats64, MacAddr, NetdevOps, NotifyEvent, Rearm, SetupDevice, TxOutcome, VlanProto, ARPHRD_CAN, ARPHRD_ETHER, ETH_MAX_MTU,
            KERN_ERR, KERN_INFO, KERN_WARNING, NET_ADDR_RANDOM, STATS_FIELDS,
        },
        modparam,
        netpoll::NetpollSlot,
        notifier::{NetdevEvent, NetdevNotifier},
        pernet::{Net, Pernet, PernetData},
        proc::{ProcDir, SeqFile},
        rcu::{DropInSoftirq, RcuBox, RcuGuard, RcuSlot},
        rtnl::{Rtnl, RtnlCell, RtnlCopy},
        rtnl_link::Attr,
        sysfs::NetClassFile,
        sync::{NestingSpinLock, SetOnce},
        rx::{RxHandler, RxResult, RxSkb},
        skb::{self, net_ratelimit, SkBuff},
        vec,
    },
};
use core::{
    fmt::{self, Write},
    sync::atomic::{AtomicBool, AtomicI32, AtomicU16, AtomicU32, AtomicU64, AtomicU8, Ordering::Relaxed},
};
use kernel::{
    c_str,
    prelude::*,
    str::CStr,
    sync::Arc,
    uaccess::{UserPtr, UserSlice},
};

/// One enslaved device.
pub(crate) struct Slave {
    dev: DeviceRef,
    /// The bond it belongs to; frames received on the slave go up on it.
    bond: DeviceRef,
    /// The slave's own MAC, restored on release.
    perm_hwaddr: MacAddr,
    /// The slave's MTU before it was enslaved, restored on release.
    original_mtu: u32,
    link: AtomicU8,
    /// Ticks of updelay/downdelay left (monitor).
    delay: AtomicI32,
    /// The monitor's proposal, committed under RTNL (NO_PROPOSAL: none).
    new_link: AtomicU8,
    /// Backup in active-backup (`struct ifslave` state, /proc).
    backup: AtomicBool,
    /// Frames received on it are not delivered to the bond.
    inactive: AtomicBool,
    link_failure_count: AtomicU32,
    /// Mbps, u32::MAX when unknown.
    speed: AtomicU32,
    /// 0 half, 1 full, 255 unknown.
    duplex: AtomicU8,
    /// ARP monitor: jiffies of the last probe sent, of the last frame
    /// received, and of the last time the link went up.
    last_tx: AtomicU64,
    last_rx: AtomicU64,
    last_link_up: AtomicU64,
    /// The bond runs the ARP monitor: received frames count as liveness.
    arp_monitored: AtomicBool,
    /// `prio`: preference when no primary decides (IFLA_BOND_SLAVE_PRIO).
    prio: AtomicI32,
    /// `queue_id` (IFLA_BOND_SLAVE_QUEUE_ID, sysfs queue_id).
    queue_id: AtomicU16,
    /// The counters last folded into the bond's (under `Bonding::stats`).
    stats_seen: [AtomicU64; STATS_FIELDS],
    /// netpoll on the slave, while a netpoll client (netconsole) uses the
    /// bond.
    netpoll: NetpollSlot,
}

impl Slave {
    fn link(&self) -> Link {
        Link::from_u8(self.link.load(Relaxed))
    }

    /// `bond_slave_can_tx()`: running, carrier, link up, active.
    fn can_tx(&self) -> bool {
        self.dev.is_running() && self.dev.carrier_ok() && self.link() == Link::Up && !self.backup.load(Relaxed)
    }

    fn update_speed_duplex(&self, rtnl: &Rtnl) {
        let (speed, duplex) = self.dev.speed_duplex(rtnl);
        self.speed.store(speed.unwrap_or(u32::MAX), Relaxed);
        self.duplex.store(duplex.map_or(255, u8::from), Relaxed);
    }

    fn arp_sample(&self) -> ArpSample {
        ArpSample {
            link: self.link(),
            last_tx: self.last_tx.load(Relaxed),
            last_rx: self.last_rx.load(Relaxed),
            last_link_up: self.last_link_up.load(Relaxed),
        }
    }

    fn candidate(&self) -> Candidate {
        Candidate {
            link: self.link(),
            dev_up: self.dev.is_running() && self.dev.carrier_ok(),
            delay: 0,
            prio: self.prio.load(Relaxed),
            speed: match self.speed.load(Relaxed) {
                u32::MAX => 0,
                s => s,
            },
            full_duplex: self.duplex.load(Relaxed) == 1,
        }
    }

    fn info(&self, level: &crate::net::device::LogLevel, args: fmt::Arguments<'_>) {
        self.bond.log(level, format_args!("(slave {}): {}", self.dev.name(), args));
    }
}

const NO_PROPOSAL: u8 = u8::MAX;

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
    /// The options in force when this was published.
    params: BondParams,
}

// SAFETY: dropping a SlaveSet frees two vectors and drops `Arc<Slave>`s;
// the last reference to a slave drops two device references (dev_put) and
// a netpoll slot that release() emptied: nothing sleeps or locks.
unsafe impl DropInSoftirq for SlaveSet {}

impl SlaveSet {
    fn empty(params: BondParams) -> Self {
        Self { all: KVec::new(), tx: KVec::new(), active: None, primary: None, params }
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
    /// The active slave as `fail_over_mac` last acted on it.
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
    rr_counter: AtomicU32,
    /// Peer notifications still to send after a failover (`send_peer_notif`).
    send_peer_notif: AtomicU32,
    /// Recomputing features on a slave's NETDEV_FEAT_CHANGE (under RTNL;
    /// the C driver's `notifier_ctx`).
    computing_features: AtomicBool,
}

/// Points `slot` (a slave some per-failover state belongs to) at the active
/// slave; `(previous, new)` if that changed, `None` if it already was.
fn follow_active(
    slot: &mut Option<Arc<Slave>>,
    active: &Option<Arc<Slave>>,
) -> Option<(Option<Arc<Slave>>, Option<Arc<Slave>>)> {
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
        bond_dev.log(&KERN_ERR, format_args!("(slave {}): Error: {}\n", slave.name(), msg));
    } else {
        bond_dev.log(&KERN_ERR, format_args!("Error: {}\n", msg));
    }
}

impl Bonding {
    pub(crate) fn new(params: &BondParams) -> Result<impl PinInit<Self, Error>> {
        let params = *params;
        let slaves = RcuBox::new(RcuSlot::new(GFP_KERNEL)?, SlaveSet::empty(params));
        let teardown_set = RcuSlot::new(GFP_KERNEL)?;
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
            rr_counter: AtomicU32::new(0),
            send_peer_notif: AtomicU32::new(0),
            computing_features: AtomicBool::new(false),
        }? Error))
    }

    /// The options in force (a copy).
    fn p(&self, rtnl: &Rtnl) -> BondParams {
        self.params.get(rtnl)
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
            let SnapshotRoom { mut all, mut tx, set } = room;
            for s in cfg.slaves.iter() {
                let is = |x: &Option<Arc<Slave>>| x.as_ref().is_some_and(|a| Arc::ptr_eq(a, s));
                let backup = self.p(rtnl).mode == Mode::ActiveBackup && !is(&cfg.active) && !is(&cfg.arp_slave);
                s.backup.store(backup, Relaxed);
                s.inactive.store(backup && !self.p(rtnl).all_slaves_active, Relaxed);
                s.arp_monitored.store(self.p(rtnl).arp_interval > 0, Relaxed);
                all.push(s.clone(), GFP_KERNEL)?;
                // balance-xor hashes over the slaves that can send now
                // (bond_update_slave_arr(): bond_slave_can_tx()), rebuilt on
                // their up/down/carrier events; round-robin checks each
                // candidate as it transmits.
                let usable = if self.p(rtnl).mode.uses_xmit_hash() { s.can_tx() } else { s.link() == Link::Up };
                if usable {
                    tx.push(s.clone(), GFP_KERNEL)?;
                }
            }
            (set, SlaveSet { all, tx, active: cfg.active.clone(), primary: cfg.primary.clone(), params: self.p(rtnl) })
        };
        self.slaves.replace(set.0, set.1, rtnl);
        bond_dev.compute_master_features(rtnl);
        // After publishing: a concurrent set_rx_mode already syncs to the
        // new active slave, and none re-syncs the old one once it is flushed.
        self.move_rx_filters(bond_dev, rtnl)?;
        self.fail_over_mac(bond_dev, rtnl)?;
        self.set_carrier(bond_dev, rtnl).map(|_| ())
    }

    /// `bond_do_fail_over_mac()`, once per change of active slave: with
    /// `active` the bond takes the new active slave's MAC; with `follow`
    /// the new active slave takes the bond's and the old active one (or
    /// whichever slave has the bond's MAC) takes the new one's.
    fn fail_over_mac(&self, bond_dev: &Device, rtnl: &Rtnl) -> Result {
        let fom = self.p(rtnl).fail_over_mac();
        if fom == FailOverMac::None {
            return Ok(());
        }
        let (new, old) = {
            let mut guard = self.config.borrow_mut(rtnl)?;
            let cfg = &mut *guard;
            let Some((old, _)) = follow_active(&mut cfg.mac_active, &cfg.active) else { return Ok(()) };
            // Going to no active slave changes no address.
            let Some(new) = cfg.active.clone() else { return Ok(()) };
            // bond_get_old_active(): a released slave is no candidate.
            let listed = |s: &Arc<Slave>| cfg.slaves.iter().any(|x| Arc::ptr_eq(x, s));
            let bond_mac = bond_dev.dev_addr();
            let old = old.filter(|o| listed(o)).or_else(|| {
                cfg.slaves.iter().find(|s| !Arc::ptr_eq(s, &new) && s.dev.dev_addr() == bond_mac).cloned()
            });
            (new, old)
        };
        match fom {
            FailOverMac::Active => {
                if let Err(e) = bond_dev.steal_hw_addr(rtnl, new.dev.dev_addr()) {
                    new.info(&KERN_ERR, format_args!("Error {} setting bond MAC from slave\n", -e.to_errno()));
                }
            }
            FailOverMac::Follow => {
                let new_mac = new.dev.dev_addr();
                let give = old.as_ref().map_or(bond_dev.dev_addr(), |o| o.dev.dev_addr());
                if let Err(e) = new.dev.set_mac_address(rtnl, give, &mut ExtAck::none()) {
                    new.info(&KERN_ERR, format_args!("Error {} setting MAC of new active slave\n", -e.to_errno()));
                } else if let Some(old) = old {
                    if let Err(e) = old.dev.set_mac_address(rtnl, new_mac, &mut ExtAck::none()) {
                        old.info(&KERN_ERR, format_args!("Error {} setting MAC of old active slave\n", -e.to_errno()));
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
    fn give_rx_filters(&self, bond_dev: &Device, rtnl: &Rtnl, slave_dev: &Device, shared: bool) -> Result {
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
        }
    }

    /// `bond_hw_addr_swap()`: in active-backup only the active slave
    /// receives for the bond (bonding.rst: the others would pass up
    /// duplicates), so the filters follow it on every change.
    fn move_rx_filters(&self, bond_dev: &Device, rtnl: &Rtnl) -> Result {
        if !self.p(rtnl).mode.uses_primary() {
            return Ok(());
        }
        let (old, new) = {
            let mut guard = self.config.borrow_mut(rtnl)?;
            let cfg = &mut *guard;
            let Some(change) = follow_active(&mut cfg.filters, &cfg.active) else { return Ok(()) };
            change
        };
        let flags = bond_dev.flags();
        if let Some(old) = old {
            self.take_rx_filters(bond_dev, rtnl, &old.dev, flags);
        }
        if let Some(new) = new {
            // As the C driver ("FIXME: Signal errors upstream"): a slave
            // that cannot take a count still becomes active.
            if self.give_rx_filters(bond_dev, rtnl, &new.dev, false).is_err() {
                new.info(&KERN_WARNING, format_args!("could not take the bond's receive filters\n"));
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
        if !self.p(rtnl).mode.uses_primary() {
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
        let on = bond_policy::bond_has_carrier(cfg.slaves.iter().map(|s| s.link()));
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

    /// After the active slave changed and was published
    /// (`bond_change_active_slave()`, `bond_select_active_slave()`): log,
    /// tell user space, and announce the bond's addresses on the new path.
    fn announce_active_change(&self, bond_dev: &Device, rtnl: &Rtnl, carrier_changed: bool) {
        if carrier_changed {
            if bond_dev.carrier_ok() {
                bond_dev.log(&KERN_INFO, format_args!("active interface up!\n"));
            } else {
                bond_dev.log(&KERN_INFO, format_args!("now running without any active interface!\n"));
            }
        }
        if self.p(rtnl).mode != Mode::ActiveBackup {
            return;
        }
        let has_active = self.config.borrow(rtnl).map(|c| c.active.is_some()).unwrap_or(false);
        if !has_active {
            return;
        }
        if bond_dev.is_running() {
            let rounds = u32::from(self.p(rtnl).num_peer_notif) * self.p(rtnl).peer_notif_delay.max(1);
            self.send_peer_notif.store(rounds, Relaxed);
        }
        let notify = self.should_notify_peers(bond_dev, rtnl);
        bond_dev.notify(rtnl, NotifyEvent::BondingFailover);
        if notify {
            self.send_peer_notif.fetch_sub(1, Relaxed);
            bond_dev.notify(rtnl, NotifyEvent::NotifyPeers);
        }
    }

    /// `bond_should_notify_peers()`.
    fn should_notify_peers(&self, bond_dev: &Device, rtnl: &Rtnl) -> bool {
        let pending = self.send_peer_notif.load(Relaxed);
        let has_active = self.config.borrow(rtnl).map(|c| c.active.is_some()).unwrap_or(false);
        has_active && pending != 0 && pending % self.p(rtnl).peer_notif_delay.max(1) == 0 && bond_dev.carrier_ok()
    }

    /// Reads a slave's link as `bond_check_dev_link()`: not running is down;
    /// with use_carrier the carrier; else ethtool get_link, then the MII
    /// status register; a device that can tell neither counts as up.
    /// `rtnl` is needed (and only given) with use_carrier=0.
    fn sample_link(dev: &Device, use_carrier: bool, rtnl: Option<&Rtnl>) -> bool {
        if !dev.is_running() {
            return false;
        }
        let Some(rtnl) = rtnl.filter(|_| !use_carrier) else {
            return dev.carrier_ok();
        };
        if let Some(up) = dev.ethtool_link(rtnl) {
            return up;
        }
        dev.mii_bmsr(rtnl).map_or(true, |bmsr| bmsr & BMSR_LSTATUS != 0)
    }

    /// One run of the MII monitor (`bond_mii_monitor()`): sample every
    /// slave without locks, then commit what changed under RTNL.
    fn mii_monitor(&self, bond_dev: &Device) -> Rearm {
        let (p, slaves, mut ignore_updelay) = {
            let mut v = KVec::new();
            let rcu = RcuGuard::lock();
            let Some(set) = self.slaves.read(&rcu) else { return Rearm::Stop };
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
            let ignore = if p.mode == Mode::ActiveBackup { set.active.is_none() } else { set.tx.is_empty() };
            (p, v, ignore)
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
        let ticks = MiiTicks { miimon: p.miimon, downdelay: p.downdelay, updelay: p.updelay };
        let mut commit = false;
        for s in slaves.iter() {
            let up = Self::sample_link(&s.dev, p.use_carrier, held.as_deref());
            let r = bond_monitor::inspect(s.link(), s.delay.load(Relaxed), up, &ticks, &mut ignore_updelay);
            s.delay.store(r.delay, Relaxed);
            s.new_link.store(r.propose.map_or(NO_PROPOSAL, |l| l as u8), Relaxed);
            commit |= r.propose.is_some();
            // As the C driver: these lines may come every miimon.
            if r.event.is_some() && !net_ratelimit() {
                continue;
            }
            match r.event {
                Some(Event::DownDisablingIn(ms)) => {
                    let which = match (p.mode, s.backup.load(Relaxed)) {
                        (Mode::ActiveBackup, false) => "active ",
                        (Mode::ActiveBackup, true) => "backup ",
                        _ => "",
                    };
                    s.info(&KERN_INFO, format_args!("link status down for {}interface, disabling it in {} ms\n", which, ms));
                }
                Some(Event::UpAgainAfter(ms)) => s.info(&KERN_INFO, format_args!("link status up again after {} ms\n", ms)),
                Some(Event::UpEnablingIn(ms)) => s.info(&KERN_INFO, format_args!("link status up, enabling it in {} ms\n", ms)),
                Some(Event::DownAgainAfter(ms)) => s.info(&KERN_INFO, format_args!("link status down again after {} ms\n", ms)),
                None => {}
            }
        }
        if !commit && self.send_peer_notif.load(Relaxed) == 0 {
            return Rearm::Ms(p.miimon);
        }
        // ndo_stop cancels this work synchronously under RTNL: never wait
        // for RTNL here, retry at the next jiffy instead.
        let Some(rtnl) = held.or_else(Rtnl::try_lock) else { return Rearm::Jiffies(1) };
        let notify = self.should_notify_peers(bond_dev, &rtnl);
        drop(slaves);
        if commit && self.mii_commit(bond_dev, &rtnl).is_err() {
            return Rearm::Jiffies(1);
        }
        if self.send_peer_notif.load(Relaxed) > 0 {
            self.send_peer_notif.fetch_sub(1, Relaxed);
            if notify {
                bond_dev.notify(&rtnl, NotifyEvent::NotifyPeers);
            }
        }
        Rearm::Ms(p.miimon)
    }

    /// One run of the ARP monitor (`bond_arp_monitor()`). Unlike the C
    /// driver, it works under RTNL throughout (taken with trylock): simpler
    /// to reason about, at the cost of RTNL once per `arp_interval`.
    fn arp_monitor(&self, bond_dev: &Device) -> Rearm {
        let Some(rtnl) = Rtnl::try_lock() else { return Rearm::Jiffies(1) };
        let p = self.p(&rtnl);
        if p.arp_interval == 0 {
            return Rearm::Stop;
        }
        let rearm = Rearm::Ms(p.arp_interval);
        let Ok(slaves) = self.slaves_now(&rtnl) else { return rearm };
        if slaves.is_empty() {
            return rearm;
        }
        let clock = ArpClock { now: skb::jiffies(), delta: skb::ms_to_jiffies(p.arp_interval), missed_max: p.missed_max.into() };
        let _ = if p.mode == Mode::ActiveBackup {
            self.ab_arp_monitor(bond_dev, &rtnl, &slaves, &clock)
        } else {
            self.loadbalance_arp_monitor(bond_dev, &rtnl, &slaves, &clock)
        };
        rearm
    }

    /// `bond_arp_send_all()`: an ARP request for every target the bond
    /// routes to, out of `slave`.
    fn arp_send_all(&self, bond_dev: &Device, rtnl: &Rtnl, slave: &Slave) {
        for &target in self.p(rtnl).arp_targets.as_slice() {
            if let Some(src) = bond_dev.arp_probe_source(target.0) {
                if slave.dev.send_arp_request(target.0, src).is_ok() {
                    slave.last_tx.store(skb::jiffies(), Relaxed);
                }
            }
        }
    }

    /// `bond_loadbalance_arp_mon()`: modes where every slave transmits.
    fn loadbalance_arp_monitor(&self, bond_dev: &Device, rtnl: &Rtnl, slaves: &[Arc<Slave>], c: &ArpClock) -> Result {
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
                    let _ = s.link_failure_count.fetch_update(Relaxed, Relaxed, |n| n.checked_add(1));
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
    fn ab_arp_monitor(&self, bond_dev: &Device, rtnl: &Rtnl, slaves: &[Arc<Slave>], c: &ArpClock) -> Result {
        let notify_peers = self.should_notify_peers(bond_dev, rtnl);
        let (active, probing, primary) = {
            let cfg = self.config.borrow(rtnl)?;
            (cfg.active.clone(), cfg.arp_slave.is_some(), cfg.primary.clone())
        };
        let is = |x: &Option<Arc<Slave>>, s: &Arc<Slave>| x.as_ref().is_some_and(|a| Arc::ptr_eq(a, s));
        let (mut any, mut failover) = (false, false);
        for s in slaves {
            let Some(new) = bond_monitor::ab_arp_inspect(&s.arp_sample(), c, is(&active, s), probing) else {
                continue;
            };
            any = true;
            match new {
                Link::Up if !is(&active, s) => {
                    s.link.store(Link::Up as u8, Relaxed);
                    self.config.borrow_mut(rtnl)?.arp_slave = None;
                    s.info(&KERN_INFO, format_args!("link status definitely up\n"));
                    failover |= active.is_none() || is(&primary, s);
                }
                Link::Down => {
                    let _ = s.link_failure_count.fetch_update(Relaxed, Relaxed, |n| n.checked_add(1));
                    s.link.store(Link::Down as u8, Relaxed);
                    s.info(&KERN_INFO, format_args!("link status definitely down, disabling slave\n"));
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
            let carrier_before = bond_dev.carrier_ok();
            self.commit(bond_dev, rtnl)?;
            if changed {
                self.announce_active_change(bond_dev, rtnl, carrier_before != bond_dev.carrier_ok());
            }
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
    fn ab_arp_probe(&self, bond_dev: &Device, rtnl: &Rtnl, slaves: &[Arc<Slave>], c: &ArpClock) -> Result {
        let (active, current) = {
            let cfg = self.config.borrow(rtnl)?;
            (cfg.active.clone(), cfg.arp_slave.clone())
        };
        if let Some(a) = active {
            self.arp_send_all(bond_dev, rtnl, &a);
            return Ok(());
        }
        let Some(current) = current.or_else(|| slaves.first().cloned()) else { return Ok(()) };
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
                let _ = s.link_failure_count.fetch_update(Relaxed, Relaxed, |n| n.checked_add(1));
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
    fn mii_commit(&self, bond_dev: &Device, rtnl: &Rtnl) -> Result {
        let room = self.snapshot_room(rtnl)?;
        let mut failover = false;
        {
            let cfg = self.config.borrow(rtnl)?;
            let no_active = cfg.active.is_none();
            for s in cfg.slaves.iter() {
                let new = s.new_link.swap(NO_PROPOSAL, Relaxed);
                if new == NO_PROPOSAL {
                    continue;
                }
                let new = Link::from_u8(new);
                s.link.store(new as u8, Relaxed);
                let is = |x: &Option<Arc<Slave>>| x.as_ref().is_some_and(|a| Arc::ptr_eq(a, s));
                match new {
                    Link::Up => {
                        s.update_speed_duplex(rtnl);
                        let speed = match s.speed.load(Relaxed) {
                            u32::MAX => 0,
                            v => v,
                        };
                        let duplex = if s.duplex.load(Relaxed) == 1 { "full" } else { "half" };
                        s.info(&KERN_INFO, format_args!("link status definitely up, {} Mbps {} duplex\n", speed, duplex));
                        failover |= no_active || is(&cfg.primary);
                    }
                    Link::Down => {
                        let _ = s.link_failure_count.fetch_update(Relaxed, Relaxed, |c| c.checked_add(1));
                        s.info(&KERN_INFO, format_args!("link status definitely down, disabling slave\n"));
                        failover |= is(&cfg.active);
                    }
                    Link::Fail | Link::Back => {}
                }
            }
        }
        let changed = if failover { self.select_active_slave(rtnl)? } else { false };
        let carrier_before = bond_dev.carrier_ok();
        self.commit_in(room, bond_dev, rtnl)?;
        if changed {
            self.announce_active_change(bond_dev, rtnl, carrier_before != bond_dev.carrier_ok());
        }
        Ok(())
    }

    /// A slave was renamed: it stops, or starts, being the primary slave,
    /// and the active slave is chosen again.
    fn primary_renamed(&self, bond_dev: &Device, rtnl: &Rtnl, slave: &Arc<Slave>) -> Result {
        let p = self.p(rtnl);
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
                format_args!("Primary slave changed to {}, reselecting active slave\n", slave.dev.name()),
            );
        } else {
            bond_dev.log(&KERN_INFO, format_args!("Primary slave changed to none, reselecting active slave\n"));
        }
        let changed = self.select_active_slave(rtnl)?;
        let carrier_before = bond_dev.carrier_ok();
        self.commit(bond_dev, rtnl)?;
        if changed {
            self.announce_active_change(bond_dev, rtnl, carrier_before != bond_dev.carrier_ok());
        }
        Ok(())
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
            primary_reselect: self.p(rtnl).primary_reselect,
            updelay: self.p(rtnl).updelay,
        });
        cfg.force_primary = false;
        let new = best.and_then(|i| cfg.slaves.get(i).cloned());
        let changed = !same_slave(&new, &cfg.active);
        if changed {
            if let Some(n) = &new {
                if n.link() == Link::Back {
                    n.link.store(Link::Up as u8, Relaxed);
                }
                if self.p(rtnl).mode.uses_primary() {
                    n.info(&KERN_INFO, format_args!("making interface the new active one\n"));
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
        dev.rx_handler_data::<BondRx>(rtnl).filter(|s| s.bond.is(bond_dev))
    }

    /// `bond_enslave()`, with the C driver's checks in its order.
    fn enslave(&self, bond_dev: &Device, rtnl: &Rtnl, slave_dev: &Device, extack: &mut ExtAck) -> Result {
        if slave_dev.hw_type() == ARPHRD_CAN {
            nl_err(bond_dev, None, extack, c_str!("CAN devices cannot be enslaved"));
            return Err(EPERM);
        }
        if slave_dev.flags() & IFF_MASTER != 0 && slave_dev.driver_data::<BondDriver>().is_none() {
            nl_err(bond_dev, None, extack, c_str!("Device type (master device) cannot be enslaved"));
            return Err(EPERM);
        }
        if slave_dev.rx_handler_busy(rtnl) {
            nl_err(bond_dev, Some(slave_dev), extack, c_str!("Device is in use and cannot be enslaved"));
            return Err(EBUSY);
        }
        if slave_dev.is(bond_dev) {
            nl_err(bond_dev, None, extack, c_str!("Cannot enslave bond to itself."));
            return Err(EPERM);
        }
        // The C driver has no explicit check: lo is always up, so the next
        // one refuses it with the same EPERM.
        if slave_dev.flags() & IFF_LOOPBACK != 0 {
            nl_err(bond_dev, Some(slave_dev), extack, c_str!("Loopback device can not be enslaved"));
            return Err(EPERM);
        }
        if slave_dev.flags() & IFF_UP != 0 {
            nl_err(bond_dev, Some(slave_dev), extack, c_str!("Device can not be enslaved while up"));
            return Err(EPERM);
        }
        // The C driver turns the bond into the first slave's type; this one
        // bonds Ethernet devices only.
        if slave_dev.hw_type() != ARPHRD_ETHER {
            nl_err(bond_dev, Some(slave_dev), extack, c_str!("Only Ethernet devices can be enslaved"));
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

    fn enslave_steps(
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
            bond_dev.log(&KERN_ERR, format_args!("(slave {}): Error {} calling dev_set_mtu\n", slave_dev.name(), e.to_errno()));
            return Err(e);
        }
        undo.mtu = Some(original_mtu);

        let perm_hwaddr = slave_dev.dev_addr();
        // bond_enslave(): the slave takes the bond's MAC, unless
        // fail_over_mac keeps slaves' own; with `follow`, a second slave
        // with the bond's MAC takes a random one, so that a failover's swap
        // never leaves two slaves with the same address.
        let new_mac = match self.p(rtnl).fail_over_mac() {
            FailOverMac::None => Some(bond_dev.dev_addr()),
            FailOverMac::Follow if !first && perm_hwaddr == bond_dev.dev_addr() => Some(MacAddr::random()),
            _ => None,
        };
        if let Some(mac) = new_mac {
            if let Err(e) = slave_dev.set_mac_address(rtnl, mac, extack) {
                bond_dev.log(
                    &KERN_ERR,
                    format_args!("(slave {}): Error {} calling set_mac_address\n", slave_dev.name(), e.to_errno()),
                );
                return Err(e);
            }
            undo.mac = Some(perm_hwaddr);
        }

        // No IPv6 autoconfiguration on a slave: set before it opens.
        slave_dev.change_priv_flags(rtnl, IFF_NO_ADDRCONF, 0);
        undo.no_addrconf = true;
        if let Err(e) = slave_dev.open(rtnl, extack) {
            bond_dev.log(&KERN_ERR, format_args!("(slave {}): Opening slave failed\n", slave_dev.name()));
            return Err(e);
        }
        undo.opened = true;

        // VLANs configured on the bond reach every slave (bond_enslave()).
        if let Err(e) = slave_dev.vlan_vids_add_by_dev(rtnl, bond_dev) {
            bond_dev.log(&KERN_ERR, format_args!("(slave {}): Couldn't add bond vlan ids\n", slave_dev.name()));
            return Err(e);
        }
        undo.vlans = true;

        let link_up = slave_dev.is_running() && slave_dev.carrier_ok();
        let (link, _delay) =
            bond_policy::initial_link(self.p(rtnl).miimon, self.p(rtnl).arp_interval, self.p(rtnl).updelay, link_up);
        let slave = Arc::new(
            Slave {
                dev: slave_dev.to_ref(),
                bond: bond_dev.to_ref(),
                perm_hwaddr,
                original_mtu,
                link: AtomicU8::new(link as u8),
                delay: AtomicI32::new(_delay as i32),
                new_link: AtomicU8::new(NO_PROPOSAL),
                backup: AtomicBool::new(self.p(rtnl).mode == Mode::ActiveBackup),
                inactive: AtomicBool::new(self.p(rtnl).mode == Mode::ActiveBackup && !self.p(rtnl).all_slaves_active),
                link_failure_count: AtomicU32::new(0),
                speed: AtomicU32::new(u32::MAX),
                duplex: AtomicU8::new(255),
                stats_seen: Default::default(),
                last_tx: AtomicU64::new(0),
                last_rx: AtomicU64::new(0),
                last_link_up: AtomicU64::new(0),
                arp_monitored: AtomicBool::new(self.p(rtnl).arp_interval > 0),
                prio: AtomicI32::new(0),
                queue_id: AtomicU16::new(0),
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
        let stale = now.wrapping_sub(skb::ms_to_jiffies(self.p(rtnl).arp_interval) + 1);
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
        if !self.p(rtnl).mode.uses_primary() {
            self.give_rx_filters(bond_dev, rtnl, slave_dev, true)?;
            undo.rx_filters = Some(bond_dev.flags());
        }

        {
            let mut cfg = self.config.borrow_mut(rtnl)?;
            // Cannot fail: space was reserved by the caller.
            cfg.slaves.push(slave.clone(), GFP_KERNEL)?;
            let p = self.p(rtnl);
            if p.mode.uses_primary() && !p.primary.is_empty() && p.primary.as_bytes() == slave_dev.name().as_bytes() {
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
        let changed = self.p(rtnl).mode.uses_primary() && self.select_active_slave(rtnl)?;
        let carrier_before = bond_dev.carrier_ok();
        self.commit(bond_dev, rtnl)?;
        if changed {
            self.announce_active_change(bond_dev, rtnl, carrier_before != bond_dev.carrier_ok());
        }

        slave.info(
            &KERN_INFO,
            format_args!(
                "Enslaving as {} interface with {} link\n",
                if slave.backup.load(Relaxed) { "a backup" } else { "an active" },
                if slave.link() != Link::Down { "an up" } else { "a down" }
            ),
        );
        Ok(())
    }

    /// `__bond_release_one()`. `unregistering`: the slave device is going
    /// away, so its MTU is restored without notifications.
    fn release(&self, bond_dev: &Device, rtnl: &Rtnl, slave_dev: &Device, how: Release) -> Result {
        if slave_dev.flags() & IFF_SLAVE == 0 || !slave_dev.has_upper(rtnl, bond_dev) {
            return Err(EINVAL);
        }
        let Some(slave) = self.slave_of(bond_dev, slave_dev, rtnl) else {
            bond_dev.log(&KERN_INFO, format_args!("(slave {}): interface not enslaved\n", slave_dev.name()));
            return Err(EINVAL);
        };
        // Everything that can fail comes first: past this point the
        // release runs to its end, whatever happens. A bond going away
        // needs no memory at all (its snapshot is already empty).
        let room = if how == Release::All { None } else { Some(self.snapshot_room(rtnl)?) };
        let was_active = !slave.backup.load(Relaxed);
        // The flags the slave's receive filters were given under: changing
        // the bond's address below may change them (__bond_release_one()).
        let bond_flags = bond_dev.flags();
        slave.inactive.store(true, Relaxed);
        // Keep the bond's counters: fold this slave's growth in one last time.
        self.fold_stats(bond_dev);

        slave_dev.remove_sysfs_group(&bond_sysfs::SLAVE_GROUP, rtnl);
        drop(slave_dev.rx_handler_unregister::<BondRx>(rtnl));
        slave_dev.unlink_master(rtnl, bond_dev);
        slave_dev.change_flags_raw(rtnl, 0, IFF_SLAVE);
        slave.info(&KERN_INFO, format_args!("Releasing {} interface\n", if was_active { "active" } else { "backup" }));

        let (was_current, none_left) = {
            let Ok(mut cfg) = self.config.borrow_mut(rtnl) else {
                // Only a re-entrant call could get here; the slave is
                // already unhooked, so finish what can be finished.
                return Err(EBUSY);
            };
            drop(vec::remove_first(&mut cfg.slaves, |s| Arc::ptr_eq(s, &slave)));
            if cfg.primary.as_ref().is_some_and(|p| Arc::ptr_eq(p, &slave)) {
                cfg.primary = None;
            }
            if cfg.arp_slave.as_ref().is_some_and(|p| Arc::ptr_eq(p, &slave)) {
                cfg.arp_slave = None;
            }
            let was_current = cfg.active.as_ref().is_some_and(|a| Arc::ptr_eq(a, &slave));
            if was_current {
                cfg.active = None;
            }
            if how != Release::All
                && !cfg.slaves.is_empty()
                && bond_dev.dev_addr() == slave.perm_hwaddr
                && self.p(rtnl).fail_over_mac() != FailOverMac::Active
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
        let changed = was_current && how != Release::All && self.select_active_slave(rtnl).unwrap_or(false);
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
        if !self.p(rtnl).mode.uses_primary() {
            self.take_rx_filters(bond_dev, rtnl, slave_dev, bond_flags);
        }
        slave_dev.vlan_vids_del_by_dev(rtnl, bond_dev);

        slave_dev.close(rtnl);
        slave_dev.change_priv_flags(rtnl, 0, IFF_NO_ADDRCONF);
        if self.p(rtnl).fail_over_mac() != FailOverMac::Active {
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
    fn detach_for_teardown(&self, bond_dev: &Device, rtnl: &Rtnl, slave: &Arc<Slave>) -> Result {
        let held_filters = {
            let mut cfg = self.config.borrow_mut(rtnl)?;
            if cfg.mac_active.as_ref().is_some_and(|s| Arc::ptr_eq(s, slave)) {
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
    fn release_all(&self, bond_dev: &Device, rtnl: &Rtnl) {
        let spare = self.config.borrow_mut(rtnl).ok().and_then(|mut cfg| cfg.teardown_set.take());
        if let Some(slot) = spare {
            self.slaves.replace(slot, SlaveSet::empty(self.p(rtnl)), rtnl);
        }
        loop {
            // In enslave order, as bond_uninit().
            let next = match self.config.borrow(rtnl) {
                Ok(cfg) => cfg.slaves.first().cloned(),
                Err(_) => None,
            };
            let Some(slave) = next else { break };
            if self.release(bond_dev, rtnl, &slave.dev, Release::All).is_err() {
                let still_listed = self
                    .config
                    .borrow(rtnl)
                    .map(|cfg| cfg.slaves.iter().any(|s| Arc::ptr_eq(s, &slave)))
                    .unwrap_or(true);
                if still_listed {
                    bond_dev.log(&KERN_ERR, format_args!("(slave {}): could not release\n", slave.dev.name()));
                    break;
                }
            }
        }
        bond_dev.log(&KERN_INFO, format_args!("Released all slaves\n"));
    }

    /// `bond_get_stats()`: the bond's counters plus what each slave's grew
    /// by since last seen.
    fn fold_stats(&self, bond_dev: &Device) -> LinkStats64 {
        let rcu = RcuGuard::lock();
        let mut total = self.stats.lock_for(bond_dev);
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

    /// SIOCBONDCHANGEACTIVE (`bond_option_active_slave_set()`).
    fn change_active(&self, bond_dev: &Device, rtnl: &Rtnl, slave_dev: &Device) -> Result {
        if !self.p(rtnl).mode.uses_primary() {
            return Err(EACCES);
        }
        let Some(slave) = self.slave_of(bond_dev, slave_dev, rtnl) else {
            bond_dev.log(&KERN_ERR, format_args!("(slave {}): Device is not bonding slave\n", slave_dev.name()));
            return Err(EINVAL);
        };
        {
            let mut cfg = self.config.borrow_mut(rtnl)?;
            if cfg.active.as_ref().is_some_and(|a| Arc::ptr_eq(a, &slave)) {
                slave.info(&KERN_INFO, format_args!("is already the current active slave\n"));
                return Ok(());
            }
            if cfg.active.is_none() || slave.link() != Link::Up || !slave.dev.is_running() {
                slave.info(&KERN_ERR, format_args!("Setting {} as active slave failed\n", slave_dev.name()));
                return Err(EINVAL);
            }
            slave.info(&KERN_INFO, format_args!("Setting {} as active slave\n", slave_dev.name()));
            slave.info(&KERN_INFO, format_args!("making interface the new active one\n"));
            cfg.active = Some(slave);
        }
        self.commit(bond_dev, rtnl)?;
        self.announce_active_change(bond_dev, rtnl, false);
        Ok(())
    }

    /// Writes /proc/net/bonding/<bond> in the C driver's layout
    /// (bond_procfs.c: bond_info_seq_show).
    fn show(&self, dev: &Device, out: &mut impl Write) -> fmt::Result {
        let rcu = RcuGuard::lock();
        let set = self.slaves.read(&rcu);
        let Some(p) = set.map(|s| &s.params) else { return Ok(()) };
        writeln!(out, "Ethernet Channel Bonding Driver: v{}\n", modparam::uts_release())?;
        write!(out, "Bonding Mode: {}", p.mode.description())?;
        if p.fail_over_mac() != FailOverMac::None {
            write!(out, " (fail_over_mac {})", value_name(FAIL_OVER_MAC_TBL, p.fail_over_mac.into()))?;
        }
        writeln!(out)?;
        if p.mode.uses_xmit_hash() {
            writeln!(out, "Transmit Hash Policy: {} ({})", value_name(XMIT_HASH_TBL, p.xmit_policy.into()), p.xmit_policy)?;
        }
        if p.mode.uses_primary() {
            match set.and_then(|s| s.primary.as_ref()) {
                Some(s) => write!(
                    out,
                    "Primary Slave: {} (primary_reselect {})",
                    s.dev.name(),
                    value_name(PRIMARY_RESELECT_TBL, p.primary_reselect.into())
                )?,
                None => write!(out, "Primary Slave: None")?,
            }
            match set.and_then(|s| s.active.as_ref()) {
                Some(a) => writeln!(out, "\nCurrently Active Slave: {}", a.dev.name())?,
                None => writeln!(out, "\nCurrently Active Slave: None")?,
            }
        }
        writeln!(out, "MII Status: {}", if dev.carrier_ok() { "up" } else { "down" })?;
        writeln!(out, "MII Polling Interval (ms): {}", p.miimon)?;
        writeln!(out, "Up Delay (ms): {}", p.updelay_ms())?;
        writeln!(out, "Down Delay (ms): {}", p.downdelay_ms())?;
        writeln!(out, "Peer Notification Delay (ms): {}", p.peer_notif_delay_ms())?;
        if p.arp_interval > 0 {
            writeln!(out, "ARP Polling Interval (ms): {}", p.arp_interval)?;
            writeln!(out, "ARP Missed Max: {}", p.missed_max)?;
            write!(out, "ARP IP target/s (n.n.n.n form):")?;
            for (i, ip) in p.arp_targets.as_slice().iter().enumerate() {
                write!(out, "{} {}", if i > 0 { "," } else { "" }, ip)?;
            }
            writeln!(out)?;
            writeln!(out, "NS IPv6 target/s (xx::xx form):")?;
        }
        for s in set.map(|s| &s.all[..]).unwrap_or(&[]) {
            writeln!(out, "\nSlave Interface: {}", s.dev.name())?;
            writeln!(out, "MII Status: {}", s.link().proc_name())?;
            match s.speed.load(Relaxed) {
                u32::MAX => writeln!(out, "Speed: Unknown")?,
                v => writeln!(out, "Speed: {} Mbps", v)?,
            }
            match s.duplex.load(Relaxed) {
                0 => writeln!(out, "Duplex: half")?,
                1 => writeln!(out, "Duplex: full")?,
                _ => writeln!(out, "Duplex: Unknown")?,
            }
            writeln!(out, "Link Failure Count: {}", s.link_failure_count.load(Relaxed))?;
            writeln!(out, "Permanent HW addr: {}", s.perm_hwaddr)?;
            writeln!(out, "Slave queue ID: {}", s.queue_id.load(Relaxed))?;
        }
        Ok(())
    }

    /// The bonding ioctls, whichever number they came by (`bond_do_ioctl()`).
    fn ioctl(&self, bond_dev: &Device, rtnl: &Rtnl, ifr: &IfReq<'_>, cmd: BondIoctl, user: UserPtr) -> Result {
        match cmd {
            BondIoctl::InfoQuery => {
                let mut buf = [0u8; IfBond::SIZE];
                UserSlice::new(user, IfBond::SIZE).reader().read_slice(&mut buf)?;
                let cfg = self.config.borrow(rtnl)?;
                let info = IfBond {
                    bond_mode: self.p(rtnl).mode.number().into(),
                    num_slaves: cfg.slaves.len() as i32,
                    miimon: self.p(rtnl).miimon as i32,
                };
                UserSlice::new(user, IfBond::SIZE).writer().write_slice(&info.to_bytes())
            }
            BondIoctl::SlaveInfoQuery => {
                let mut buf = [0u8; IfSlave::SIZE];
                UserSlice::new(user, IfSlave::SIZE).reader().read_slice(&mut buf)?;
                let mut info = IfSlave::from_bytes(&buf);
                let slave = {
                    let cfg = self.config.borrow(rtnl)?;
                    usize::try_from(info.slave_id).ok().and_then(|i| cfg.slaves.get(i).cloned())
                };
                let slave = slave.ok_or(ENODEV)?;
                info.slave_name = [0; bond_uapi::IFNAMSIZ];
                for (d, &c) in info.slave_name.iter_mut().zip(slave.dev.name().as_bytes()) {
                    *d = c;
                }
                info.link = slave.link() as i8;
                info.state = i8::from(slave.backup.load(Relaxed));
                info.link_failure_count = slave.link_failure_count.load(Relaxed);
                UserSlice::new(user, IfSlave::SIZE).writer().write_slice(&info.to_bytes())
            }
            _ => {
                if !bond_dev.net_admin_capable() {
                    return Err(EPERM);
                }
                let name = ifr.slave_name().ok_or(ENODEV)?;
                let slave_dev = bond_dev.lookup_in_same_ns(name, rtnl).ok_or(ENODEV)?;
                match cmd {
                    BondIoctl::Enslave => self.enslave(bond_dev, rtnl, slave_dev, &mut ExtAck::none()),
                    BondIoctl::Release => self.release(bond_dev, rtnl, slave_dev, Release::One),
                    BondIoctl::SetHwAddr => bond_dev.steal_hw_addr(rtnl, slave_dev.dev_addr()),
                    BondIoctl::ChangeActive => self.change_active(bond_dev, rtnl, slave_dev),
                    _ => Err(eopnotsupp()),
                }
            }
        }
    }

    fn transmit(&self, dev: &Device, skb: SkBuff, rcu: &RcuGuard) -> TxOutcome {
        let Some(set) = self.slaves.read(rcu) else {
            return drop_packet(dev, skb);
        };
        match set.params.mode {
            Mode::ActiveBackup => match &set.active {
                Some(s) if s.can_tx() => {
                    s.dev_xmit(skb);
                }
                _ => return drop_packet(dev, skb),
            },
            Mode::Broadcast => {
                // bond_xmit_broadcast(): up, with carrier, link up.
                let usable =
                    || set.tx.iter().filter(|s| s.dev.is_running() && s.dev.carrier_ok() && s.link() == Link::Up);
                let Some(last) = usable().last() else {
                    return drop_packet(dev, skb);
                };
                for s in usable() {
                    if Arc::ptr_eq(s, last) {
                        break;
                    }
                    match skb.try_clone() {
                        Some(c) => s.dev_xmit(c),
                        None => dev.count_tx_dropped(),
                    }
                }
                last.dev_xmit(skb);
            }
            Mode::Xor => {
                // bond_3ad_xor_xmit(): the hash picks among the usable slaves.
                let n = set.tx.len();
                let hash = bond_policy::xmit_hash(set.params.xmit_policy, skb.linear());
                match set.tx.get(hash as usize % n.max(1)) {
                    Some(s) if s.can_tx() => s.dev_xmit(skb),
                    _ => return drop_packet(dev, skb),
                }
            }
            _ => {
                let n = set.tx.len();
                if n == 0 {
                    return drop_packet(dev, skb);
                }
                // IGMP reports always leave through the current slave, so
                // that multicast routers see one port (bond_xmit_roundrobin).
                if is_igmp(skb.linear()) {
                    match &set.active {
                        Some(s) if s.can_tx() => s.dev_xmit(skb),
                        _ => return drop_packet(dev, skb),
                    }
                    return TxOutcome::Consumed;
                }
                let counter = self.rr_counter.fetch_add(1, Relaxed).wrapping_add(1);
                let random = if set.params.packets_per_slave == 0 { skb::random_u32() } else { 0 };
                let id = bond_policy::rr_slave_id(counter, set.params.packets_per_slave, random);
                let start = id as usize % n;
                // bond_get_slave_by_id(): from that index, the first that can send.
                // No `%` in the loop: its divide-by-zero panic path (dead, n > 0)
                // ends the function in a call objtool does not know as noreturn.
                let wrap = |i: usize| {
                    let j = start.wrapping_add(i);
                    if j >= n {
                        j.wrapping_sub(n)
                    } else {
                        j
                    }
                };
                let pick = (0..n).map(wrap).filter_map(|i| set.tx.get(i)).find(|s| s.can_tx());
                match pick {
                    Some(s) => s.dev_xmit(skb),
                    None => return drop_packet(dev, skb),
                }
            }
        }
        TxOutcome::Consumed
    }
}

impl Slave {
    /// `bond_dev_queue_xmit()`: with interrupts off for netpoll
    /// (netconsole), dev_queue_xmit must not run; the slave's own netpoll
    /// sends instead.
    fn dev_xmit(&self, skb: SkBuff) {
        if self.bond.netpoll_tx_running() {
            self.netpoll.send(skb);
        } else {
            skb.xmit_on(&self.dev);
        }
    }
}

/// An IPv4 IGMP packet (protocol 2) behind an untagged Ethernet header.
fn is_igmp(frame: &[u8]) -> bool {
    frame.get(12..14) == Some(&[0x08, 0x00]) && frame.get(23) == Some(&2)
}

/// `bond_tx_drop()`: the packet is freed and counted.
fn drop_packet(dev: &Device, skb: SkBuff) -> TxOutcome {
    drop(skb);
    dev.count_tx_dropped();
    TxOutcome::Consumed
}

/// Option messages go to the kernel log under the bond's name
/// (`netdev_err` and friends), one line each.
struct DevLog<'a>(&'a Device);

impl Log for DevLog<'_> {
    fn log(&mut self, level: Level, args: fmt::Arguments<'_>) {
        let l = match level {
            Level::Err => &KERN_ERR,
            Level::Warn => &KERN_WARNING,
            Level::Notice | Level::Info => &KERN_INFO,
            Level::Debug => return,
        };
        self.0.log(l, format_args!("{}\n", args));
    }
}

/// Where a refused option change is reported besides the kernel log: the
/// netlink caller's extack, pointing at the attribute.
pub(crate) struct OptReport<'a, 'b> {
    pub(crate) extack: &'a mut ExtAck,
    pub(crate) attr: Option<Attr<'b>>,
}

/// Why setting an option failed: a refusal the option table explains, or
/// an error of the kernel underneath (no memory, a slave that refused).
enum SetErr {
    Opt(OptErr),
    Kernel(Error),
}

impl From<OptErr> for SetErr {
    fn from(e: OptErr) -> Self {
        Self::Opt(e)
    }
}

impl From<Error> for SetErr {
    fn from(e: Error) -> Self {
        Self::Kernel(e)
    }
}

/// The errno of a refusal.
fn opt_errno(e: OptErr) -> Error {
    match e {
        OptErr::Inval => EINVAL,
        OptErr::Acces => EACCES,
        OptErr::NotEmpty => enotempty(),
        OptErr::Busy => EBUSY,
        OptErr::Perm => EPERM,
        OptErr::NoDev => ENODEV,
        OptErr::NotSupp => eopnotsupp(),
    }
}

/// What netlink shows of a bond (`bond_fill_info()`).
pub(crate) struct BondView {
    pub(crate) params: BondParams,
    pub(crate) active_ifindex: Option<i32>,
    pub(crate) primary_ifindex: Option<i32>,
}

/// What netlink shows of a slave (`bond_fill_slave_info()`).
pub(crate) struct SlaveView {
    pub(crate) backup: bool,
    pub(crate) link: u8,
    pub(crate) link_failure_count: u32,
    pub(crate) perm_hwaddr: MacAddr,
    pub(crate) queue_id: u16,
    pub(crate) prio: i32,
}

/// Options (`bond_options.c`): every interface that changes one comes here.
impl Bonding {
    /// `__bond_opt_set()`: checks `id` against the bond's mode and state,
    /// parses `input`, applies it and publishes the result. A refusal is
    /// logged, reported to `report`, and returned with the C driver's
    /// errno; it leaves the bond as it was.
    pub(crate) fn set_option(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        id: OptId,
        input: OptInput<'_>,
        report: &mut OptReport<'_, '_>,
    ) -> Result {
        match self.try_set_option(bond_dev, rtnl, id, input) {
            Ok(()) => Ok(()),
            Err(SetErr::Kernel(e)) => Err(e),
            Err(SetErr::Opt(e)) => {
                let mode = self.p(rtnl).mode;
                let msg = bond_options::explain(spec(id), e, Some(input), mode, &mut DevLog(bond_dev));
                report.extack.set_msg_attr(msg, report.attr);
                Err(opt_errno(e))
            }
        }
    }

    fn try_set_option(&self, bond_dev: &Device, rtnl: &Rtnl, id: OptId, input: OptInput<'_>) -> Result<(), SetErr> {
        let spec = spec(id);
        let p = self.p(rtnl);
        let st = BondState {
            has_slaves: !self.config.borrow(rtnl)?.slaves.is_empty(),
            is_up: bond_dev.flags() & IFF_UP != 0,
        };
        check_deps(spec, p.mode, st)?;
        let text = match input {
            OptInput::Text(t) => t,
            OptInput::Num(_) => &[],
        };
        match id {
            OptId::Primary => return self.set_primary(bond_dev, rtnl, text),
            OptId::ActiveSlave => return self.set_active_slave(bond_dev, rtnl, text),
            OptId::ArpTargets => {
                let mut np = p;
                let log = &mut DevLog(bond_dev);
                match input {
                    OptInput::Num(v) => np.arp_targets.add(Ipv4((v as u32).to_be_bytes()), log)?,
                    OptInput::Text(t) => match bond_options::parse_target_cmd(t, log)? {
                        TargetCmd::Add(ip) => np.arp_targets.add(ip, log)?,
                        TargetCmd::Remove(ip) => np.arp_targets.remove(ip, p.arp_interval, log)?,
                    },
                }
                return self.apply_params(bond_dev, rtnl, np, Effect::None);
            }
            OptId::Slaves => {
                let log = &mut DevLog(bond_dev);
                let cmd = bond_options::parse_slaves_cmd(text, log)?;
                let name = match cmd {
                    SlaveCmd::Add(n) | SlaveCmd::Remove(n) => n,
                };
                let slave_dev = bond_dev.lookup_name_in_same_ns(name, rtnl).ok_or(OptErr::NoDev)?;
                return match cmd {
                    SlaveCmd::Add(_) => Ok(self.enslave(bond_dev, rtnl, slave_dev, &mut ExtAck::none())?),
                    SlaveCmd::Remove(_) => Ok(self.release(bond_dev, rtnl, slave_dev, Release::One)?),
                };
            }
            OptId::QueueId => {
                let (name, qid) = bond_options::parse_queue_id(text)?;
                let slave_dev = bond_dev.lookup_name_in_same_ns(name, rtnl).ok_or(OptErr::Perm)?;
                return self.set_slave_queue_id(bond_dev, rtnl, slave_dev, qid).map_err(|_| OptErr::Perm.into());
            }
            _ if spec.flags & OPT_RAWVAL != 0 => return Err(OptErr::NotSupp.into()),
            _ => {}
        }
        let value = bond_options::parse_value(spec, input).ok_or(OptErr::Inval)?;
        let mut np = p;
        let effect = bond_options::set_value(&mut np, id, value, &mut DevLog(bond_dev))?;
        self.apply_params(bond_dev, rtnl, np, effect)
    }

    /// Publishes new parameters and does what the change implies.
    fn apply_params(&self, bond_dev: &Device, rtnl: &Rtnl, np: BondParams, effect: Effect) -> Result<(), SetErr> {
        let room = self.snapshot_room(rtnl)?;
        self.params.set(rtnl, np);
        let changed = effect == Effect::Reselect && self.select_active_slave(rtnl)?;
        self.publish(bond_dev, rtnl, room, changed)?;
        // After publishing: the monitor reads which one to run from the
        // snapshot.
        if effect == Effect::Monitors && bond_dev.flags() & IFF_UP != 0 {
            bond_dev.stop_monitor::<BondDriver>();
            if np.miimon > 0 || np.arp_interval > 0 {
                bond_dev.start_monitor::<BondDriver>(0);
            }
        }
        Ok(())
    }

    /// Commits into `room`, then announces a new active slave if `changed`.
    fn publish(&self, bond_dev: &Device, rtnl: &Rtnl, room: SnapshotRoom, changed: bool) -> Result {
        let carrier_before = bond_dev.carrier_ok();
        self.commit_in(room, bond_dev, rtnl)?;
        if changed {
            self.announce_active_change(bond_dev, rtnl, carrier_before != bond_dev.carrier_ok());
        }
        Ok(())
    }

    /// `bond_option_arp_ip_targets_clear()`, then the adds of a netlink
    /// IFLA_BOND_ARP_IP_TARGET (`None`: a target shorter than four bytes).
    /// An error stops the adds where they are; the targets added before it
    /// stay, as in the C driver.
    pub(crate) fn replace_arp_targets(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        targets: impl Iterator<Item = Option<u32>>,
        report: &mut OptReport<'_, '_>,
    ) -> Result {
        let mut np = self.p(rtnl);
        np.arp_targets.clear();
        let mut added = 0;
        let mut res = Ok(());
        for t in targets {
            let Some(t) = t else {
                res = Err(EINVAL);
                break;
            };
            if let Err(e) = np.arp_targets.add(Ipv4(t.to_be_bytes()), &mut DevLog(bond_dev)) {
                let msg = bond_options::explain(spec(OptId::ArpTargets), e, None, np.mode, &mut DevLog(bond_dev));
                report.extack.set_msg_attr(msg, report.attr);
                res = Err(opt_errno(e));
                break;
            }
            added += 1;
        }
        if added == 0 && np.arp_interval != 0 {
            bond_dev.log(&KERN_WARNING, format_args!("Removing last arp target with arp_interval on\n"));
        }
        match self.apply_params(bond_dev, rtnl, np, Effect::None) {
            Err(SetErr::Kernel(e)) => Err(e),
            Err(SetErr::Opt(e)) => Err(opt_errno(e)),
            Ok(()) => res,
        }
    }

    /// `bond_option_primary_set()`: the slave named `text` becomes the
    /// primary one, now or when it is enslaved; empty text clears it.
    fn set_primary(&self, bond_dev: &Device, rtnl: &Rtnl, text: &[u8]) -> Result<(), SetErr> {
        let name = IfName::new(bond_options::first_line(text));
        let room = self.snapshot_room(rtnl)?;
        let mut np = self.p(rtnl);
        np.primary = name;
        let reselect = {
            let mut cfg = self.config.borrow_mut(rtnl)?;
            let found = match name.is_empty() {
                true => None,
                false => cfg.slaves.iter().find(|s| s.dev.name().as_bytes() == name.as_bytes()).cloned(),
            };
            let reselect = name.is_empty() || found.is_some() || cfg.primary.is_some();
            cfg.force_primary = found.is_some();
            cfg.primary = found;
            reselect
        };
        self.params.set(rtnl, np);
        let changed = reselect && self.select_active_slave(rtnl)?;
        self.publish(bond_dev, rtnl, room, changed)?;
        Ok(())
    }

    /// `bond_option_active_slave_set()`: the slave named by the first word
    /// of `text` becomes the active one, if its link is up; no name clears
    /// the choice and picks the best slave again.
    fn set_active_slave(&self, bond_dev: &Device, rtnl: &Rtnl, text: &[u8]) -> Result<(), SetErr> {
        let word = text.split(|b| b.is_ascii_whitespace()).find(|w| !w.is_empty()).unwrap_or(&[]);
        let room = self.snapshot_room(rtnl)?;
        if word.is_empty() || text.first() == Some(&b'\n') {
            self.config.borrow_mut(rtnl)?.active = None;
            let changed = self.select_active_slave(rtnl)?;
            self.publish(bond_dev, rtnl, room, changed)?;
            return Ok(());
        }
        let name = IfName::new(word);
        let slave_dev = bond_dev.lookup_name_in_same_ns(name.as_bytes(), rtnl).ok_or(OptErr::NoDev)?;
        let Some(slave) = self.slave_of(bond_dev, slave_dev, rtnl) else {
            let what = if slave_dev.rx_handler_data::<BondRx>(rtnl).is_some() {
                "Device is not our slave"
            } else {
                "Device is not bonding slave"
            };
            bond_dev.log(&KERN_ERR, format_args!("(slave {}): {}\n", slave_dev.name(), what));
            return Err(OptErr::Inval.into());
        };
        {
            let mut cfg = self.config.borrow_mut(rtnl)?;
            if cfg.active.as_ref().is_some_and(|a| Arc::ptr_eq(a, &slave)) {
                return Ok(());
            }
            let usable = slave.link() == Link::Up && slave.dev.is_running() && slave.dev.carrier_ok();
            if cfg.active.is_none() || !usable {
                slave.info(
                    &KERN_ERR,
                    format_args!("Could not set as active slave; either {} is down or the link is down\n", slave_dev.name()),
                );
                return Err(OptErr::Inval.into());
            }
            slave.info(&KERN_INFO, format_args!("making interface the new active one\n"));
            cfg.active = Some(slave);
        }
        self.publish(bond_dev, rtnl, room, true)?;
        Ok(())
    }

    /// `bond_option_prio_set()` for `slave_dev`.
    pub(crate) fn set_slave_prio(&self, bond_dev: &Device, rtnl: &Rtnl, slave_dev: &Device, prio: i32) -> Result {
        let spec = spec(OptId::Prio);
        let mode = self.p(rtnl).mode;
        let st = BondState { has_slaves: true, is_up: bond_dev.flags() & IFF_UP != 0 };
        if let Err(e) = check_deps(spec, mode, st) {
            bond_options::explain(spec, e, None, mode, &mut DevLog(bond_dev));
            return Err(opt_errno(e));
        }
        let slave = self.slave_of(bond_dev, slave_dev, rtnl).ok_or(ENODEV)?;
        let room = self.snapshot_room(rtnl)?;
        slave.prio.store(prio, Relaxed);
        if self.config.borrow(rtnl)?.primary.is_some() {
            slave.info(
                &KERN_WARNING,
                format_args!("prio updated, but will not affect failover re-selection as primary slave have been set\n"),
            );
            return Ok(());
        }
        let changed = self.select_active_slave(rtnl)?;
        self.publish(bond_dev, rtnl, room, changed)
    }

    /// `bond_option_queue_id_set()` for `slave_dev`: EPERM for a queue the
    /// bond does not have or that another slave uses.
    pub(crate) fn set_slave_queue_id(&self, bond_dev: &Device, rtnl: &Rtnl, slave_dev: &Device, qid: u16) -> Result {
        if u32::from(qid) > bond_dev.real_num_tx_queues() {
            return Err(EPERM);
        }
        let cfg = self.config.borrow(rtnl)?;
        let mut target = None;
        for s in cfg.slaves.iter() {
            if s.dev.is(slave_dev) {
                target = Some(s);
            } else if qid != 0 && s.queue_id.load(Relaxed) == qid {
                return Err(EPERM);
            }
        }
        target.ok_or(EPERM)?.queue_id.store(qid, Relaxed);
        Ok(())
    }

    /// The bond as netlink shows it.
    pub(crate) fn view(&self, rtnl: &Rtnl) -> Result<BondView> {
        let cfg = self.config.borrow(rtnl)?;
        let p = self.p(rtnl);
        let active = cfg.active.as_ref().filter(|_| p.mode.uses_primary()).map(|s| s.dev.ifindex());
        Ok(BondView { params: p, active_ifindex: active, primary_ifindex: cfg.primary.as_ref().map(|s| s.dev.ifindex()) })
    }

    /// A slave of this bond as netlink shows it.
    pub(crate) fn slave_view(&self, bond_dev: &Device, rtnl: &Rtnl, slave_dev: &Device) -> Option<SlaveView> {
        self.slave_of(bond_dev, slave_dev, rtnl).map(|s| s.view())
    }

    /// Runs `f` on what the packet paths see now (sysfs shows read it
    /// without RTNL, as the C driver's do under RCU).
    pub(crate) fn with_snapshot<R>(&self, f: impl FnOnce(Option<Snap<'_>>) -> R) -> R {
        let rcu = RcuGuard::lock();
        f(self.slaves.read(&rcu).map(|set| Snap { set }))
    }
}

impl Slave {
    fn view(&self) -> SlaveView {
        SlaveView {
            backup: self.backup.load(Relaxed),
            link: self.link() as u8,
            link_failure_count: self.link_failure_count.load(Relaxed),
            perm_hwaddr: self.perm_hwaddr,
            queue_id: self.queue_id.load(Relaxed),
            prio: self.prio.load(Relaxed),
        }
    }
}

/// A slave as its `bonding_slave/` files show it, if `slave_dev` is a
/// slave of a bond of this driver.
pub(crate) fn slave_view_rcu(slave_dev: &Device) -> Option<SlaveView> {
    let rcu = RcuGuard::lock();
    slave_dev.rx_handler_data_rcu::<BondRx>(&rcu).map(|s| s.view())
}

/// The published snapshot, for sysfs.
pub(crate) struct Snap<'a> {
    set: &'a SlaveSet,
}

impl Snap<'_> {
    /// The options in force.
    pub(crate) fn params(&self) -> &BondParams {
        &self.set.params
    }

    /// The active slave (modes with one).
    pub(crate) fn active(&self) -> Option<&Device> {
        self.set.active.as_ref().filter(|_| self.set.params.mode.uses_primary()).map(|s| &*s.dev)
    }

    /// The primary slave.
    pub(crate) fn primary(&self) -> Option<&Device> {
        self.set.primary.as_ref().map(|s| &*s.dev)
    }

    /// The slaves in enslave order, with their queue IDs.
    pub(crate) fn slaves(&self) -> impl Iterator<Item = (&Device, u16)> {
        self.set.all.iter().map(|s| (&*s.dev, s.queue_id.load(Relaxed)))
    }
}


/// Undo log of a half-done enslave, run in reverse on failure so that the
/// slave ends exactly as it was.
#[derive(Default)]
struct Undo {
    /// The bond's random MAC before it took the slave's.
    bond_addr: Option<MacAddr>,
    mtu: Option<u32>,
    mac: Option<MacAddr>,
    no_addrconf: bool,
    opened: bool,
    vlans: bool,
    /// The slave whose netpoll was set up.
    netpoll: Option<Arc<Slave>>,
    /// The bond's flags when the slave got its receive filters.
    rx_filters: Option<u32>,
    rx_handler: bool,
    linked: bool,
    sysfs: bool,
    listed: bool,
}

impl Undo {
    fn run(&self, bond: &Bonding, bond_dev: &Device, rtnl: &Rtnl, slave_dev: &Device, room: SnapshotRoom) {
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

/// The rx_handler on every slave (`bond_handle_frame()`).
pub(crate) struct BondRx;

impl RxHandler for BondRx {
    type Data = Slave;

    fn handle(slave: &Slave, skb: &mut RxSkb<'_>, rcu: &RcuGuard) -> RxResult {
        if !skb.unshare() {
            return RxResult::Consumed;
        }
        // bond_rcv_validate() with arp_validate=none: any frame, on any
        // slave, active or not, shows the link is alive.
        if slave.arp_monitored.load(Relaxed) {
            slave.last_rx.store(skb::jiffies(), Relaxed);
        }
        // Frames on inactive slaves reach only sockets bound to the slave,
        // so nothing arrives twice; link-local control frames (LLDP, ...)
        // still pass (bond_should_deliver_exact_match()).
        if slave.inactive.load(Relaxed) {
            let d = skb.eth_dest().0;
            if d[..5] == [0x01, 0x80, 0xc2, 0x00, 0x00] && d[5] & 0xf0 == 0 {
                return RxResult::Pass;
            }
            return RxResult::Exact;
        }
        if !skb.set_dev_to_master(rcu) {
            return RxResult::Pass;
        }
        RxResult::Another
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
    const MASTER: bool = true;

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
        let p = bond.p(rtnl);
        if p.miimon > 0 || p.arp_interval > 0 {
            dev.start_monitor::<BondDriver>(0);
        }
        Ok(())
    }

    /// `bond_close()`: no monitor runs on a bond that is down.
    fn stop(dev: &Device, bond: &Bonding, rtnl: &Rtnl) -> Result {
        dev.stop_monitor::<BondDriver>();
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
        let Some(set) = bond.slaves.read(rcu) else { return };
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
        let Some(set) = bond.slaves.read(rcu) else { return };
        for s in set.all.iter() {
            if s.dev.is_running() && s.dev.carrier_ok() {
                s.dev.netpoll_poll();
            }
        }
    }

    /// `bond_vlan_rx_add_vid()`: every slave, or none.
    fn vlan_rx_add_vid(_dev: &Device, bond: &Bonding, rtnl: &Rtnl, proto: VlanProto, vid: u16) -> Result {
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
    fn vlan_rx_kill_vid(_dev: &Device, bond: &Bonding, rtnl: &Rtnl, proto: VlanProto, vid: u16) -> Result {
        bond.each_slave(rtnl, |s| s.dev.vlan_vid_del(rtnl, proto, vid));
        Ok(())
    }

    /// miimon wins over arp_interval (the parameter checks zero the latter).
    fn monitor(dev: &Device, bond: &Bonding) -> Rearm {
        let p = {
            let rcu = RcuGuard::lock();
            match bond.slaves.read(&rcu) {
                Some(set) => (set.params.miimon, set.params.arp_interval),
                None => return Rearm::Stop,
            }
        };
        if p.0 > 0 {
            bond.mii_monitor(dev)
        } else if p.1 > 0 {
            bond.arp_monitor(dev)
        } else {
            Rearm::Stop
        }
    }

    /// `bond_init()` and the NETDEV_REGISTER part of `bond_netdev_event()`:
    /// the bond's /proc/net/bonding file, and no carrier until a slave is
    /// usable.
    fn init(dev: &Device, _bond: &Bonding, rtnl: &Rtnl) -> Result {
        dev.carrier_off();
        match &BOND_NET.get(dev.net()).proc_dir {
            Some(dir) => {
                if dev.proc_create::<BondDriver>(dir, rtnl).is_err() {
                    dev.log(&KERN_ERR, format_args!("Cannot create /proc/net/bonding/{}\n", dev.name()));
                }
            }
            None => {}
        }
        Ok(())
    }

    fn uninit(dev: &Device, bond: &Bonding, rtnl: &Rtnl) {
        // bond_uninit(): a bond being unregistered lets go of its slaves.
        Self::netpoll_cleanup(dev, bond, rtnl);
        bond.release_all(dev, rtnl);
    }

    fn start_xmit(dev: &Device, bond: &Bonding, skb: SkBuff, rcu: &RcuGuard) -> TxOutcome {
        bond.transmit(dev, skb, rcu)
    }

    fn get_drvinfo(_dev: &Device, _bond: &Bonding, info: &mut DrvInfo<'_>) {
        info.set_driver(b"bonding");
        info.set_fw_version(b"2");
    }

    fn siocbond(dev: &Device, bond: &Bonding, rtnl: &Rtnl, ifr: &mut IfReq<'_>, cmd: u32) -> Result {
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
    fn eth_ioctl(dev: &Device, _bond: &Bonding, _rtnl: &Rtnl, ifr: &mut IfReq<'_>, cmd: u32) -> Result {
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

    fn add_slave(dev: &Device, bond: &Bonding, rtnl: &Rtnl, slave: &Device, extack: &mut ExtAck) -> Result {
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
        if bond.p(rtnl).fail_over_mac() != FailOverMac::None {
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

    fn get_stats64(dev: &Device, bond: &Bonding, stats: &mut LinkStats64) {
        *stats = bond.fold_stats(dev);
    }

    fn proc_show(dev: &Device, bond: &Bonding, out: &mut SeqFile) -> fmt::Result {
        bond.show(dev, out)
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
                dev.log(&KERN_ERR, format_args!("Cannot rename its /proc/net/bonding file: {}\n", e.to_errno()));
            }
            return;
        }
        let Some(slave) = dev.rx_handler_data::<BondRx>(rtnl) else { return };
        let bond_dev: &Device = &slave.bond;
        let Some(bond) = bond_dev.driver_data::<BondDriver>() else { return };
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
                }
                // The hash modes' usable-slave array follows the slaves'
                // state even with no link monitor (bond_slave_netdev_event()).
                if bond.p(rtnl).mode.uses_xmit_hash() {
                    let _ = bond.commit(bond_dev, rtnl);
                }
            }
            _ => {}
        }
    }
}

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
        Ok(Self { _masters: masters, proc_dir })
    }
}

/// Creates a bond named `name` ("bond%d": the next free `bondN`) in `net`
/// with `params` (`bond_create()`), as `ip link add type bond` would.
pub(crate) fn create_bond(net: &Net, name: &CStr, params: &BondParams, rtnl: &Rtnl) -> Result {
    BOND_LINK_OPS.create(net, name, params.tx_queues.into(), Bonding::new(params)?, rtnl)?;
    Ok(())
}
