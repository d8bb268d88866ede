// SPDX-License-Identifier: GPL-2.0

//! A device's unicast and multicast address lists (`dev->uc`, `dev->mc`):
//! locked, synced to another device, and single addresses added.

use super::super::{bindings as b, rtnl::Rtnl};
use super::Device;

use kernel::error::{to_result, Result};

/// Proof that a device's unicast and multicast address lists are locked
/// (`netif_addr_lock_bh`): held by the core around `ndo_set_rx_mode`, or by
/// an [`AddrListGuard`].
pub(crate) struct AddrLists<'a> {
    pub(super) dev: &'a Device,
}

impl AddrLists<'_> {
    /// Pushes the locked device's address lists to `lower`, which receives
    /// what they ask for (`dev_uc_sync` + `dev_mc_sync`). `shared`: several
    /// lower devices get the same lists (the `_multiple` variants, which
    /// count each lower device separately).
    pub(crate) fn sync_to(&self, lower: &Device, shared: bool) {
        let (to, from) = (lower.as_raw(), self.dev.as_raw());
        type Sync =
            unsafe extern "C" fn(*mut b::net_device, *mut b::net_device) -> kernel::ffi::c_int;
        let (uc, mc): (Sync, Sync) = if shared {
            (b::dev_uc_sync_multiple, b::dev_mc_sync_multiple)
        } else {
            (b::dev_uc_sync, b::dev_mc_sync)
        };
        // Errors (no memory for a list entry) leave the lower device with
        // fewer addresses, as in the C callers, which ignore them.
        // SAFETY: valid devices; `from`'s lists are locked (this proof), and the functions lock `to`'s themselves, nested, as layered devices do.
        unsafe { uc(to, from) };
        // SAFETY: as above.
        unsafe { mc(to, from) };
    }
}

/// A device's address lists, locked until dropped.
pub(crate) struct AddrListGuard<'a>(AddrLists<'a>);

impl<'a> core::ops::Deref for AddrListGuard<'a> {
    type Target = AddrLists<'a>;

    fn deref(&self) -> &AddrLists<'a> {
        &self.0
    }
}

impl Drop for AddrListGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: locked by Device::lock_addr_lists, in this context.
        unsafe { b::rbond_netif_addr_unlock_bh(self.0.dev.as_raw()) }
    }
}

impl Device {
    /// Locks this device's unicast and multicast address lists
    /// (`netif_addr_lock_bh`), to push them to lower devices.
    pub(crate) fn lock_addr_lists(&self) -> AddrListGuard<'_> {
        // SAFETY: valid device; the guard unlocks in Drop, in the same context.
        unsafe { b::rbond_netif_addr_lock_bh(self.as_raw()) };
        AddrListGuard(AddrLists { dev: self })
    }

    /// Takes back from this device every unicast and multicast address that
    /// `upper` pushed to it (`dev_uc_unsync`, `dev_mc_unsync`). Must not be
    /// called with `upper`'s lists locked: these take the lock themselves.
    pub(crate) fn unsync_addr_lists(&self, _rtnl: &Rtnl, upper: &Device) {
        // SAFETY: both devices are valid; the functions take both address list locks in the order the core documents (from, then to).
        unsafe {
            b::dev_uc_unsync(self.as_raw(), upper.as_raw());
            b::dev_mc_unsync(self.as_raw(), upper.as_raw());
        }
    }

    /// Joins the multicast group `addr` (`dev_mc_add`).
    pub(crate) fn mc_add(&self, _rtnl: &Rtnl, addr: &[u8; 6]) -> Result {
        // SAFETY: valid device, RTNL held; `addr` is 6 readable bytes, copied.
        to_result(unsafe { b::dev_mc_add(self.as_raw(), addr.as_ptr()) })
    }

    /// Leaves the multicast group `addr` (`dev_mc_del`).
    pub(crate) fn mc_del(&self, _rtnl: &Rtnl, addr: &[u8; 6]) {
        // SAFETY: as in mc_add.
        unsafe { b::dev_mc_del(self.as_raw(), addr.as_ptr()) };
    }
}
