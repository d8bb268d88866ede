// SPDX-License-Identifier: GPL-2.0

//! The RTNL lock, as a proof token: functions that must run under RTNL take
//! an `&Rtnl`, which only exists while the lock is held.

use super::bindings as b;
use core::{
    cell::{Cell, RefCell},
    marker::PhantomData,
};
use kernel::error::{code::EBUSY, Result};

/// Proof that the caller holds RTNL.
pub(crate) struct Rtnl {
    // Neither Send nor Sync: the proof belongs to the thread holding the lock.
    _not_send: PhantomData<*mut ()>,
}

const PROOF: Rtnl = Rtnl {
    _not_send: PhantomData,
};

impl Rtnl {
    /// Takes RTNL (may sleep).
    #[allow(dead_code)]
    pub(crate) fn lock() -> RtnlGuard {
        // SAFETY: process context; released by RtnlGuard::drop.
        unsafe { b::rtnl_lock() };
        RtnlGuard(PROOF)
    }

    /// Takes RTNL if nobody holds it (for work that a holder of RTNL may be
    /// waiting for, such as a monitor cancelled synchronously by ndo_stop).
    pub(crate) fn try_lock() -> Option<RtnlGuard> {
        // SAFETY: process context; released by RtnlGuard::drop on success. `then`, not `then_some`: a guard built eagerly would unlock on drop.
        (unsafe { b::rtnl_trylock() } != 0).then(|| RtnlGuard(PROOF))
    }

    /// A proof for a context where the kernel already holds RTNL.
    ///
    /// # Safety
    ///
    /// RTNL must be held by the current thread for all of `'a` (true in
    /// ndo_open/ndo_stop, ndo_siocbond, ndo_add_slave, netdev notifiers...).
    pub(crate) unsafe fn assume_held<'a>() -> &'a Rtnl {
        &PROOF
    }
}

/// RTNL, held until dropped.
pub(crate) struct RtnlGuard(Rtnl);

impl core::ops::Deref for RtnlGuard {
    type Target = Rtnl;
    fn deref(&self) -> &Rtnl {
        &self.0
    }
}

impl Drop for RtnlGuard {
    fn drop(&mut self) {
        // SAFETY: taken by Rtnl::lock or Rtnl::try_lock.
        unsafe { b::rtnl_unlock() };
    }
}

/// Data that only RTNL holders touch (configuration state). RTNL serialises
/// all access, so a `RefCell` suffices; a borrow still held when the kernel
/// calls back into the driver (a notifier during `dev_set_mtu`, say) is
/// reported as EBUSY instead of aliasing.
pub(crate) struct RtnlCell<T>(RefCell<T>);

// SAFETY: every access goes through a method that requires `&Rtnl`, so at most one thread (the RTNL holder) touches the RefCell at a time.
unsafe impl<T: Send> Sync for RtnlCell<T> {}
// SAFETY: as above; the value itself is Send.
unsafe impl<T: Send> Send for RtnlCell<T> {}

impl<T> RtnlCell<T> {
    /// Wraps `value`.
    pub(crate) fn new(value: T) -> Self {
        Self(RefCell::new(value))
    }

    /// Shared access under RTNL.
    pub(crate) fn borrow<'a>(&'a self, _rtnl: &'a Rtnl) -> Result<core::cell::Ref<'a, T>> {
        self.0.try_borrow().map_err(|_| EBUSY)
    }

    /// Exclusive access under RTNL.
    pub(crate) fn borrow_mut<'a>(&'a self, _rtnl: &'a Rtnl) -> Result<core::cell::RefMut<'a, T>> {
        self.0.try_borrow_mut().map_err(|_| EBUSY)
    }
}

/// A plain value that only RTNL holders read and write, copied in and out
/// whole: unlike [`RtnlCell`], no borrow can be outstanding, so reading it
/// never fails.
pub(crate) struct RtnlCopy<T: Copy>(Cell<T>);

// SAFETY: every access goes through a method that requires `&Rtnl`, so at most one thread (the RTNL holder) touches the Cell at a time.
unsafe impl<T: Copy + Send> Sync for RtnlCopy<T> {}
// SAFETY: as above; the value itself is Send.
unsafe impl<T: Copy + Send> Send for RtnlCopy<T> {}

impl<T: Copy> RtnlCopy<T> {
    /// Wraps `value`.
    pub(crate) fn new(value: T) -> Self {
        Self(Cell::new(value))
    }

    /// The value, under RTNL.
    pub(crate) fn get(&self, _rtnl: &Rtnl) -> T {
        self.0.get()
    }

    /// Replaces the value, under RTNL.
    pub(crate) fn set(&self, _rtnl: &Rtnl, value: T) {
        self.0.set(value)
    }
}
