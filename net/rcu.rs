// SPDX-License-Identifier: GPL-2.0

//! RCU: read-side guards and a pointer published to lockless readers.

use super::{bindings as b, rtnl::Rtnl};
use core::{
    marker::PhantomData,
    mem::MaybeUninit,
    sync::atomic::{AtomicPtr, Ordering},
};
use kernel::{
    alloc::{AllocError, Flags},
    prelude::*,
    types::Opaque,
};

/// Proof of being inside an RCU read-side critical section.
pub(crate) struct RcuGuard {
    owned: bool,
    _not_send: PhantomData<*mut ()>,
}

impl RcuGuard {
    /// Runs `f` inside a read-side critical section of its own.
    pub(crate) fn lock_with<R>(f: impl FnOnce(&RcuGuard) -> R) -> R {
        f(&Self::lock())
    }

    /// Enters a read-side critical section (`rcu_read_lock`).
    pub(crate) fn lock() -> Self {
        // SAFETY: always callable; left in Drop.
        unsafe { b::rbond_rcu_read_lock() };
        Self {
            owned: true,
            _not_send: PhantomData,
        }
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
        Self {
            owned: false,
            _not_send: PhantomData,
        }
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

/// A value that may be dropped from an RCU callback (softirq context).
///
/// Implementors promise that dropping the value does not sleep and takes
/// only locks that are safe to take in softirq context. The trait is safe
/// to implement: breaking that promise is a bug that `DEBUG_ATOMIC_SLEEP`
/// and lockdep report (a sleep in atomic context, a lock inversion), not a
/// memory-safety one, which is how Rust-for-Linux treats atomic context
/// (checked by klint, not by `unsafe`).
pub(crate) trait DropInSoftirq {}

/// A value of an [`RcuBox`] with the `rcu_head` its deferred free needs.
#[repr(C)]
struct Node<T> {
    // First: a pointer to the head is a pointer to the node.
    head: Opaque<b::callback_head>,
    value: T,
}

/// Memory for one value of an [`RcuBox`], taken ahead of a change that
/// must not fail halfway.
pub(crate) struct RcuSlot<T>(KBox<MaybeUninit<Node<T>>>);

// SAFETY: uninitialised memory, and the rcu_head in it is only used once the node is published: the slot moves between threads as T would.
unsafe impl<T: Send> Send for RcuSlot<T> {}
// SAFETY: a slot gives no access to anything through `&self`.
unsafe impl<T: Sync> Sync for RcuSlot<T> {}

impl<T> RcuSlot<T> {
    pub(crate) fn new(flags: Flags) -> Result<Self, AllocError> {
        Ok(Self(KBox::new_uninit(flags)?))
    }

    fn fill(self, value: T) -> *mut Node<T> {
        KBox::into_raw(KBox::write(
            self.0,
            Node {
                head: Opaque::uninit(),
                value,
            },
        ))
    }
}

/// An owned value that readers see through RCU and writers replace under
/// RTNL (`rcu_assign_pointer` / `rcu_dereference`).
///
/// # Invariants
///
/// `ptr` is null or comes from `RcuSlot::fill` (a `KBox<Node<T>>`), and is
/// freed only after a grace period that follows its removal, or in Drop.
pub(crate) struct RcuBox<T> {
    ptr: AtomicPtr<Node<T>>,
    _owns: PhantomData<KBox<Node<T>>>,
}

// SAFETY: readers on other threads get `&T` (T: Sync); the value moves between threads when replaced (T: Send).
unsafe impl<T: Send + Sync> Sync for RcuBox<T> {}
// SAFETY: as above.
unsafe impl<T: Send + Sync> Send for RcuBox<T> {}

impl<T> RcuBox<T> {
    /// Starts with `value` published, in `slot`.
    pub(crate) fn new(slot: RcuSlot<T>, value: T) -> Self {
        Self {
            ptr: AtomicPtr::new(slot.fill(value)),
            _owns: PhantomData,
        }
    }

    /// The current value, valid for the read-side critical section and no
    /// longer than the box (whose Drop frees the value at once).
    pub(crate) fn read<'a>(&'a self, _guard: &'a RcuGuard) -> Option<&'a T> {
        // Acquire pairs with the Release in `replace` (rcu_dereference).
        let p = self.ptr.load(Ordering::Acquire);
        // SAFETY: by the type invariant `p` is null or a live node, not freed before the grace period that ends after `_guard`.
        unsafe { p.as_ref().map(|n| &n.value) }
    }
}

impl<T: DropInSoftirq + Send + 'static> RcuBox<T> {
    /// Publishes `value` (in `slot`, so this cannot fail) and frees the old
    /// value after a grace period (`call_rcu`), without waiting for it: a
    /// writer under RTNL must not stall every other network configuration
    /// on the machine for a grace period.
    pub(crate) fn replace(&self, slot: RcuSlot<T>, value: T, _rtnl: &Rtnl) {
        let old = self.ptr.swap(slot.fill(value), Ordering::AcqRel);
        if !old.is_null() {
            // SAFETY: `old` is a node of ours (type invariant), unpublished just now; its head is first and unused; the callback frees it after the grace period, when no reader holds it. The module waits for pending callbacks before it goes (rcu_barrier in its exit).
            unsafe {
                b::call_rcu(
                    Opaque::raw_get(core::ptr::addr_of!((*old).head)),
                    Some(free_node::<T>),
                )
            };
        }
    }
}

/// # Safety
///
/// `head` is the head of a `Node<T>` from `RcuSlot::fill` that no reader
/// can reach any more (the call_rcu in `RcuBox::replace`).
unsafe extern "C" fn free_node<T: DropInSoftirq>(head: *mut b::callback_head) {
    // SAFETY: per the function's requirements; the head is the node's first field (repr(C)); dropping T here is allowed (DropInSoftirq).
    drop(unsafe { KBox::from_raw(head.cast::<Node<T>>()) });
}

impl<T> Drop for RcuBox<T> {
    fn drop(&mut self) {
        let p = *self.ptr.get_mut();
        if !p.is_null() {
            // SAFETY: the owner drops an RcuBox only once no reader can reach it (the device is unregistered); `p` came from RcuSlot::fill.
            drop(unsafe { KBox::from_raw(p) });
        }
    }
}

/// Waits for every pending RCU callback (`rcu_barrier`), when dropped: a
/// module that queued callbacks (`RcuBox::replace`) must not go before
/// they ran, since they are its code.
pub(crate) struct RcuBarrier;

impl Drop for RcuBarrier {
    fn drop(&mut self) {
        // SAFETY: process context (module exit).
        unsafe { b::rcu_barrier() };
    }
}
