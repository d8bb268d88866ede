// SPDX-License-Identifier: GPL-2.0

//! What changes a device, under RTNL: up and down, MTU, MAC address,
//! flags, VLAN filters, upper-device links, notifications.

use super::super::{bindings as b, rtnl::Rtnl, rtnl_link::ExtAck};
use super::{Device, MacAddr, NotifyEvent, VlanProto};

use kernel::error::{code::*, to_result, Result};

impl Device {
    /// `dev_open`.
    pub(crate) fn open(&self, _rtnl: &Rtnl, extack: &mut ExtAck) -> Result {
        // SAFETY: valid device, RTNL held.
        to_result(unsafe { b::dev_open(self.as_raw(), extack.0) })
    }

    /// `dev_close`.
    pub(crate) fn close(&self, _rtnl: &Rtnl) {
        // SAFETY: valid device, RTNL held.
        unsafe { b::dev_close(self.as_raw()) }
    }

    /// `dev_set_mtu`.
    pub(crate) fn set_mtu(&self, _rtnl: &Rtnl, mtu: u32) -> Result {
        let mtu = i32::try_from(mtu).map_err(|_| EINVAL)?;
        // SAFETY: valid device, RTNL held.
        to_result(unsafe { b::dev_set_mtu(self.as_raw(), mtu) })
    }

    /// Sets the MTU without notifying (`__dev_set_mtu`), for a device being
    /// unregistered.
    pub(crate) fn set_mtu_quiet(&self, _rtnl: &Rtnl, mtu: u32) -> Result {
        let mtu = i32::try_from(mtu).map_err(|_| EINVAL)?;
        // SAFETY: valid device, RTNL held.
        to_result(unsafe { b::__dev_set_mtu(self.as_raw(), mtu) })
    }

    /// `dev_set_mac_address`, for a device with Ethernet-sized addresses
    /// (EINVAL for any other).
    pub(crate) fn set_mac_address(
        &self,
        _rtnl: &Rtnl,
        mac: MacAddr,
        extack: &mut ExtAck,
    ) -> Result {
        // SAFETY: valid device; a plain field read.
        if usize::from(unsafe { (*self.as_raw()).addr_len }) != mac.0.len() {
            return Err(EINVAL);
        }
        let mut sa = b::sockaddr {
            sa_family: self.hw_type(),
            ..Default::default()
        };
        // SAFETY: the union's fixed-size view, 14 bytes, of which the address takes the first 6.
        let data = unsafe { sa.__bindgen_anon_1.sa_data_min.as_mut() };
        for (d, &s) in data.iter_mut().zip(mac.0.iter()) {
            *d = s as _;
        }
        // SAFETY: valid device, RTNL held; `sa` holds addr_len bytes of address.
        to_result(unsafe { b::dev_set_mac_address(self.as_raw(), &mut sa, extack.0) })
    }

    /// Takes `mac` as the device's address, assigned as `assign_type`
    /// (`NET_ADDR_*`), and announces it (`bond_set_dev_addr()`).
    fn set_hw_addr_notify(&self, mac: MacAddr, assign_type: u32) -> Result {
        let dev = self.as_raw();
        // SAFETY: valid device, RTNL held (the callers' proof); `mac` is read for the call.
        to_result(unsafe {
            b::dev_pre_changeaddr_notify(dev, mac.0.as_ptr(), core::ptr::null_mut())
        })?;
        // SAFETY: as above; an Ethernet device's address is `mac`'s 6 bytes.
        unsafe { b::rbond___dev_addr_set(dev, mac.0.as_ptr().cast(), mac.0.len()) };
        // SAFETY: valid device; a plain field, written under RTNL.
        unsafe { (*dev).addr_assign_type = assign_type as u8 };
        self.notify_change_addr();
        Ok(())
    }

    fn notify_change_addr(&self) {
        // SAFETY: valid device, RTNL held (the callers' proof).
        unsafe { b::call_netdevice_notifiers(b::netdev_cmd_NETDEV_CHANGEADDR as _, self.as_raw()) };
    }

    /// Sets the address the device reports and sends from, without
    /// telling its driver or anyone else (`__dev_addr_set()`): the
    /// hardware keeps filtering on the address it was given last.
    pub(crate) fn set_dev_addr_only(&self, _rtnl: &Rtnl, mac: MacAddr) {
        // SAFETY: valid device, RTNL held (the proof); an Ethernet device's address is `mac`'s 6 bytes.
        unsafe { b::rbond___dev_addr_set(self.as_raw(), mac.0.as_ptr().cast(), mac.0.len()) };
    }

    /// Takes `mac` as the device's address, marked as stolen from a slave
    /// (the bond, from its first slave), and announces it.
    pub(crate) fn steal_hw_addr(&self, _rtnl: &Rtnl, mac: MacAddr) -> Result {
        self.set_hw_addr_notify(mac, b::NET_ADDR_STOLEN)
    }

    /// Puts back a random address the device had before (undoing
    /// `steal_hw_addr`), and announces it.
    pub(crate) fn restore_random_hw_addr(&self, _rtnl: &Rtnl, mac: MacAddr) -> Result {
        self.set_hw_addr_notify(mac, b::NET_ADDR_RANDOM)
    }

    /// Gives the device a new random address and announces it.
    pub(crate) fn randomize_hw_addr(&self, _rtnl: &Rtnl) {
        // SAFETY: valid device, RTNL held.
        unsafe { b::rbond_eth_hw_addr_random(self.as_raw()) };
        self.notify_change_addr();
    }

    /// Adds and removes private flags (IFF_NO_ADDRCONF, ...).
    pub(crate) fn change_priv_flags(&self, _rtnl: &Rtnl, add: u64, remove: u64) {
        // SAFETY: valid device; priv_flags change under RTNL, which is held.
        let flags = unsafe { b::rbond_netdev_priv_flags(self.as_raw()) };
        // SAFETY: as above.
        unsafe { b::rbond_netdev_set_priv_flags(self.as_raw(), (flags | add) & !remove) }
    }

    /// Whether another rx_handler (a bond, bridge, macvlan...) owns the device.
    pub(crate) fn rx_handler_busy(&self, _rtnl: &Rtnl) -> bool {
        // SAFETY: valid device, RTNL held.
        unsafe { b::netdev_is_rx_handler_busy(self.as_raw()) }
    }

    /// Turns off LRO, which a slave must not do behind a bond.
    pub(crate) fn disable_lro(&self, _rtnl: &Rtnl) {
        // SAFETY: valid device, RTNL held.
        unsafe { b::dev_disable_lro(self.as_raw()) }
    }

    /// Adds `inc` (+1 or -1) to the device's promiscuity count
    /// (`dev_set_promiscuity`).
    pub(crate) fn set_promiscuity(&self, _rtnl: &Rtnl, inc: i32) -> Result {
        // SAFETY: valid device; RTNL is held (the proof), as __dev_set_promiscuity asserts.
        to_result(unsafe { b::dev_set_promiscuity(self.as_raw(), inc) })
    }

    /// Adds `inc` (+1 or -1) to the device's allmulti count
    /// (`dev_set_allmulti`).
    pub(crate) fn set_allmulti(&self, _rtnl: &Rtnl, inc: i32) -> Result {
        // SAFETY: valid device; RTNL is held (the proof), as __dev_set_allmulti asserts.
        to_result(unsafe { b::dev_set_allmulti(self.as_raw(), inc) })
    }

    /// Lets the device receive VLAN `vid` of `proto` (`vlan_vid_add`).
    pub(crate) fn vlan_vid_add(&self, _rtnl: &Rtnl, proto: VlanProto, vid: u16) -> Result {
        // SAFETY: valid device; RTNL is held, as vlan_vid_add asserts.
        to_result(unsafe { b::rbond_vlan_vid_add(self.as_raw(), proto.0, vid) })
    }

    /// Drops one reference to VLAN `vid` of `proto` (`vlan_vid_del`).
    pub(crate) fn vlan_vid_del(&self, _rtnl: &Rtnl, proto: VlanProto, vid: u16) {
        // SAFETY: as in vlan_vid_add.
        unsafe { b::rbond_vlan_vid_del(self.as_raw(), proto.0, vid) }
    }

    /// Adds every VLAN that `by` receives to this device
    /// (`vlan_vids_add_by_dev`); all or nothing.
    pub(crate) fn vlan_vids_add_by_dev(&self, _rtnl: &Rtnl, by: &Device) -> Result {
        // SAFETY: valid devices; RTNL is held, as the function asserts.
        to_result(unsafe { b::rbond_vlan_vids_add_by_dev(self.as_raw(), by.as_raw()) })
    }

    /// Undoes [`Device::vlan_vids_add_by_dev`] (`vlan_vids_del_by_dev`).
    pub(crate) fn vlan_vids_del_by_dev(&self, _rtnl: &Rtnl, by: &Device) {
        // SAFETY: as above.
        unsafe { b::rbond_vlan_vids_del_by_dev(self.as_raw(), by.as_raw()) }
    }

    /// Makes `master` this device's master upper device (sets IFF_SLAVE).
    pub(crate) fn link_master(&self, _rtnl: &Rtnl, master: &Device, extack: &mut ExtAck) -> Result {
        // SAFETY: both devices valid, RTNL held.
        to_result(unsafe {
            b::netdev_master_upper_dev_link(
                self.as_raw(),
                master.as_raw(),
                core::ptr::null_mut(),
                core::ptr::null_mut(),
                extack.0,
            )
        })
    }

    /// Undoes `link_master`.
    pub(crate) fn unlink_master(&self, _rtnl: &Rtnl, master: &Device) {
        // SAFETY: both devices valid, RTNL held.
        unsafe { b::netdev_upper_dev_unlink(self.as_raw(), master.as_raw()) }
    }

    /// Sets and clears interface flags directly, without the notifications
    /// of dev_change_flags: for IFF_SLAVE, which only the master manages
    /// (user space cannot set it, it is in IFF_VOLATILE).
    pub(crate) fn change_flags_raw(&self, _rtnl: &Rtnl, add: u32, remove: u32) {
        let dev = self.as_raw();
        // SAFETY: valid device; flags change under RTNL, which is held.
        unsafe { (*dev).flags = ((*dev).flags | add) & !remove }
    }

    /// Whether `upper` is one of this device's upper devices.
    pub(crate) fn has_upper(&self, _rtnl: &Rtnl, upper: &Device) -> bool {
        // SAFETY: both devices valid, RTNL held.
        unsafe { b::netdev_has_upper_dev(self.as_raw(), upper.as_raw()) }
    }

    /// Recomputes a master's features, MTU-independent header room and
    /// GSO limits from its lower devices
    /// (`netdev_compute_master_upper_features`).
    pub(crate) fn compute_master_features(&self, _rtnl: &Rtnl) {
        // SAFETY: valid device, RTNL held.
        unsafe { b::netdev_compute_master_upper_features(self.as_raw(), true) }
    }

    /// Unregisters the device (`unregister_netdevice`): it closes, its
    /// driver's uninit runs now, and the core frees it once unused.
    pub(crate) fn unregister(&self, _rtnl: &Rtnl) {
        // SAFETY: valid, registered device, under RTNL.
        unsafe { b::rbond_unregister_netdevice(self.as_raw()) }
    }

    /// Sends a netdevice event about this device (`call_netdevice_notifiers`).
    pub(crate) fn notify(&self, _rtnl: &Rtnl, event: NotifyEvent) {
        let ev = match event {
            NotifyEvent::NotifyPeers => b::netdev_cmd_NETDEV_NOTIFY_PEERS,
            NotifyEvent::BondingFailover => b::netdev_cmd_NETDEV_BONDING_FAILOVER,
            NotifyEvent::ResendIgmp => b::netdev_cmd_NETDEV_RESEND_IGMP,
            NotifyEvent::ChangeInfoData => b::netdev_cmd_NETDEV_CHANGEINFODATA,
        };
        // SAFETY: valid device, RTNL held.
        unsafe { b::call_netdevice_notifiers(ev as _, self.as_raw()) };
    }
}
