// SPDX-License-Identifier: GPL-2.0

//! A spinlock taken with a lockdep nesting subclass (`spin_lock_nested`).
//!
//! A stacked device whose lock is held while it asks its lower devices for
//! something (a bond folding its slaves' counters) takes, through a lower
//! device of the same driver (a bond enslaved to a bond), a second lock of
//! the same lockdep class. That nesting is legal, and `spin_lock_nested`
//! tells lockdep so: each owner locks at its depth in the stack (the
//! caller's to compute, from the same view of the stack it then walks), so
//! the upper device's subclass always differs from its lower devices'.
//! `kernel::sync::SpinLock` has no nested form in 6.12.

use super::bindings as b;
use core::{cell::UnsafeCell, marker::PhantomData};
use kernel::{prelude::*, types::Opaque};

/// The highest subclass lockdep accepts (MAX_LOCKDEP_SUBCLASSES - 1).
const MAX_SUBCLASS: u32 = 7;

/// A spinlock protecting `T`, taken with a nesting subclass.
///
/// # Invariants
///
/// `lock` is initialised (by `new`) and protects `data`: `data` is only
/// accessed through a [`NestingGuard`], which exists only while `lock` is
/// held.
#[pin_data]
pub(crate) struct NestingSpinLock<T> {
    #[pin]
    lock: Opaque<b::spinlock_t>,
    data: UnsafeCell<T>,
}

// SAFETY: the lock serialises every access to `data`, which may move between threads (T: Send).
unsafe impl<T: Send> Sync for NestingSpinLock<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Send for NestingSpinLock<T> {}

impl<T> NestingSpinLock<T> {
    /// A new lock around `data`. All locks made here share one lockdep
    /// class (as the C driver's stats_lock).
    pub(crate) fn new(data: T) -> impl PinInit<Self> {
        pin_init!(Self {
            // SAFETY: `slot` is valid for writes and pinned; spin_lock_init initialises it in place.
            lock <- Opaque::ffi_init(|slot: *mut b::spinlock_t| unsafe { b::rbond_spin_lock_init(slot) }),
            data: UnsafeCell::new(data),
        })
    }

    /// Takes the lock at nesting `depth` (how many owners of locks of this
    /// class the holder will lock inside it, at most).
    pub(crate) fn lock_nested(&self, depth: u32) -> NestingGuard<'_, T> {
        let subclass = depth.min(MAX_SUBCLASS);
        // SAFETY: initialised by `new` (type invariant); released by the guard's Drop, in this context.
        unsafe { b::rbond_spin_lock_nested(self.lock.get(), subclass) };
        NestingGuard {
            lock: self,
            _not_send: PhantomData,
        }
    }
}

/// Access to the data of a held [`NestingSpinLock`]; unlocks when dropped.
pub(crate) struct NestingGuard<'a, T> {
    lock: &'a NestingSpinLock<T>,
    _not_send: PhantomData<*mut ()>,
}

impl<T> core::ops::Deref for NestingGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the lock is held for the guard's lifetime (type invariant of NestingSpinLock).
        unsafe { &*self.lock.data.get() }
    }
}

impl<T> core::ops::DerefMut for NestingGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in deref; the guard is unique, so the access is exclusive.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T> Drop for NestingGuard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: taken in lock_nested, in this context.
        unsafe { b::rbond_spin_unlock(self.lock.lock.get()) };
    }
}

/// A spinlock taken with softirqs off (`spin_lock_bh`): for state that a
/// receive handler (softirq) and process context both change, such as the
/// 802.3ad machines (the C driver's `mode_lock`). Holders must not sleep.
///
/// # Invariants
///
/// `lock` is initialised (by `new`) and protects `data`, which is only
/// accessed through a [`BhGuard`], which exists only while `lock` is held.
#[pin_data]
pub(crate) struct BhSpinLock<T> {
    #[pin]
    lock: Opaque<b::spinlock_t>,
    data: UnsafeCell<T>,
}

// SAFETY: the lock serialises every access to `data` (T: Send).
unsafe impl<T: Send> Sync for BhSpinLock<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Send for BhSpinLock<T> {}

impl<T> BhSpinLock<T> {
    /// A new lock around `data`; all share one lockdep class, of their own.
    pub(crate) fn new(data: T) -> impl PinInit<Self> {
        pin_init!(Self {
            // SAFETY: `slot` is valid for writes and pinned; spin_lock_init initialises it in place.
            lock <- Opaque::ffi_init(|slot: *mut b::spinlock_t| unsafe { b::rbond_spin_lock_init_bh(slot) }),
            data: UnsafeCell::new(data),
        })
    }

    /// Takes the lock, with softirqs off on this CPU until it is released.
    pub(crate) fn lock(&self) -> BhGuard<'_, T> {
        // SAFETY: initialised by `new` (type invariant); released by the guard's Drop, in this context.
        unsafe { b::rbond_spin_lock_bh(self.lock.get()) };
        BhGuard {
            lock: self,
            _not_send: PhantomData,
        }
    }
}

/// Access to the data of a held [`BhSpinLock`]; unlocks when dropped.
pub(crate) struct BhGuard<'a, T> {
    lock: &'a BhSpinLock<T>,
    _not_send: PhantomData<*mut ()>,
}

impl<T> core::ops::Deref for BhGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the lock is held for the guard's lifetime (type invariant of BhSpinLock).
        unsafe { &*self.lock.data.get() }
    }
}

impl<T> core::ops::DerefMut for BhGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in deref; the guard is unique, so the access is exclusive.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T> Drop for BhGuard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: taken in lock(), in this context.
        unsafe { b::rbond_spin_unlock_bh(self.lock.lock.get()) };
    }
}

/// A value set once (at module init, before anything that reads it is
/// registered) and read-only afterwards: the defaults new devices take.
pub(crate) struct SetOnce<T: Copy> {
    state: core::sync::atomic::AtomicU8,
    value: core::cell::UnsafeCell<core::mem::MaybeUninit<T>>,
}

// SAFETY: the value is written once, by the thread that moves `state` from EMPTY to WRITING, and read only after `state` is READY (Release/Acquire).
unsafe impl<T: Copy + Send + Sync> Sync for SetOnce<T> {}

const EMPTY: u8 = 0;
const WRITING: u8 = 1;
const READY: u8 = 2;

impl<T: Copy> SetOnce<T> {
    /// Unset.
    pub(crate) const fn new() -> Self {
        Self {
            state: core::sync::atomic::AtomicU8::new(EMPTY),
            value: core::cell::UnsafeCell::new(core::mem::MaybeUninit::uninit()),
        }
    }

    /// Sets the value; false (and no change) if it was set already.
    pub(crate) fn set(&self, value: T) -> bool {
        use core::sync::atomic::Ordering::*;
        if self
            .state
            .compare_exchange(EMPTY, WRITING, Acquire, Relaxed)
            .is_err()
        {
            return false;
        }
        // SAFETY: this thread won the EMPTY -> WRITING transition: no reader or other writer touches the value until READY.
        unsafe { (*self.value.get()).write(value) };
        self.state.store(READY, Release);
        true
    }

    /// The value, once set.
    pub(crate) fn get(&self) -> Option<T> {
        if self.state.load(core::sync::atomic::Ordering::Acquire) != READY {
            return None;
        }
        // SAFETY: READY: the value was written and never changes again.
        Some(unsafe { (*self.value.get()).assume_init() })
    }
}
