// SPDX-License-Identifier: GPL-2.0

//! A network device driver: the [`Driver`] trait of callbacks, and the
//! `net_device_ops` built from it ([`NetdevOps`]).

use super::super::error::eopnotsupp;
use super::super::{
    bindings as b,
    ethtool::DrvInfo,
    ioctl::IfReq,
    proc::{SeqFile, Show},
    rcu::RcuGuard,
    rtnl::Rtnl,
    rtnl_link::ExtAck,
    skb::SkBuff,
    stats::LinkStats64,
};
use super::{
    adapter::Adapter, AddrLists, Device, Features, MacAddr, QueueSelect, Rearm, SetupDevice,
    TxOutcome, VlanProto, WorkId,
};
use core::{fmt, marker::PhantomData};
use kernel::{
    build_error, error::Result, error::VTABLE_DEFAULT_ERROR, prelude::*, types::Opaque,
    uaccess::UserPtr,
};

/// The `net_device_ops` of driver `T`, in a `static` that the driver
/// declares (`static OPS: NetdevOps<MyDriver> = NetdevOps::new();`): a
/// static has one address, which is how [`Device::driver_data`] recognises
/// the driver's devices (a promoted constant may be duplicated).
#[repr(transparent)]
pub(crate) struct NetdevOps<T: Driver>(pub(super) b::net_device_ops, PhantomData<T>);

// SAFETY: function pointers and plain integers, never written after construction.
unsafe impl<T: Driver> Sync for NetdevOps<T> {}

impl<T: Driver> NetdevOps<T> {
    /// The ops whose callbacks are `T`'s.
    pub(crate) const fn new() -> Self {
        Self(Adapter::<T>::NETDEV_OPS, PhantomData)
    }
}

/// A network device driver: its private data and its callbacks.
#[vtable]
pub(crate) trait Driver: 'static + Sized {
    /// Per-device private data, kept in the net_device's private area.
    type Data: Send + Sync;

    /// The driver's ops, a `static` of the driver's own.
    const OPS: &'static NetdevOps<Self>;

    /// Sets flags and limits before registration.
    fn setup(_dev: &mut SetupDevice<'_>) {}

    /// `ndo_open`: the device goes up. Runs under RTNL.
    fn open(_dev: &Device, _data: &Self::Data, _rtnl: &Rtnl) -> Result {
        Ok(())
    }

    /// `ndo_stop`: the device goes down. Runs under RTNL.
    fn stop(_dev: &Device, _data: &Self::Data, _rtnl: &Rtnl) -> Result {
        Ok(())
    }

    /// `ndo_start_xmit`: transmit `skb`. Runs in softirq/BH context under
    /// `rcu_read_lock_bh` (hence `rcu`): must not sleep.
    fn start_xmit(dev: &Device, data: &Self::Data, skb: SkBuff, rcu: &RcuGuard) -> TxOutcome;

    /// `ndo_fix_features` (under RTNL): the offloads the device offers,
    /// given those the core asks for (`wanted`).
    fn fix_features(
        _dev: &Device,
        _data: &Self::Data,
        _rtnl: &Rtnl,
        _wanted: Features,
    ) -> Features {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// `ndo_select_queue`: the transmit queue of the device the frame goes
    /// to. Runs on the transmit path (BH off, under RCU): must not sleep.
    fn select_queue(_dev: &Device, _data: &Self::Data, _skb: &mut QueueSelect<'_>) -> u16 {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// ethtool `get_drvinfo`.
    fn get_drvinfo(_dev: &Device, _data: &Self::Data, _info: &mut DrvInfo<'_>) {}

    /// `ndo_init`: the device is registering (under RTNL), its name final;
    /// an error fails the registration. A device that locks its lower
    /// devices' queues or address lists inside its own calls
    /// [`Device::set_stacked_lock_classes`] here.
    fn init(_dev: &Device, _data: &Self::Data, _rtnl: &Rtnl) -> Result {
        Ok(())
    }

    /// `ndo_uninit`: the device is being unregistered (under RTNL).
    fn uninit(_dev: &Device, _data: &Self::Data, _rtnl: &Rtnl) {}

    /// `ndo_siocbond`: the SIOCBOND* ioctls (under RTNL).
    fn siocbond(
        _dev: &Device,
        _data: &Self::Data,
        _rtnl: &Rtnl,
        _ifr: &mut IfReq<'_>,
        _cmd: u32,
    ) -> Result {
        Err(eopnotsupp())
    }

    /// `ndo_siocdevprivate`: SIOCDEVPRIVATE+n ioctls (under RTNL).
    fn siocdevprivate(
        _dev: &Device,
        _data: &Self::Data,
        _rtnl: &Rtnl,
        _ifr: &mut IfReq<'_>,
        _user: UserPtr,
        _cmd: u32,
    ) -> Result {
        Err(eopnotsupp())
    }

    /// `ndo_eth_ioctl`: SIOCGMIIPHY/SIOCGMIIREG/SIOCSMIIREG (under RTNL).
    fn eth_ioctl(
        _dev: &Device,
        _data: &Self::Data,
        _rtnl: &Rtnl,
        _ifr: &mut IfReq<'_>,
        _cmd: u32,
    ) -> Result {
        Err(eopnotsupp())
    }

    /// `ndo_add_slave` (`ip link set X master`, under RTNL).
    fn add_slave(
        _dev: &Device,
        _data: &Self::Data,
        _rtnl: &Rtnl,
        _slave: &Device,
        _extack: &mut ExtAck,
    ) -> Result {
        Err(eopnotsupp())
    }

    /// `ndo_del_slave` (`ip link set X nomaster`, under RTNL).
    fn del_slave(_dev: &Device, _data: &Self::Data, _rtnl: &Rtnl, _slave: &Device) -> Result {
        Err(eopnotsupp())
    }

    /// One of the device's delayed works (process context, no locks held):
    /// started with `Device::start_work`, it runs again as it returns.
    fn work(_dev: &Device, _data: &Self::Data, _id: WorkId) -> Rearm {
        Rearm::Stop
    }

    /// `ndo_change_rx_flags` (under RTNL): IFF_PROMISC and/or IFF_ALLMULTI,
    /// the bits set in `change`, flipped on the device.
    fn change_rx_flags(_dev: &Device, _data: &Self::Data, _rtnl: &Rtnl, _change: u32) {}

    /// `ndo_set_rx_mode`: the device's address lists changed. They are
    /// locked (`lists`), with BH off: no sleeping, no RTNL.
    fn set_rx_mode(_dev: &Device, _data: &Self::Data, _lists: &AddrLists<'_>, _rcu: &RcuGuard) {}

    /// `ndo_vlan_rx_add_vid` (under RTNL): receive VLAN `vid`.
    fn vlan_rx_add_vid(
        _dev: &Device,
        _data: &Self::Data,
        _rtnl: &Rtnl,
        _proto: VlanProto,
        _vid: u16,
    ) -> Result {
        Ok(())
    }

    /// `ndo_vlan_rx_kill_vid` (under RTNL): stop receiving VLAN `vid`.
    fn vlan_rx_kill_vid(
        _dev: &Device,
        _data: &Self::Data,
        _rtnl: &Rtnl,
        _proto: VlanProto,
        _vid: u16,
    ) -> Result {
        Ok(())
    }

    /// `ndo_netpoll_setup` (under RTNL): a netpoll client (netconsole)
    /// attaches to the device.
    fn netpoll_setup(_dev: &Device, _data: &Self::Data, _rtnl: &Rtnl) -> Result {
        Ok(())
    }

    /// `ndo_netpoll_cleanup` (under RTNL): the last netpoll client left.
    fn netpoll_cleanup(_dev: &Device, _data: &Self::Data, _rtnl: &Rtnl) {}

    /// `ndo_poll_controller`: netpoll polls the device, interrupts off.
    fn poll_controller(_dev: &Device, _data: &Self::Data, _rcu: &RcuGuard) {}

    /// `ndo_change_mtu` (under RTNL): on success the layer sets the MTU.
    fn change_mtu(_dev: &Device, _data: &Self::Data, _rtnl: &Rtnl, _mtu: u32) -> Result {
        Ok(())
    }

    /// `ndo_set_mac_address` (under RTNL): on success the layer sets the
    /// device's address (unless the driver returns `Ok(false)`: keep it).
    fn set_mac_address(
        _dev: &Device,
        _data: &Self::Data,
        _rtnl: &Rtnl,
        _mac: MacAddr,
    ) -> Result<bool> {
        Ok(true)
    }

    /// `ndo_get_stats64`: fill `stats` (zeroed) with the device's counters.
    fn get_stats64(_dev: &Device, _data: &Self::Data, _stats: &mut LinkStats64) {}

    /// Writes the device's file in the proc directory given at registration.
    fn proc_show(_dev: &Device, _data: &Self::Data, _out: &mut SeqFile) -> fmt::Result {
        Ok(())
    }
}

/// The proc file's view of a device of driver `T`.
#[repr(transparent)]
pub(super) struct ProcView<T: Driver>(Opaque<b::net_device>, PhantomData<T>);

// SAFETY: only shared access to the device and its Sync data.
unsafe impl<T: Driver> Sync for ProcView<T> {}

impl<T: Driver> Show for ProcView<T> {
    fn show(&self, out: &mut SeqFile) -> fmt::Result {
        // SAFETY: a ProcView is only created by Device::proc_create over a registered `T` device, whose ndo_uninit removes the proc file before the data can be dropped.
        let (dev, data) = unsafe { Adapter::<T>::parts(self.0.get()) };
        T::proc_show(dev, data, out)
    }
}
