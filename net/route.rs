// SPDX-License-Identifier: GPL-2.0

//! IPv4 routes (`struct rtable`), as far as the ARP monitor needs them:
//! which device a target is reached through.

use super::{bindings as b, device::Device, pernet::Net};
use core::ptr::NonNull;
use kernel::{error::to_result, prelude::*};

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

impl Device {
    /// The address this device would use to talk to `dst`
    /// (`inet_confirm_addr()`, as the C driver's `bond_confirm_addr()`);
    /// 0.0.0.0 if none.
    pub(crate) fn confirm_addr(&self, dst: [u8; 4]) -> [u8; 4] {
        // SAFETY: valid device; the helper reads its IPv4 configuration under RCU.
        unsafe { b::rbond_confirm_addr(self.as_raw(), u32::from_ne_bytes(dst)) }.to_ne_bytes()
    }

    /// Sends an ARP request for `target` from `src` out of this device
    /// (`arp_create` + `arp_xmit`).
    pub(crate) fn send_arp_request(&self, target: [u8; 4], src: [u8; 4]) -> Result {
        // SAFETY: valid device; arp_xmit may be called in process context.
        to_result(unsafe {
            b::rbond_arp_send_request(
                self.as_raw(),
                u32::from_ne_bytes(target),
                u32::from_ne_bytes(src),
            )
        })
    }
}
