// SPDX-License-Identifier: GPL-2.0

//! The modes' hooks: what a bonding mode adds to the core's handling of a
//! bond, at the points where the C driver branches on `BOND_MODE()`.
//!
//! The core (`bonding.rs`, `bond_slave.rs`, `bond_linkmon.rs`,
//! `bond_setopt.rs`, `bond_xmit.rs`) calls [`Hooks`], the one place that
//! knows which mode implements what; each mode implements [`ModeHooks`],
//! whose every hook has a default that adds nothing (modes 0 to 3 take
//! them all). 802.3ad is one implementation (`bond_lacp.rs`), balance-tlb
//! and balance-alb share the other (`bond_alb_mode.rs`). Dispatch is a `match` on the mode: static calls the
//! compiler can inline, no indirect call on the packet path.
//!
//! | hook | the C driver's per-mode branch it replaces |
//! |---|---|
//! | `open` | `bond_open()`: `bond_3ad_initiate_agg_selection()`, `ad_work` queued |
//! | `stop` | `bond_close()`: `ad_work` cancelled |
//! | `bind` | `bond_enslave()`: `bond_3ad_bind_slave()` |
//! | `unbind` | `__bond_release_one()`: `bond_3ad_unbind_slave()` |
//! | `link_changed` | `bond_miimon_commit()`: `bond_3ad_handle_link_change()` |
//! | `speed_changed` | `bond_slave_netdev_event()`: `bond_3ad_adapter_speed_duplex_changed()` |
//! | `options_changed` | `bond_option_lacp_rate_set()` and the other 802.3ad setters' `bond_3ad_update_*()` |
//! | `slave_role` | `bond_update_slave_arr()`'s 802.3ad branch (`bond_3ad_get_active_agg_info()`) and the machines' `__enable_port()`/`__disable_port()` |
//! | `carrier` | `bond_set_carrier()`: `bond_3ad_set_carrier()` |
//! | `rx_filters` | `bond_enslave()`/`bond_open()`: `dev_mc_add(slave, lacpdu_mcast_addr)` |
//! | `receive` | `bond_handle_frame()`: `recv_probe` (`bond_3ad_lacpdu_recv()`) |
//! | `work` | the mode's own delayed work (`ad_work`: `bond_3ad_state_machine_handler()`) |

#![forbid(unsafe_code)]

use super::{alb_mode::AlbMode, lacp::Lacp8023ad, slave::Slave, Bonding};
use crate::{
    bond_params::{BondParams, Mode},
    net::{
        device::{Device, Rearm, WorkId},
        rcu::RcuGuard,
        rtnl::Rtnl,
        rx::{RxResult, RxSkb},
    },
};
use kernel::{prelude::*, sync::Arc};

/// A slave's role as a mode decides it (instead of the core's active or
/// backup): whether it receives for the bond, and whether it transmits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SlaveRole {
    /// It is an active slave, not a backup.
    pub(crate) active: bool,
    /// It collects: frames received on it go up on the bond.
    pub(crate) collects: bool,
    /// It distributes: the transmit hash may choose it.
    pub(crate) transmits: bool,
}

/// What a mode adds to the core. Every hook defaults to adding nothing.
pub(crate) trait ModeHooks {
    /// The bond goes up, after the link monitor started; an error keeps
    /// it down.
    fn open(_bond: &Bonding, _dev: &Device, _rtnl: &Rtnl) -> Result {
        Ok(())
    }

    /// The bond goes down, after the link monitor stopped.
    fn stop(_bond: &Bonding, _dev: &Device, _rtnl: &Rtnl) {}

    /// A slave is being enslaved (before it is listed); an error undoes
    /// the enslave.
    fn bind(_bond: &Bonding, _dev: &Device, _rtnl: &Rtnl, _slave: &Arc<Slave>) -> Result {
        Ok(())
    }

    /// A slave leaves (or its enslave is undone): undoes [`ModeHooks::bind`].
    fn unbind(_bond: &Bonding, _dev: &Device, _rtnl: &Rtnl, _slave: &Slave) {}

    /// The link monitor committed a slave's link up or down.
    fn link_changed(_bond: &Bonding, _dev: &Device, _rtnl: &Rtnl, _slave: &Slave) {}

    /// A slave's speed or duplex may have changed (NETDEV_UP, CHANGE).
    fn speed_changed(_bond: &Bonding, _dev: &Device, _slave: &Slave) {}

    /// The bond's options changed (`p` is in force, not yet published).
    fn options_changed(_bond: &Bonding, _dev: &Device, _p: &BondParams) {}

    /// The slave's role, if the mode decides it (`None`: the core does).
    fn slave_role(_bond: &Bonding, _slave: &Slave) -> Option<SlaveRole> {
        None
    }

    /// Whether the bond has carrier, if the mode decides it, with at least
    /// one slave (`None`: the core does).
    fn carrier(_bond: &Bonding) -> Option<bool> {
        None
    }

    /// A slave starts (`give`) or stops receiving for the bond while it is
    /// up: the mode's own multicast groups on it.
    fn rx_filters(_slave_dev: &Device, _rtnl: &Rtnl, _give: bool) {}

    /// A frame received on one of the bond's slaves, before the core sees
    /// it: `Some` if the mode took it. The packet path: a mode first checks
    /// on the slave (cheaply) whether it is one of its own.
    fn receive(_slave: &Slave, _skb: &mut RxSkb<'_>, _rcu: &RcuGuard) -> Option<RxResult> {
        None
    }

    /// One of the bond's works that is not the core's (`None`: not the
    /// mode's either).
    fn work(_bond: &Bonding, _dev: &Device, _id: WorkId) -> Option<Rearm> {
        None
    }
}

/// The modes that take every default: balance-rr, active-backup,
/// balance-xor, broadcast.
struct CoreOnly;

impl ModeHooks for CoreOnly {}

/// The hooks of the bond's mode: what the core calls.
#[derive(Clone, Copy)]
pub(crate) struct Hooks(pub(crate) Mode);

/// Calls hook `$hook` of the mode `$mode` with `$args`.
macro_rules! dispatch {
    ($mode:expr, $hook:ident($($args:expr),*)) => {
        match $mode {
            Mode::Ieee8023ad => Lacp8023ad::$hook($($args),*),
            Mode::Tlb | Mode::Alb => AlbMode::$hook($($args),*),
            _ => CoreOnly::$hook($($args),*),
        }
    };
}

impl Hooks {
    pub(crate) fn open(self, bond: &Bonding, dev: &Device, rtnl: &Rtnl) -> Result {
        dispatch!(self.0, open(bond, dev, rtnl))
    }

    pub(crate) fn stop(self, bond: &Bonding, dev: &Device, rtnl: &Rtnl) {
        dispatch!(self.0, stop(bond, dev, rtnl))
    }

    pub(crate) fn bind(self, bond: &Bonding, dev: &Device, rtnl: &Rtnl, s: &Arc<Slave>) -> Result {
        dispatch!(self.0, bind(bond, dev, rtnl, s))
    }

    pub(crate) fn unbind(self, bond: &Bonding, dev: &Device, rtnl: &Rtnl, s: &Slave) {
        dispatch!(self.0, unbind(bond, dev, rtnl, s))
    }

    pub(crate) fn link_changed(self, bond: &Bonding, dev: &Device, rtnl: &Rtnl, s: &Slave) {
        dispatch!(self.0, link_changed(bond, dev, rtnl, s))
    }

    pub(crate) fn speed_changed(self, bond: &Bonding, dev: &Device, s: &Slave) {
        dispatch!(self.0, speed_changed(bond, dev, s))
    }

    pub(crate) fn options_changed(self, bond: &Bonding, dev: &Device, p: &BondParams) {
        dispatch!(self.0, options_changed(bond, dev, p))
    }

    pub(crate) fn slave_role(self, bond: &Bonding, s: &Slave) -> Option<SlaveRole> {
        dispatch!(self.0, slave_role(bond, s))
    }

    pub(crate) fn carrier(self, bond: &Bonding) -> Option<bool> {
        dispatch!(self.0, carrier(bond))
    }

    pub(crate) fn rx_filters(self, slave_dev: &Device, rtnl: &Rtnl, give: bool) {
        dispatch!(self.0, rx_filters(slave_dev, rtnl, give))
    }

    pub(crate) fn work(self, bond: &Bonding, dev: &Device, id: WorkId) -> Option<Rearm> {
        dispatch!(self.0, work(bond, dev, id))
    }

    /// The receive hook, on the packet path, where the bond's mode is not
    /// at hand: each mode's hook first checks, on the slave, whether it is
    /// one of its own (802.3ad: the slave has a port; alb: the slave's
    /// flag).
    #[inline]
    pub(crate) fn receive(s: &Slave, skb: &mut RxSkb<'_>, rcu: &RcuGuard) -> Option<RxResult> {
        Lacp8023ad::receive(s, skb, rcu).or_else(|| AlbMode::receive(s, skb, rcu))
    }
}
