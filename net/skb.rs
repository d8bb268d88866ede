// SPDX-License-Identifier: GPL-2.0

//! Socket buffers (`struct sk_buff`).

use super::bindings as b;
use core::ptr::NonNull;

/// An owned socket buffer: the reference the stack hands to a driver's
/// transmit function. Dropping it frees the buffer in any context.
///
/// # Invariants
///
/// `self.0` points to a valid `sk_buff` that this value owns (one reference).
pub(crate) struct SkBuff(NonNull<b::sk_buff>);

impl SkBuff {
    /// Takes ownership of `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be a valid `sk_buff` whose reference the caller transfers
    /// to the returned value (as the stack does to `ndo_start_xmit`).
    pub(crate) unsafe fn from_raw(ptr: *mut b::sk_buff) -> Option<Self> {
        NonNull::new(ptr).map(Self)
    }

    /// Length of the packet data.
    pub(crate) fn len(&self) -> u32 {
        // SAFETY: by the type invariant the buffer is valid.
        unsafe { (*self.0.as_ptr()).len }
    }
}

impl Drop for SkBuff {
    fn drop(&mut self) {
        // SAFETY: by the type invariant we own one reference; dev_kfree_skb_any
        // may be called from any context, including hard IRQ and netpoll.
        unsafe { b::rbond_dev_kfree_skb_any(self.0.as_ptr()) };
    }
}
