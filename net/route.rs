// SPDX-License-Identifier: GPL-2.0

//! IPv4 routes (`struct rtable`), as far as the ARP monitor needs them
//! (which device a target is reached through), the device's IPv4
//! addresses, and ARP requests, VLAN-tagged on the way if need be.

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

    /// The device the route goes out through.
    pub(crate) fn device(&self) -> &Device {
        // SAFETY: a route we hold a reference to; its dst holds a reference to its device for as long as it lives, which `&self` borrows.
        unsafe { Device::from_raw((*self.0.as_ptr()).dst.__bindgen_anon_1.dev) }
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
        // SAFETY: `in_dev` stays valid in the RCU section; `self.net()` is the device's live namespace.
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

    /// The VLAN this device is, if it is one (`is_vlan_dev()`): the tag a
    /// frame sent through it carries.
    pub(crate) fn vlan(&self) -> Option<VlanTag> {
        // SAFETY: valid device.
        if !unsafe { b::rbond_is_vlan_dev(self.as_raw()) } {
            return None;
        }
        // SAFETY: valid VLAN device.
        let proto = unsafe { b::rbond_vlan_dev_vlan_proto(self.as_raw()) };
        // SAFETY: as above.
        let id = unsafe { b::rbond_vlan_dev_vlan_id(self.as_raw()) };
        Some(VlanTag { proto, id })
    }

    /// Whether the device that has the local IPv4 address `addr` in this
    /// device's namespace is a bridge (Linux or Open vSwitch):
    /// `ip_dev_find()` and `netif_is_any_bridge_master()`. Any context.
    pub(crate) fn address_is_on_bridge(&self, addr: [u8; 4]) -> bool {
        // SAFETY: valid device in a live namespace; the result holds a reference, put below.
        let dev = unsafe { b::rbond_ip_dev_find(self.net().as_raw(), u32::from_ne_bytes(addr)) };
        if dev.is_null() {
            return false;
        }
        // SAFETY: a device we hold a reference to.
        let bridge = unsafe { b::rbond_netif_is_any_bridge_master(dev) };
        // SAFETY: the reference ip_dev_find took, put once.
        unsafe { b::rbond_dev_put(dev) };
        bridge
    }

    /// Sends an ARP reply from `src` (`src_mac`) to `target` (`target_mac`)
    /// out of this device, tagged as [`Device::send_arp_request`]. Any
    /// context.
    pub(crate) fn send_arp_reply(
        &self,
        target: [u8; 4],
        target_mac: &[u8; 6],
        src: [u8; 4],
        src_mac: &[u8; 6],
        tags: &[VlanTag],
    ) -> Result {
        self.send_arp(b::ARPOP_REPLY, target, Some(target_mac), src, src_mac, tags)
    }

    /// Sends an ARP request for `target` from `src` out of this device
    /// (`arp_create` + `arp_xmit`), with the VLAN tags of `tags`, the
    /// outermost first, as the C bonding driver's `bond_handle_vlan()` adds
    /// them: the outermost in the buffer's metadata (hardware
    /// acceleration), the others in the frame; tags of id 0 are skipped.
    pub(crate) fn send_arp_request(
        &self,
        target: [u8; 4],
        src: [u8; 4],
        tags: &[VlanTag],
    ) -> Result {
        self.send_arp(
            b::ARPOP_REQUEST,
            target,
            None,
            src,
            &self.dev_addr().0,
            tags,
        )
    }

    /// `arp_create()` of operation `op` (`target_mac` also as the target
    /// hardware address; none: broadcast, zero), tagged, and `arp_xmit()`.
    fn send_arp(
        &self,
        op: u32,
        target: [u8; 4],
        target_mac: Option<&[u8; 6]>,
        src: [u8; 4],
        src_mac: &[u8; 6],
        tags: &[VlanTag],
    ) -> Result {
        let to = target_mac.map_or(core::ptr::null(), |m| m.as_ptr());
        // SAFETY: valid device; the addresses given are 6 bytes each, as the device's addr_len, and only read; the result is a new buffer we own.
        let skb = unsafe {
            b::arp_create(
                op as i32,
                b::ETH_P_ARP as i32,
                u32::from_ne_bytes(target),
                self.as_raw(),
                u32::from_ne_bytes(src),
                to,
                src_mac.as_ptr(),
                to,
            )
        };
        if skb.is_null() {
            return Err(ENOMEM);
        }
        let mut skb = skb;
        for t in tags.iter().skip(1).filter(|t| t.id != 0) {
            // SAFETY: a buffer we own; on failure the helper freed it and returns null.
            skb = unsafe { b::rbond_vlan_insert_tag_set_proto(skb, t.proto, t.id) };
            if skb.is_null() {
                return Err(ENOMEM);
            }
        }
        if let Some(outer) = tags.first().filter(|t| t.id != 0) {
            // SAFETY: a buffer we own; metadata only.
            unsafe { b::rbond___vlan_hwaccel_put_tag(skb, outer.proto, outer.id) };
        }
        // SAFETY: we pass the buffer on to arp_xmit, which consumes it.
        unsafe { b::arp_xmit(skb) };
        Ok(())
    }
}

/// A VLAN tag: its protocol as the kernel keeps it (`__be16`, ETH_P_8021Q
/// or ETH_P_8021AD in network byte order) and its id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct VlanTag {
    pub(crate) proto: u16,
    pub(crate) id: u16,
}

impl VlanTag {
    /// An 802.1Q tag of this TCI.
    pub(crate) fn dot1q(tci: u16) -> Self {
        Self {
            proto: (b::ETH_P_8021Q as u16).to_be(),
            id: tci,
        }
    }
}
