// SPDX-License-Identifier: GPL-2.0

//! IPv4 routes (`struct rtable`), as far as the ARP monitor needs them:
//! which device a target is reached through.

use super::rcu::RcuGuard;
use super::{bindings as b, device::Device, pernet::Net};
use core::ptr::NonNull;
use kernel::prelude::*;

/// A looked-up route, released (`ip_rt_put`) on drop.
pub(crate) struct Route(NonNull<b::rtable>);

impl Route {
    /// `ip_route_output(net, dst, 0, 0, 0, RT_SCOPE_LINK)`; `None` when there
    /// is no route.
    pub(crate) fn output_link(net: &Net, dst: [u8; 4]) -> Option<Self> {
        // SAFETY: a live namespace; process or softirq context.
        let rt = unsafe {
            b::rbond_ip_route_output(
                net.as_raw(),
                u32::from_ne_bytes(dst),
                0,
                0,
                0,
                b::rt_scope_t_RT_SCOPE_LINK as u8,
            )
        };
        // A failed lookup is an error pointer.
        kernel::error::from_err_ptr(rt)
            .ok()
            .and_then(NonNull::new)
            .map(Self)
    }

    /// Whether the route goes out through `dev`.
    pub(crate) fn goes_through(&self, dev: &Device) -> bool {
        // SAFETY: a route we hold a reference to; its device pointer is only compared.
        let out = unsafe { (*self.0.as_ptr()).dst.__bindgen_anon_1.dev };
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
    /// `inet_confirm_addr()` on this device's IPv4 configuration, as the C
    /// driver's `bond_confirm_addr()`: with `local` 0, the address of
    /// scope link or wider it would use to talk to `dst`; with `local`
    /// set, `local` itself if the device has it. 0.0.0.0 if none. Any
    /// context.
    pub(crate) fn confirm_addr(&self, dst: [u8; 4], local: [u8; 4]) -> [u8; 4] {
        let _rcu = RcuGuard::lock();
        // SAFETY: valid device, under RCU (the guard), as __in_dev_get_rcu() requires.
        let in_dev = unsafe { b::rbond___in_dev_get_rcu(self.as_raw()) };
        if in_dev.is_null() {
            return [0; 4];
        }
        // SAFETY: `in_dev` stays valid in the RCU section; `self.net()` is the device's live
        // namespace.
        unsafe {
            b::inet_confirm_addr(
                self.net().as_raw(),
                in_dev,
                u32::from_ne_bytes(dst),
                u32::from_ne_bytes(local),
                b::rt_scope_t_RT_SCOPE_HOST as i32,
            )
        }
        .to_ne_bytes()
    }

    /// Sends an ARP request for `target` from `src` out of this device
    /// (`arp_create` + `arp_xmit`).
    pub(crate) fn send_arp_request(&self, target: [u8; 4], src: [u8; 4]) -> Result {
        // SAFETY: valid device, whose address is addr_len bytes that arp_create copies; the result
        // is a new buffer we own.
        let skb = unsafe {
            b::arp_create(
                b::ARPOP_REQUEST as i32,
                b::ETH_P_ARP as i32,
                u32::from_ne_bytes(target),
                self.as_raw(),
                u32::from_ne_bytes(src),
                core::ptr::null(),
                (*self.as_raw()).dev_addr,
                core::ptr::null(),
            )
        };
        if skb.is_null() {
            return Err(ENOMEM);
        }
        // SAFETY: we pass the new buffer on to arp_xmit, which consumes it; process context.
        unsafe { b::arp_xmit(skb) };
        Ok(())
    }
}
