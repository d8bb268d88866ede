// SPDX-License-Identifier: GPL-2.0

//! IPv6 routes (`struct dst_entry`), as far as a link monitor needs them
//! (which device a destination is reached through), the device's IPv6
//! addresses, and neighbour solicitations.

use super::rcu::RcuGuard;
use super::{bindings as b, device::Device, pernet::Net, route::VlanTag};
use core::ptr::NonNull;
use kernel::prelude::*;

/// Whether IPv6 runs (`ipv6_mod_enabled()`: not turned off with
/// `ipv6.disable=1`).
pub(crate) fn ipv6_enabled() -> bool {
    // SAFETY: reads a boot-time setting; any context.
    unsafe { b::ipv6_mod_enabled() }
}

fn in6(addr: &[u8; 16]) -> b::in6_addr {
    b::in6_addr {
        in6_u: b::in6_addr__bindgen_ty_1 { u6_addr8: *addr },
    }
}

/// A looked-up IPv6 route, released (`dst_release`) on drop.
pub(crate) struct Route6(NonNull<b::dst_entry>);

impl Route6 {
    /// `ip6_route_output(net, NULL, { .daddr = dst })`; `None` when there
    /// is no route (the lookup's `dst->error`).
    pub(crate) fn output(net: &Net, dst: &[u8; 16]) -> Option<Self> {
        // SAFETY: flowi6 is plain data; all zero is the C driver's memset().
        let mut fl6: b::flowi6 = unsafe { core::mem::zeroed() };
        fl6.daddr = in6(dst);
        // SAFETY: a live namespace, no socket; the lookup only reads `fl6` (and fills in its source); process or softirq context.
        let dst =
            unsafe { b::ip6_route_output_flags(net.as_raw(), core::ptr::null(), &mut fl6, 0) };
        // The lookup never returns NULL: a failure is a dst with an error.
        let dst = NonNull::new(dst)?;
        let route = Self(dst);
        // SAFETY: a dst we hold a reference to.
        if unsafe { (*dst.as_ptr()).error } != 0 {
            return None;
        }
        Some(route)
    }

    /// The device the route goes out through.
    pub(crate) fn device(&self) -> Option<&Device> {
        // SAFETY: a dst we hold a reference to; it holds a reference to its device (if any) for as long as it lives, which `&self` borrows.
        let dev = unsafe { (*self.0.as_ptr()).__bindgen_anon_1.dev };
        // SAFETY: non-null, as above.
        (!dev.is_null()).then(|| unsafe { Device::from_raw(dev) })
    }
}

impl Drop for Route6 {
    fn drop(&mut self) {
        // SAFETY: the reference taken by the lookup, released once.
        unsafe { b::dst_release(self.0.as_ptr()) };
    }
}

impl Device {
    /// `ipv6_dev_get_saddr()`: the source address this device would use
    /// towards `dst`, if it has one. Process context.
    pub(crate) fn ipv6_saddr(&self, dst: &[u8; 16]) -> Option<[u8; 16]> {
        let daddr = in6(dst);
        let mut saddr = in6(&[0; 16]);
        // SAFETY: valid device in its live namespace; both addresses are in6_addr on our stack, `saddr` written only.
        let err = unsafe {
            b::ipv6_dev_get_saddr(self.net().as_raw(), self.as_raw(), &daddr, 0, &mut saddr)
        };
        // SAFETY: every bit pattern is a valid byte array.
        let bytes = unsafe { saddr.in6_u.u6_addr8 };
        (err == 0).then_some(bytes)
    }

    /// `ipv6_chk_addr(net, addr, dev, 0)`: this device has the IPv6 address
    /// `addr` (tentative ones included). Any context.
    pub(crate) fn has_ipv6_addr(&self, addr: &[u8; 16], _rcu: &RcuGuard) -> bool {
        let a = in6(addr);
        // SAFETY: valid device in its live namespace; the address is only read.
        unsafe { b::ipv6_chk_addr(self.net().as_raw(), &a, self.as_raw(), 0) != 0 }
    }

    /// Sends a neighbour solicitation for `target` from `src` (`::` for
    /// none: then without the source link-layer option) out of this
    /// device, to `target`'s solicited-node group `group`
    /// (`ndisc_ns_create()` + `ndisc_send_skb()`), with the VLAN tag
    /// `outer` in the buffer's metadata unless its id is 0. Process
    /// context.
    pub(crate) fn send_ns(
        &self,
        target: &[u8; 16],
        src: &[u8; 16],
        group: &[u8; 16],
        outer: Option<VlanTag>,
    ) -> Result {
        let (solicit, saddr, daddr) = (in6(target), in6(src), in6(group));
        // SAFETY: valid device; the addresses are only read; the result is a new buffer we own.
        let skb = unsafe { b::ndisc_ns_create(self.as_raw(), &solicit, &saddr, 0) };
        if skb.is_null() {
            return Err(ENOMEM);
        }
        if let Some(tag) = outer.filter(|t| t.id != 0) {
            // SAFETY: a buffer we own; metadata only.
            unsafe { b::rbond___vlan_hwaccel_put_tag(skb, tag.proto, tag.id) };
        }
        // SAFETY: we pass the buffer, whose device ndisc_ns_create() set, on to ndisc_send_skb, which consumes it.
        unsafe { b::ndisc_send_skb(skb, &daddr, &saddr) };
        Ok(())
    }
}
