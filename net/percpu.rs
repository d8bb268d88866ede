// SPDX-License-Identifier: GPL-2.0

//! Per-CPU counters (`alloc_percpu`, `this_cpu_inc_return`).

use super::bindings as b;
use kernel::error::{code::ENOMEM, Result};

/// A `u32` per possible CPU, each incremented by its own CPU only: no
/// cache line moves between CPUs on the packet path (the C driver's
/// `rr_tx_counter`).
///
/// # Invariants
///
/// `ptr` is a live `alloc_percpu` allocation of one `u32`, owned by this
/// value and freed when it drops.
pub(crate) struct PerCpuU32 {
    ptr: *mut u32,
}

// SAFETY: each CPU touches only its own slot, with single-instruction per-CPU operations; the allocation itself is shared read-only.
unsafe impl Send for PerCpuU32 {}
// SAFETY: as above.
unsafe impl Sync for PerCpuU32 {}

impl PerCpuU32 {
    /// Allocates the counters, all zero (may sleep).
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: process context; the result is checked for NULL.
        let ptr = unsafe { b::rbond_alloc_percpu_u32() };
        if ptr.is_null() {
            return Err(ENOMEM);
        }
        // INVARIANT: a live allocation, owned from here.
        Ok(Self { ptr })
    }

    /// Increments this CPU's counter and returns the new value. One `xadd`
    /// on the CPU's own copy, relative to the per-CPU base in %gs, as
    /// `this_cpu_inc_return()` compiles to: not interruptible half-way,
    /// so it needs no disabled preemption, and no call.
    #[inline]
    pub(crate) fn inc_return(&self) -> u32 {
        #[cfg(target_arch = "x86_64")]
        {
            let mut v: u32 = 1;
            // On x86-64 a per-CPU pointer is an offset from the running
            // CPU's per-CPU area, which %gs addresses.
            // SAFETY: `ptr` is a live per-CPU allocation (type invariant), so `gs:[ptr]` is this CPU's u32, the only memory the instruction touches.
            unsafe {
                core::arch::asm!(
                    "xadd dword ptr gs:[{p}], {v:e}",
                    p = in(reg) self.ptr,
                    v = inout(reg) v,
                    options(nostack),
                );
            }
            v.wrapping_add(1)
        }
        #[cfg(not(target_arch = "x86_64"))]
        // SAFETY: `ptr` is a live per-CPU allocation (type invariant).
        unsafe {
            b::rbond_this_cpu_inc_return_u32(self.ptr)
        }
    }
}

impl Drop for PerCpuU32 {
    fn drop(&mut self) {
        // SAFETY: owned and live (type invariant); nothing uses it any more.
        unsafe { b::free_percpu(self.ptr.cast()) };
    }
}
