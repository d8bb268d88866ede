// SPDX-License-Identifier: GPL-2.0

//! Interface counters (`struct rtnl_link_stats64`).

use super::bindings as b;
use super::device::Device;
use core::mem::size_of;
use kernel::prelude::*;

/// Interface counters (`struct rtnl_link_stats64`), all u64. Transparent:
/// the layer casts the core's `*mut rtnl_link_stats64` to it.
#[derive(Default, Clone, Copy)]
#[repr(transparent)]
pub(crate) struct LinkStats64(b::rtnl_link_stats64);

/// Number of counters in `struct rtnl_link_stats64`.
pub(crate) const STATS_FIELDS: usize = size_of::<b::rtnl_link_stats64>() / 8;

impl LinkStats64 {
    /// The counters as an array, in the struct's order.
    pub(crate) fn counters(&self) -> &[u64; STATS_FIELDS] {
        build_assert!(size_of::<b::rtnl_link_stats64>() == STATS_FIELDS * 8);
        // SAFETY: rtnl_link_stats64 is repr(C) and consists of u64 fields only (size checked above), so it has the layout of [u64; N].
        unsafe { &*(&self.0 as *const b::rtnl_link_stats64).cast() }
    }

    /// Mutable view of `counters`.
    pub(crate) fn counters_mut(&mut self) -> &mut [u64; STATS_FIELDS] {
        // SAFETY: as in `counters`.
        unsafe { &mut *(&mut self.0 as *mut b::rtnl_link_stats64).cast() }
    }
}

impl Device {
    /// The device's counters (`dev_get_stats`).
    pub(crate) fn stats(&self) -> LinkStats64 {
        let mut s = LinkStats64::default();
        // SAFETY: valid device; dev_get_stats may run in any process or softirq context without RTNL.
        unsafe { b::dev_get_stats(self.as_raw(), &mut s.0) };
        s
    }
}
