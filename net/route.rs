// SPDX-License-Identifier: GPL-2.0

//! IPv4 routes (`struct rtable`), as far as the ARP monitor needs them:
//! which device a target is reached through.

use super::{bindings as b, device::Device, pernet::Net};
use core::ptr::NonNull;

/// A looked-up route, released (`ip_rt_put`) on drop.
pub(crate) struct Route(NonNull<b::rtable>);

impl Route {
    /// `ip_route_output(net, dst, 0, 0, 0, RT_SCOPE_LINK)`; `None` when there
    /// is no route.
    pub(crate) fn output_link(net: &Net, dst: [u8; 4]) -> Option<Self> {
        // SAFETY: a live namespace; process or softirq context.
        let rt = unsafe { b::rbond_ip_route_output_link(net.as_raw(), u32::from_ne_bytes(dst)) };
        NonNull::new(rt).map(Self)
    }

    /// Whether the route goes out through `dev`.
    pub(crate) fn goes_through(&self, dev: &Device) -> bool {
        // SAFETY: a route we hold a reference to; its device pointer is only compared.
        let out = unsafe { b::rbond_rt_dev(self.0.as_ptr()) };
        core::ptr::eq(out, dev.as_raw())
    }
}

impl Drop for Route {
    fn drop(&mut self) {
        // SAFETY: the reference taken by the lookup, released once.
        unsafe { b::rbond_ip_rt_put(self.0.as_ptr()) };
    }
}
