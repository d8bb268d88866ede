// SPDX-License-Identifier: GPL-2.0

//! Options applied to a live bond (`bond_options.c`'s kernel side): every
//! interface (netlink, sysfs, ioctl) comes through `Bonding::set_option`,
//! which checks against the pure option table, applies, and publishes.

#![forbid(unsafe_code)]

use super::{
    lacp, modes::Hooks, slave::Slave, xmit::BondRx, BondDriver, Bonding, Release, SlaveSet,
};
use crate::{
    bond_monitor, bond_options,
    bond_options::{
        check_deps, spec, BondState, Effect, OptId, OptInput, SlaveCmd, TargetCmd, OPT_RAWVAL,
    },
    bond_params::{
        ArpTargets, BondParams, IfName, Ipv4, Ipv6, Level, Log, Mode, NsTargets, OptErr,
        TargetAddr, Targets,
    },
    bond_policy::Link,
    net::{
        device::{flags::IFF_UP, Device, MacAddr, KERN_ERR, KERN_INFO, KERN_WARNING},
        error::enotempty,
        rcu::RcuGuard,
        rtnl::Rtnl,
        rtnl_link::{Attr, ExtAck},
        skb,
    },
};
use core::ffi::CStr;
use core::{fmt, sync::atomic::Ordering::Relaxed};
use kernel::prelude::*;
use kernel::sync::Arc;

/// Option messages go to the kernel log under the bond's name
/// (`netdev_err` and friends), one line each.
pub(super) struct DevLog<'a>(&'a Device);

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
pub(super) enum SetErr {
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
pub(super) fn opt_errno(e: OptErr) -> Error {
    match e {
        OptErr::Inval => EINVAL,
        OptErr::Acces => EACCES,
        OptErr::NotEmpty => enotempty(),
        OptErr::Busy => EBUSY,
        OptErr::Perm => EPERM,
        OptErr::NoDev => ENODEV,
    }
}

/// What netlink shows of a bond (`bond_fill_info()`).
pub(crate) struct BondView {
    pub(crate) params: BondParams,
    pub(crate) active_ifindex: Option<i32>,
    pub(crate) primary_ifindex: Option<i32>,
    /// 802.3ad: the active aggregator.
    pub(crate) ad_info: Option<crate::bond_3ad::AdInfo>,
}

/// What netlink shows of a slave (`bond_fill_slave_info()`).
pub(crate) struct SlaveView {
    pub(crate) backup: bool,
    pub(crate) link: u8,
    pub(crate) link_failure_count: u32,
    pub(crate) perm_hwaddr: MacAddr,
    pub(crate) queue_id: u16,
    pub(crate) prio: i32,
    /// 802.3ad: its port.
    pub(crate) ad: Option<lacp::AdPortView>,
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
                let mode = self.options(rtnl).mode;
                let msg =
                    bond_options::explain(spec(id), e, Some(input), mode, &mut DevLog(bond_dev));
                report.extack.set_msg_attr(msg, report.attr);
                Err(opt_errno(e))
            }
        }
    }

    /// What an option's dependencies are checked against.
    fn state(&self, bond_dev: &Device, rtnl: &Rtnl) -> Result<BondState> {
        Ok(BondState {
            has_slaves: !self.config.borrow(rtnl)?.slaves.is_empty(),
            is_up: bond_dev.flags() & IFF_UP != 0,
        })
    }

    pub(super) fn try_set_option(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        id: OptId,
        input: OptInput<'_>,
    ) -> Result<(), SetErr> {
        let spec = spec(id);
        let p = self.options(rtnl);
        check_deps(spec, p.mode, self.state(bond_dev, rtnl)?)?;
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
                self.retime_targets(rtnl, p.arp_targets.as_slice(), np.arp_targets.as_slice());
                return self.apply_params(bond_dev, rtnl, np, Effect::None);
            }
            OptId::Slaves => {
                let log = &mut DevLog(bond_dev);
                let cmd = bond_options::parse_slaves_cmd(text, log)?;
                let name = match cmd {
                    SlaveCmd::Add(n) | SlaveCmd::Remove(n) => n,
                };
                let slave_dev = bond_dev
                    .lookup_name_in_same_ns(name, rtnl)
                    .ok_or(OptErr::NoDev)?;
                return match cmd {
                    SlaveCmd::Add(_) => {
                        Ok(self.enslave(bond_dev, rtnl, slave_dev, &mut ExtAck::none())?)
                    }
                    SlaveCmd::Remove(_) => {
                        Ok(self.release(bond_dev, rtnl, slave_dev, Release::One)?)
                    }
                };
            }
            OptId::QueueId => {
                let (name, qid) = bond_options::parse_queue_id(text)?;
                let slave_dev = bond_dev
                    .lookup_name_in_same_ns(name, rtnl)
                    .ok_or(OptErr::Perm)?;
                return self
                    .set_slave_queue_id(bond_dev, rtnl, slave_dev, qid)
                    .map_err(|_| OptErr::Perm.into());
            }
            OptId::AdActorSystem => {
                // Netlink hands over the attribute's bytes as the C driver
                // does (nla_get_u64: in memory order), sysfs text.
                let bytes = match input {
                    OptInput::Num(v) => v.to_le_bytes(),
                    OptInput::Text(_) => [0; 8],
                };
                let mac = match input {
                    OptInput::Num(_) => bond_options::ActorSystemInput::Bytes(&bytes),
                    OptInput::Text(t) => bond_options::ActorSystemInput::Text(t),
                };
                let mut np = p;
                np.ad_actor_system = bond_options::parse_actor_system(mac, &mut DevLog(bond_dev))?;
                return self.apply_params(bond_dev, rtnl, np, Effect::Lacp);
            }
            // ns_ip6_target comes only as a netlink list
            // ([`Bonding::replace_ns_targets`]).
            _ if spec.flags & OPT_RAWVAL != 0 => return Err(OptErr::Inval.into()),
            _ => {}
        }
        let value = bond_options::parse_value(spec, input).ok_or(OptErr::Inval)?;
        let mut np = p;
        let effect = bond_options::set_value(&mut np, id, value, &mut DevLog(bond_dev))?;
        self.apply_params(bond_dev, rtnl, np, effect)
    }

    /// Publishes new parameters and does what the change implies.
    pub(super) fn apply_params(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        np: BondParams,
        effect: Effect,
    ) -> Result<(), SetErr> {
        let room = self.snapshot_room(rtnl)?;
        self.params.set(rtnl, np);
        Hooks(np.mode).options_changed(self, bond_dev, &np);
        let changed = effect == Effect::Reselect && self.select_active_slave(rtnl)?;
        self.publish(bond_dev, rtnl, Some(room), changed)?;
        // After publishing: the monitor reads which one to run from the
        // snapshot.
        if effect == Effect::Monitors && bond_dev.flags() & IFF_UP != 0 {
            self.stop_monitors(bond_dev);
            self.start_monitors(bond_dev, rtnl);
        }
        Ok(())
    }

    /// `bond_option_arp_ip_targets_clear()`, then the adds of a netlink
    /// IFLA_BOND_ARP_IP_TARGET (`None`: a target shorter than four bytes),
    /// all or nothing: a bad entry refuses the whole list with the C
    /// driver's errno and leaves the targets as they were (the C driver
    /// keeps the ones it added before it).
    pub(crate) fn replace_arp_targets(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        targets: impl Iterator<Item = Option<Ipv4>>,
        report: &mut OptReport<'_, '_>,
    ) -> Result {
        let list: fn(&mut BondParams) -> &mut ArpTargets = |p| &mut p.arp_targets;
        self.replace_targets(
            bond_dev,
            rtnl,
            OptId::ArpTargets,
            list,
            targets,
            None,
            report,
        )
    }

    /// `bond_option_ns_ip6_targets_clear()` and the adds of a netlink
    /// IFLA_BOND_NS_IP6_TARGET, as [`Bonding::replace_arp_targets`] (`None`:
    /// an address shorter than 16 bytes).
    pub(crate) fn replace_ns_targets(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        targets: impl Iterator<Item = Option<Ipv6>>,
        report: &mut OptReport<'_, '_>,
    ) -> Result {
        let list: fn(&mut BondParams) -> &mut NsTargets = |p| &mut p.ns_targets;
        let short = Some(c"Invalid IPv6 address");
        self.replace_targets(
            bond_dev,
            rtnl,
            OptId::NsTargets,
            list,
            targets,
            short,
            report,
        )
    }

    /// A target list replaced whole; `short` is the extack message of an
    /// entry too short to be an address.
    #[allow(clippy::too_many_arguments)]
    fn replace_targets<A: TargetAddr>(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        id: OptId,
        list: fn(&mut BondParams) -> &mut Targets<A>,
        targets: impl Iterator<Item = Option<A>>,
        short: Option<&'static CStr>,
        report: &mut OptReport<'_, '_>,
    ) -> Result {
        let mut np = self.options(rtnl);
        let mut refused = check_deps(spec(id), np.mode, self.state(bond_dev, rtnl)?).err();
        list(&mut np).clear();
        let mut res = Ok(());
        let mut shown = None;
        for t in targets {
            if refused.is_some() {
                break;
            }
            let Some(t) = t else {
                report.extack.set_msg_attr(short, None);
                res = Err(EINVAL);
                break;
            };
            refused = list(&mut np).add(t, &mut DevLog(bond_dev)).err();
            shown = Some(OptInput::Num(t.opt_value()));
        }
        if let Some(e) = refused {
            let msg = bond_options::explain(spec(id), e, shown, np.mode, &mut DevLog(bond_dev));
            report.extack.set_msg_attr(msg, report.attr);
            res = Err(opt_errno(e));
        }
        // The C driver clears the list first and keeps what it added
        // before a bad entry; a refused request leaves this bond's targets
        // as they were.
        res?;
        if list(&mut np).as_slice().is_empty() && np.arp_interval != 0 {
            bond_dev.log(
                &KERN_WARNING,
                format_args!(
                    "Removing last {} target with arp_interval on\n",
                    A::LOG_NAME
                ),
            );
        }
        // Cleared, then added: every target starts now.
        self.retime_targets::<A>(rtnl, &[], list(&mut np).as_slice());
        match self.apply_params(bond_dev, rtnl, np, Effect::None) {
            Err(SetErr::Kernel(e)) => Err(e),
            Err(SetErr::Opt(e)) => Err(opt_errno(e)),
            Ok(()) => Ok(()),
        }
    }

    /// The slaves' per-target stamps (shared by the ARP and NS targets, as
    /// the C driver's `target_last_arp_rx`) follow a change of a target
    /// list from `old` to `new`.
    fn retime_targets<A: TargetAddr>(&self, rtnl: &Rtnl, old: &[A], new: &[A]) {
        let Ok(cfg) = self.config.borrow(rtnl) else {
            return;
        };
        let now = skb::jiffies();
        for s in cfg.slaves.iter() {
            let stamps = s.target_last_rx.each_ref().map(|t| t.load(Relaxed));
            let retimed = bond_monitor::retime_targets(old, new, &stamps, now);
            for (t, v) in s.target_last_rx.iter().zip(retimed) {
                t.store(v, Relaxed);
            }
        }
    }

    /// `bond_option_primary_set()`: the slave named `text` becomes the
    /// primary one, now or when it is enslaved; empty text clears it.
    pub(super) fn set_primary(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        text: &[u8],
    ) -> Result<(), SetErr> {
        let name = IfName::new(bond_options::first_line(text));
        let room = self.snapshot_room(rtnl)?;
        let mut np = self.options(rtnl);
        np.primary = name;
        let reselect = {
            let mut cfg = self.config.borrow_mut(rtnl)?;
            let found = match name.is_empty() {
                true => None,
                false => cfg
                    .slaves
                    .iter()
                    .find(|s| s.dev.name().as_bytes() == name.as_bytes())
                    .cloned(),
            };
            let reselect = name.is_empty() || found.is_some() || cfg.primary.is_some();
            cfg.force_primary = found.is_some();
            cfg.primary = found;
            reselect
        };
        self.params.set(rtnl, np);
        let changed = reselect && self.select_active_slave(rtnl)?;
        self.publish(bond_dev, rtnl, Some(room), changed)?;
        Ok(())
    }

    /// `bond_option_active_slave_set()`: the slave named by the first word
    /// of `text` becomes the active one, if its link is up; no name clears
    /// the choice and picks the best slave again.
    pub(super) fn set_active_slave(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        text: &[u8],
    ) -> Result<(), SetErr> {
        let word = text
            .split(|b| b.is_ascii_whitespace())
            .find(|w| !w.is_empty())
            .unwrap_or(&[]);
        let room = self.snapshot_room(rtnl)?;
        if word.is_empty() || text.first() == Some(&b'\n') {
            self.config.borrow_mut(rtnl)?.active = None;
            let changed = self.select_active_slave(rtnl)?;
            self.publish(bond_dev, rtnl, Some(room), changed)?;
            return Ok(());
        }
        let name = IfName::new(word);
        let slave_dev = bond_dev
            .lookup_name_in_same_ns(name.as_bytes(), rtnl)
            .ok_or(OptErr::NoDev)?;
        let Some(slave) = self.slave_of(bond_dev, slave_dev, rtnl) else {
            let what = if slave_dev.rx_handler_data::<BondRx>(rtnl).is_some() {
                "Device is not our slave"
            } else {
                "Device is not bonding slave"
            };
            bond_dev.log(
                &KERN_ERR,
                format_args!("(slave {}): {}\n", slave_dev.name(), what),
            );
            return Err(OptErr::Inval.into());
        };
        {
            let mut cfg = self.config.borrow_mut(rtnl)?;
            if cfg.active.as_ref().is_some_and(|a| Arc::ptr_eq(a, &slave)) {
                return Ok(());
            }
            let usable =
                slave.link() == Link::Up && slave.dev.is_running() && slave.dev.carrier_ok();
            if cfg.active.is_none() || !usable {
                slave.info(
                    &KERN_ERR,
                    format_args!(
                        "Could not set as active slave; either {} is down or the link is down\n",
                        slave_dev.name()
                    ),
                );
                return Err(OptErr::Inval.into());
            }
            slave.info(
                &KERN_INFO,
                format_args!("making interface the new active one\n"),
            );
            slave.made_active();
            cfg.active = Some(slave);
        }
        self.publish(bond_dev, rtnl, Some(room), true)?;
        Ok(())
    }

    /// `__bond_opt_set()`'s checks for a slave's option (`prio`,
    /// `actor_port_prio`): refused with the C driver's log line and errno.
    pub(super) fn check_slave_option(&self, bond_dev: &Device, rtnl: &Rtnl, id: OptId) -> Result {
        let spec = spec(id);
        let mode = self.options(rtnl).mode;
        let st = BondState {
            has_slaves: true,
            is_up: bond_dev.flags() & IFF_UP != 0,
        };
        if let Err(e) = check_deps(spec, mode, st) {
            bond_options::explain(spec, e, None, mode, &mut DevLog(bond_dev));
            return Err(opt_errno(e));
        }
        Ok(())
    }

    /// `bond_option_prio_set()` for `slave_dev`.
    pub(crate) fn set_slave_prio(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        slave_dev: &Device,
        prio: i32,
    ) -> Result {
        self.check_slave_option(bond_dev, rtnl, OptId::Prio)?;
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
        self.publish(bond_dev, rtnl, Some(room), changed)
    }

    /// `bond_option_queue_id_set()` for `slave_dev`: EPERM for a queue the
    /// bond does not have or that another slave uses.
    pub(crate) fn set_slave_queue_id(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        slave_dev: &Device,
        qid: u16,
    ) -> Result {
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
        let p = self.options(rtnl);
        let active = cfg
            .active
            .as_ref()
            .filter(|_| p.mode.uses_primary())
            .map(|s| s.dev.ifindex());
        Ok(BondView {
            params: p,
            active_ifindex: active,
            primary_ifindex: cfg.primary.as_ref().map(|s| s.dev.ifindex()),
            ad_info: if p.mode == Mode::Ieee8023ad {
                self.ad_info()
            } else {
                None
            },
        })
    }

    /// A slave of this bond as netlink shows it.
    pub(crate) fn slave_view(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        slave_dev: &Device,
    ) -> Option<SlaveView> {
        let s = self.slave_of(bond_dev, slave_dev, rtnl)?;
        let mut v = s.view();
        if self.options(rtnl).mode == Mode::Ieee8023ad {
            v.ad = self.ad_port_view(&s);
        }
        Some(v)
    }

    /// Runs `f` on what the packet paths see now (sysfs shows read it
    /// without RTNL, as the C driver's do under RCU).
    pub(crate) fn with_snapshot<R>(&self, f: impl FnOnce(Option<Snap<'_>>) -> R) -> R {
        let rcu = RcuGuard::lock();
        f(self.slaves.read(&rcu).map(|set| Snap { set }))
    }
}

impl Slave {
    pub(super) fn view(&self) -> SlaveView {
        SlaveView {
            backup: self.backup.load(Relaxed),
            link: self.link() as u8,
            link_failure_count: self.link_failure_count.load(Relaxed),
            perm_hwaddr: self.perm_hwaddr,
            queue_id: self.queue_id.load(Relaxed),
            prio: self.prio.load(Relaxed),
            ad: None,
        }
    }
}

/// A slave as its `bonding_slave/` files show it, if `slave_dev` is a
/// slave of a bond of this driver.
pub(crate) fn slave_view_rcu(slave_dev: &Device) -> Option<SlaveView> {
    let rcu = RcuGuard::lock();
    let s = slave_dev.rx_handler_data_rcu::<BondRx>(&rcu)?;
    let mut v = s.view();
    // A port number only in 802.3ad.
    if s.ad_port.load(Relaxed) != 0 {
        v.ad = s
            .bond
            .driver_data::<BondDriver>()
            .and_then(|b| b.ad_port_view(s));
    }
    Some(v)
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
        self.set
            .active
            .as_ref()
            .filter(|_| self.set.params.mode.uses_primary())
            .map(|s| &*s.dev)
    }

    /// The primary slave.
    pub(crate) fn primary(&self) -> Option<&Device> {
        self.set.primary.as_ref().map(|s| &*s.dev)
    }

    /// The slaves in enslave order, with their queue IDs.
    pub(crate) fn slaves(&self) -> impl Iterator<Item = (&Device, u16)> {
        self.set
            .all
            .iter()
            .map(|s| (&*s.dev, s.queue_id.load(Relaxed)))
    }
}
