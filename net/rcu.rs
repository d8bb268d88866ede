// SPDX-License-Identifier: GPL-2.0

//! RCU: read-side guards and a pointer published to lockless readers.

use super::{bindings as b, rtnl::Rtnl};
use core::{
    marker::PhantomData,
    sync::atomic::{AtomicPtr, Ordering},
};
use kernel::prelude::*;

/// Proof of being inside an RCU read-side critical section.
pub(crate) struct RcuGuard {
    owned: bool,
    _not_send: PhantomData<*mut ()>,
}

impl RcuGuard {
    /// Enters a read-side critical section (`rcu_read_lock`).
    pub(crate) fn lock() -> Self {
        // SAFETY: always callable; left in Drop.
        unsafe { b::rbond_rcu_read_lock() };
        Self { owned: true, _not_send: PhantomData }
    }

    /// A proof for a context the kernel already runs under RCU (the
    /// transmit path under rcu_read_lock_bh, rx handlers under
    /// rcu_read_lock); since v5.0 synchronize_rcu waits for both.
    ///
    /// # Safety
    ///
    /// The caller must be in an RCU read-side critical section (any flavour)
    /// for as long as the guard lives.
    pub(crate) unsafe fn assume_held() -> Self {
        Self { owned: false, _not_send: PhantomData }
    }
}

impl Drop for RcuGuard {
    fn drop(&mut self) {
        if self.owned {
            // SAFETY: taken in RcuGuard::lock.
            unsafe { b::rbond_rcu_read_unlock() };
        }
    }
}

/// An owned, boxed value that readers see through RCU and writers replace
/// under RTNL (`rcu_assign_pointer` / `rcu_dereference`).
///
/// # Invariants
///
/// `ptr` is null or comes from `KBox::into_raw`, and is freed only after a
/// grace period that follows its removal.
pub(crate) struct RcuBox<T> {
    ptr: AtomicPtr<T>,
    _owns: PhantomData<KBox<T>>,
}

// SAFETY: readers on other threads get `&T` (T: Sync); the box moves between
// threads when replaced (T: Send).
unsafe impl<T: Send + Sync> Sync for RcuBox<T> {}
// SAFETY: as above.
unsafe impl<T: Send + Sync> Send for RcuBox<T> {}

impl<T> RcuBox<T> {
    /// Starts with `value` published.
    pub(crate) fn new(value: KBox<T>) -> Self {
        Self { ptr: AtomicPtr::new(KBox::into_raw(value)), _owns: PhantomData }
    }

    /// The current value, valid for the read-side critical section and no
    /// longer than the box (whose Drop frees the value at once).
    pub(crate) fn read<'a>(&'a self, _guard: &'a RcuGuard) -> Option<&'a T> {
        // Acquire pairs with the Release in `replace` (rcu_dereference).
        let p = self.ptr.load(Ordering::Acquire);
        // SAFETY: by the type invariant `p` is null or a live box, and it is not freed before the grace period that ends after `_guard`.
        unsafe { p.as_ref() }
    }


    /// Publishes `new`, waits for readers of the old value to finish
    /// (`synchronize_rcu`, so this sleeps) and returns the old value.
    pub(crate) fn replace(&self, new: KBox<T>, _rtnl: &Rtnl) -> Option<KBox<T>> {
        let old = self.ptr.swap(KBox::into_raw(new), Ordering::AcqRel);
        if old.is_null() {
            return None;
        }
        // SAFETY: process context (RTNL holders may sleep).
        unsafe { b::synchronize_rcu() };
        // SAFETY: `old` came from KBox::into_raw (type invariant) and the grace period has ended, so no reader holds it.
        Some(unsafe { KBox::from_raw(old) })
    }
}

impl<T> Drop for RcuBox<T> {
    fn drop(&mut self) {
        let p = *self.ptr.get_mut();
        if !p.is_null() {
            // SAFETY: the owner drops an RcuBox only once no reader can reach it (the device is unregistered); `p` came from KBox::into_raw.
            drop(unsafe { KBox::from_raw(p) });
        }
    }
}
