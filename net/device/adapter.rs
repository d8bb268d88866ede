// SPDX-License-Identifier: GPL-2.0

//! The trampolines of [`Driver`]: the `extern "C"` functions the core
//! calls through `net_device_ops` and `ethtool_ops`. Each turns raw
//! pointers into references, with the proof tokens its context gives
//! (RTNL, RCU), and calls the driver.

use super::super::{
    bindings as b,
    ethtool::DrvInfo,
    ioctl::IfReq,
    rcu::RcuGuard,
    rtnl::{Rtnl, RtnlCell},
    rtnl_link::ExtAck,
    skb::SkBuff,
    stats::LinkStats64,
};
use super::{
    priv_area::{DevPriv, WorkSlot},
    AddrLists, Device, Driver, Features, MacAddr, QueueSelect, Rearm, SetupDevice, TxOutcome,
    VlanProto, WorkId, MAX_WORKS,
};
use core::{
    marker::PhantomData,
    mem::{size_of, MaybeUninit},
    sync::atomic::AtomicBool,
};
use kernel::{
    error::{code::*, from_result, Result},
    types::Opaque,
    uaccess::UserPtr,
};

pub(in crate::net) struct Adapter<T: Driver>(PhantomData<T>);

impl<T: Driver> Adapter<T> {
    /// The size of a `T` device's private area.
    pub(in crate::net) const PRIV_SIZE: usize = size_of::<DevPriv<T>>();

    /// `priv_destructor`: the core runs it once the device is unregistered
    /// and its last reference is gone, before freeing it.
    ///
    /// # Safety
    ///
    /// Called by the core as `priv_destructor`, once, on a device of `T` that nothing uses any
    /// more.
    unsafe extern "C" fn destructor_callback(dev: *mut b::net_device) {
        // SAFETY: netdev_run_todo (or register_netdevice's unwinding) calls this on a device of ours that nothing uses any more.
        unsafe { Self::drop_data(dev) };
    }

    /// The `work` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the workqueue with the `work_struct` of a [`WorkSlot`] in the private area of a
    /// device of `T`, queued only while the device's data is initialised.
    unsafe extern "C" fn work_callback(work: *mut b::work_struct) {
        // The work is the first field of the delayed_work that is the
        // first field of a repr(C) WorkSlot.
        let slot = work.cast::<WorkSlot>();
        // SAFETY: the slot is number `index` of the array that is the first field of a repr(C) DevPriv<T> in a device's private area; it is only queued while the data is initialised, and the destructor cancels it before dropping the data.
        let index = unsafe { (*slot).index };
        // SAFETY: as above: slot 0 is the start of the private area.
        let p = unsafe { slot.sub(usize::from(index)) };
        // SAFETY: as above: `p` is the device's private area.
        let dev = unsafe { b::rbond_netdev_from_priv(p.cast()) };
        // SAFETY: as above.
        let dw = unsafe { (*slot).dw.get() };
        let id = WorkId(index);
        // SAFETY: as above.
        let (d, data) = unsafe { Self::parts(dev) };
        let delay = match T::work(d, data, id) {
            Rearm::Ms(ms) => {
                // SAFETY: plain conversion.
                unsafe { b::rbond_msecs_to_jiffies(ms) }
            }
            Rearm::Jiffies(j) => j as _,
            Rearm::Stop => return,
        };
        // SAFETY: the work is initialised; re-queueing from its own callback is allowed and cancel_delayed_work_sync handles it.
        unsafe { b::rbond_queue_delayed_work(dw, delay) };
    }

    /// Sets up a device the core allocated with `PRIV_SIZE` bytes of private
    /// area (alloc_netdev_mqs, or rtnl_create_link for `ip link add`).
    ///
    /// # Safety
    ///
    /// Called by `alloc_netdev_mqs` (or `rtnl_create_link`) with a new, exclusively owned device
    /// whose private area has `PRIV_SIZE` bytes.
    pub(in crate::net) unsafe extern "C" fn setup_callback(dev: *mut b::net_device) {
        // SAFETY: alloc_netdev_mqs calls setup with the new, exclusively owned device, whose private area has PRIV_SIZE bytes (every allocation of ours asks for that size).
        let p = unsafe { Self::priv_of(dev) };
        // The layer's fields are written in place; the data stays
        // uninitialised (`ready` false).
        // SAFETY: as above; only the address of a field is taken.
        let works = unsafe { core::ptr::addr_of_mut!((*p).works) }.cast::<WorkSlot>();
        for i in 0..MAX_WORKS {
            // SAFETY: `works` is an array of MAX_WORKS slots.
            let slot = unsafe { works.add(i) };
            // SAFETY: a slot of the exclusively owned private area.
            unsafe { core::ptr::addr_of_mut!((*slot).index).write(i as u8) };
            // SAFETY: as above; the work is initialised once, before anything can queue it.
            let dw = unsafe { Opaque::raw_get(core::ptr::addr_of!((*slot).dw)) };
            // SAFETY: as above.
            unsafe { b::rbond_init_delayed_work(dw, Some(Self::work_callback)) };
        }
        // SAFETY: a field of the exclusively owned private area.
        unsafe { core::ptr::addr_of_mut!((*p).proc_file).write(RtnlCell::new(None)) };
        // SAFETY: as above.
        unsafe { core::ptr::addr_of_mut!((*p).ready).write(AtomicBool::new(false)) };
        // SAFETY: as above.
        let dev = unsafe { &mut *dev };
        // SAFETY: `dev` is a freshly allocated net_device.
        unsafe { b::ether_setup(dev) };
        dev.netdev_ops = &T::OPS.0;
        dev.ethtool_ops = &Self::ETHTOOL_OPS;
        // The core owns and frees the device; the destructor drops the data.
        dev.needs_free_netdev = true;
        dev.priv_destructor = Some(Self::destructor_callback);
        T::setup(&mut SetupDevice(dev));
    }

    /// The `open` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the core as `ndo_open`, under RTNL, on a registered device of `T` (its private
    /// data initialised).
    unsafe extern "C" fn open_callback(dev: *mut b::net_device) -> kernel::ffi::c_int {
        from_result(|| {
            // SAFETY: __dev_open calls ndo_open under RTNL on a registered device of ours.
            let ((dev, data), rtnl) = unsafe { (Self::parts(dev), Rtnl::assume_held()) };
            T::open(dev, data, rtnl)?;
            Ok(0)
        })
    }

    /// The `stop` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the core as `ndo_stop`, under RTNL, on a registered device of `T` (its private
    /// data initialised).
    unsafe extern "C" fn stop_callback(dev: *mut b::net_device) -> kernel::ffi::c_int {
        from_result(|| {
            // SAFETY: __dev_close_many calls ndo_stop under RTNL on a registered device of ours.
            let ((dev, data), rtnl) = unsafe { (Self::parts(dev), Rtnl::assume_held()) };
            T::stop(dev, data, rtnl)?;
            Ok(0)
        })
    }

    /// The `start_xmit` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the core as `ndo_start_xmit` on a registered device of `T` (its private data
    /// initialised), with BH off under `rcu_read_lock_bh`, with a frame whose reference it passes
    /// on.
    unsafe extern "C" fn start_xmit_callback(
        skb: *mut b::sk_buff,
        dev: *mut b::net_device,
    ) -> b::netdev_tx_t {
        // SAFETY: the core calls ndo_start_xmit on a registered device of ours.
        let (dev, data) = unsafe { Self::parts(dev) };
        // SAFETY: __dev_queue_xmit, pktgen and netpoll call ndo_start_xmit with BH (or IRQs) off, an RCU read-side section that synchronize_rcu waits for.
        let rcu = unsafe { RcuGuard::assume_held() };
        // SAFETY: the stack transfers its reference to `skb` to us.
        match unsafe { SkBuff::from_raw(skb) } {
            Some(skb) => match T::start_xmit(dev, data, skb, &rcu) {
                TxOutcome::Consumed => b::netdev_tx_NETDEV_TX_OK,
            },
            None => b::netdev_tx_NETDEV_TX_OK,
        }
    }

    /// The `select_queue` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the core as `ndo_select_queue` on a registered device of `T` (its private data
    /// initialised), with BH off under RCU, with a frame it owns for the call.
    unsafe extern "C" fn select_queue_callback(
        dev: *mut b::net_device,
        skb: *mut b::sk_buff,
        _sb_dev: *mut b::net_device,
    ) -> u16 {
        // SAFETY: netdev_core_pick_tx calls this on a registered device of ours, with BH off and under RCU, with a frame it owns for the call.
        let ((d, data), mut skb) = unsafe { (Self::parts(dev), QueueSelect::from_raw(skb)) };
        T::select_queue(d, data, &mut skb)
    }

    /// The `get_drvinfo` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the ethtool core as `get_drvinfo` on a registered device of `T` (its private data
    /// initialised), with a drvinfo buffer it owns for the call.
    unsafe extern "C" fn get_drvinfo_callback(
        dev: *mut b::net_device,
        info: *mut b::ethtool_drvinfo,
    ) {
        // SAFETY: the ethtool core calls this on a registered device of ours, with a valid drvinfo buffer it owns for the duration of the call.
        let (dev, data, info) = unsafe { (Device::from_raw(dev), Self::parts(dev).1, &mut *info) };
        T::get_drvinfo(dev, data, &mut DrvInfo(info));
    }

    /// The `init` trampoline.
    ///
    /// # Safety
    ///
    /// Called by `register_netdevice` as `ndo_init`, under RTNL, on a device of `T` whose private
    /// data is initialised.
    unsafe extern "C" fn init_callback(raw: *mut b::net_device) -> kernel::ffi::c_int {
        from_result(|| {
            // SAFETY: register_netdevice calls ndo_init under RTNL, with the private data initialised (before registration).
            let ((dev, data), rtnl) = unsafe { (Self::parts(raw), Rtnl::assume_held()) };
            T::init(dev, data, rtnl)?;
            Ok(0)
        })
    }

    /// The `uninit` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the core as `ndo_uninit`, under RTNL, on a registered device of `T` (its private
    /// data initialised).
    unsafe extern "C" fn uninit_callback(raw: *mut b::net_device) {
        // SAFETY: the core calls ndo_uninit under RTNL on a device of ours.
        let ((dev, data), rtnl) = unsafe { (Self::parts(raw), Rtnl::assume_held()) };
        T::uninit(dev, data, rtnl);
        // Readers of the proc file may hold `&T::Data`, which the destructor
        // drops: remove it now (remove_proc_entry waits for them).
        // SAFETY: a device of ours: its private area holds an initialised DevPriv<T>.
        let cell = unsafe { &(*Self::priv_of(raw)).proc_file };
        let file = cell.borrow_mut(rtnl).ok().and_then(|mut f| f.take());
        drop(file);
    }

    /// The common part of the ioctl callbacks, which dev_ifsioc calls
    /// under RTNL with a kernel copy of the request.
    ///
    /// # Safety
    ///
    /// `dev` must be a registered device of ours and `ifr` valid for the call.
    unsafe fn ioctl(
        dev: *mut b::net_device,
        ifr: *mut b::ifreq,
        f: impl FnOnce(&Device, &T::Data, &Rtnl, &mut IfReq<'_>) -> Result,
    ) -> kernel::ffi::c_int {
        from_result(|| {
            let ((dev, data), rtnl, ifr) =
                // SAFETY: per the function's requirements; RTNL is held by dev_ifsioc.
                unsafe { (Self::parts(dev), Rtnl::assume_held(), &mut *ifr) };
            f(dev, data, rtnl, &mut IfReq(ifr))?;
            Ok(0)
        })
    }

    /// The `siocbond` trampoline.
    ///
    /// # Safety
    ///
    /// Called by `dev_ifsioc` as `ndo_siocbond`, under RTNL, on a registered device of `T` (its
    /// private data initialised), with a kernel copy of the request.
    unsafe extern "C" fn siocbond_callback(
        dev: *mut b::net_device,
        ifr: *mut b::ifreq,
        cmd: kernel::ffi::c_int,
    ) -> kernel::ffi::c_int {
        // SAFETY: ndo_siocbond of a device of ours, called by dev_ifsioc.
        unsafe {
            Self::ioctl(dev, ifr, |d, data, rtnl, ifr| {
                T::siocbond(d, data, rtnl, ifr, cmd as u32)
            })
        }
    }

    /// The `siocdevprivate` trampoline.
    ///
    /// # Safety
    ///
    /// Called by `dev_ifsioc` as `ndo_siocdevprivate`, under RTNL, on a registered device of `T`
    /// (its private data initialised), with a kernel copy of the request and its user pointer.
    unsafe extern "C" fn siocdevprivate_callback(
        dev: *mut b::net_device,
        ifr: *mut b::ifreq,
        user: *mut core::ffi::c_void,
        cmd: kernel::ffi::c_int,
    ) -> kernel::ffi::c_int {
        // SAFETY: ndo_siocdevprivate of a device of ours, called by dev_ifsioc.
        unsafe {
            Self::ioctl(dev, ifr, |d, data, rtnl, ifr| {
                T::siocdevprivate(d, data, rtnl, ifr, user as UserPtr, cmd as u32)
            })
        }
    }

    /// The `eth_ioctl` trampoline.
    ///
    /// # Safety
    ///
    /// Called by `dev_ifsioc` as `ndo_eth_ioctl`, under RTNL, on a registered device of `T` (its
    /// private data initialised), with a kernel copy of the request.
    unsafe extern "C" fn eth_ioctl_callback(
        dev: *mut b::net_device,
        ifr: *mut b::ifreq,
        cmd: kernel::ffi::c_int,
    ) -> kernel::ffi::c_int {
        // SAFETY: ndo_eth_ioctl of a device of ours, called by dev_ifsioc.
        unsafe {
            Self::ioctl(dev, ifr, |d, data, rtnl, ifr| {
                T::eth_ioctl(d, data, rtnl, ifr, cmd as u32)
            })
        }
    }

    /// The `add_slave` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the core as `ndo_add_slave`, under RTNL, on a registered device of `T` (its
    /// private data initialised), with a registered lower device and a null or valid extack.
    unsafe extern "C" fn add_slave_callback(
        dev: *mut b::net_device,
        slave: *mut b::net_device,
        extack: *mut b::netlink_ext_ack,
    ) -> kernel::ffi::c_int {
        from_result(|| {
            let ((dev, data), rtnl, slave) =
                // SAFETY: do_set_master calls this under RTNL with two registered devices.
                unsafe { (Self::parts(dev), Rtnl::assume_held(), Device::from_raw(slave)) };
            T::add_slave(dev, data, rtnl, slave, &mut ExtAck(extack))?;
            Ok(0)
        })
    }

    /// The `del_slave` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the core as `ndo_del_slave`, under RTNL, on a registered device of `T` (its
    /// private data initialised), with a registered lower device.
    unsafe extern "C" fn del_slave_callback(
        dev: *mut b::net_device,
        slave: *mut b::net_device,
    ) -> kernel::ffi::c_int {
        from_result(|| {
            let ((dev, data), rtnl, slave) =
                // SAFETY: as in add_slave_callback.
                unsafe { (Self::parts(dev), Rtnl::assume_held(), Device::from_raw(slave)) };
            T::del_slave(dev, data, rtnl, slave)?;
            Ok(0)
        })
    }

    /// The `change_mtu` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the core as `ndo_change_mtu`, under RTNL, on a registered device of `T` (its
    /// private data initialised).
    unsafe extern "C" fn change_mtu_callback(
        dev: *mut b::net_device,
        mtu: kernel::ffi::c_int,
    ) -> kernel::ffi::c_int {
        from_result(|| {
            // SAFETY: dev_set_mtu calls this under RTNL on a device of ours.
            let ((d, data), rtnl) = unsafe { (Self::parts(dev), Rtnl::assume_held()) };
            let mtu = u32::try_from(mtu).map_err(|_| EINVAL)?;
            T::change_mtu(d, data, rtnl, mtu)?;
            // SAFETY: as above; ndo_change_mtu must store the new MTU, which lockless readers read once (WRITE_ONCE()).
            unsafe { core::ptr::write_volatile(core::ptr::addr_of_mut!((*dev).mtu), mtu) };
            Ok(0)
        })
    }

    /// The `set_mac_address` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the core as `ndo_set_mac_address`, under RTNL, on a registered device of `T` (its
    /// private data initialised), with a `struct sockaddr` it owns for the call.
    unsafe extern "C" fn set_mac_address_callback(
        dev: *mut b::net_device,
        sa: *mut core::ffi::c_void,
    ) -> kernel::ffi::c_int {
        from_result(|| {
            // SAFETY: dev_set_mac_address passes a sockaddr with addr_len (6) bytes of address data, in its fixed-size view.
            let data = unsafe {
                (*sa.cast::<b::sockaddr>())
                    .__bindgen_anon_1
                    .sa_data_min
                    .as_ref()
            };
            let mut mac = MacAddr::default();
            for (m, &d) in mac.0.iter_mut().zip(data.iter()) {
                *m = d;
            }
            // As eth_prepare_mac_addr_change().
            if !mac.is_valid() {
                return Err(crate::net::error::eaddrnotavail());
            }
            // SAFETY: called under RTNL on a device of ours.
            let ((d, data), rtnl) = unsafe { (Self::parts(dev), Rtnl::assume_held()) };
            if T::set_mac_address(d, data, rtnl, mac)? {
                // SAFETY: as above; the core notifies NETDEV_CHANGEADDR after ndo_set_mac_address returns.
                unsafe { b::rbond___dev_addr_set(dev, mac.0.as_ptr().cast(), mac.0.len()) };
                // SAFETY: as above; a plain field (eth_commit_mac_addr_change()).
                unsafe { (*dev).addr_assign_type = b::NET_ADDR_SET as u8 };
            }
            Ok(0)
        })
    }

    /// The `get_stats64` trampoline.
    ///
    /// # Safety
    ///
    /// Called by `dev_get_stats` as `ndo_get_stats64` on a registered device of `T` (its private
    /// data initialised), with a zeroed counter block it owns for the call.
    unsafe extern "C" fn get_stats64_callback(
        dev: *mut b::net_device,
        stats: *mut b::rtnl_link_stats64,
    ) {
        // SAFETY: the core passes a zeroed stats buffer it owns for the call.
        let ((dev, data), stats) = unsafe { (Self::parts(dev), &mut *stats.cast::<LinkStats64>()) };
        T::get_stats64(dev, data, stats);
    }

    /// The `change_rx_flags` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the core as `ndo_change_rx_flags`, under RTNL, on a registered device of `T` (its
    /// private data initialised).
    unsafe extern "C" fn change_rx_flags_callback(
        dev: *mut b::net_device,
        change: kernel::ffi::c_int,
    ) {
        // SAFETY: dev_change_rx_flags runs only from __dev_set_promiscuity and __dev_set_allmulti, which assert RTNL, on a device of ours.
        let ((d, data), rtnl) = unsafe { (Self::parts(dev), Rtnl::assume_held()) };
        T::change_rx_flags(d, data, rtnl, change as u32);
    }

    /// The `set_rx_mode` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the core as `ndo_set_rx_mode` on a registered device of `T` (its private data
    /// initialised), with the device's address lists locked and BH off.
    unsafe extern "C" fn set_rx_mode_callback(dev: *mut b::net_device) {
        // SAFETY: __dev_set_rx_mode calls this on a device of ours with its address lists locked (netif_addr_lock_bh).
        let (d, data) = unsafe { Self::parts(dev) };
        let rcu = RcuGuard::lock();
        T::set_rx_mode(d, data, &AddrLists { dev: d }, &rcu);
    }

    /// The `vlan_rx_add_vid` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the 8021q core as `ndo_vlan_rx_add_vid`, under RTNL, on a registered device of `T`
    /// (its private data initialised).
    unsafe extern "C" fn vlan_rx_add_vid_callback(
        dev: *mut b::net_device,
        proto: u16,
        vid: u16,
    ) -> kernel::ffi::c_int {
        from_result(|| {
            // SAFETY: vlan_add_rx_filter_info calls this under RTNL on a device of ours.
            let ((d, data), rtnl) = unsafe { (Self::parts(dev), Rtnl::assume_held()) };
            T::vlan_rx_add_vid(d, data, rtnl, VlanProto(proto), vid)?;
            Ok(0)
        })
    }

    /// The `vlan_rx_kill_vid` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the 8021q core as `ndo_vlan_rx_kill_vid`, under RTNL, on a registered device of
    /// `T` (its private data initialised).
    unsafe extern "C" fn vlan_rx_kill_vid_callback(
        dev: *mut b::net_device,
        proto: u16,
        vid: u16,
    ) -> kernel::ffi::c_int {
        from_result(|| {
            // SAFETY: vlan_kill_rx_filter_info calls this under RTNL on a device of ours.
            let ((d, data), rtnl) = unsafe { (Self::parts(dev), Rtnl::assume_held()) };
            T::vlan_rx_kill_vid(d, data, rtnl, VlanProto(proto), vid)?;
            Ok(0)
        })
    }

    /// The `fix_features` trampoline.
    ///
    /// # Safety
    ///
    /// Called by `netdev_fix_features` as `ndo_fix_features`, under RTNL, on a registered device of
    /// `T` (its private data initialised).
    unsafe extern "C" fn fix_features_callback(
        dev: *mut b::net_device,
        features: b::netdev_features_t,
    ) -> b::netdev_features_t {
        // SAFETY: netdev_fix_features calls this under RTNL on a registered device of ours.
        let ((d, data), rtnl) = unsafe { (Self::parts(dev), Rtnl::assume_held()) };
        T::fix_features(d, data, rtnl, Features(features)).0
    }

    #[cfg(CONFIG_NET_POLL_CONTROLLER)]
    /// The `netpoll_setup` trampoline.
    ///
    /// # Safety
    ///
    /// Called by `__netpoll_setup` as `ndo_netpoll_setup`, under RTNL, on a registered device of
    /// `T` (its private data initialised).
    unsafe extern "C" fn netpoll_setup_callback(
        dev: *mut b::net_device,
        _ni: *mut b::netpoll_info,
    ) -> kernel::ffi::c_int {
        from_result(|| {
            // SAFETY: __netpoll_setup calls this under RTNL (it asserts it) on a device of ours.
            let ((d, data), rtnl) = unsafe { (Self::parts(dev), Rtnl::assume_held()) };
            T::netpoll_setup(d, data, rtnl)?;
            Ok(0)
        })
    }

    #[cfg(CONFIG_NET_POLL_CONTROLLER)]
    /// The `netpoll_cleanup` trampoline.
    ///
    /// # Safety
    ///
    /// Called by `__netpoll_cleanup` as `ndo_netpoll_cleanup`, under RTNL, on a registered device
    /// of `T` (its private data initialised).
    unsafe extern "C" fn netpoll_cleanup_callback(dev: *mut b::net_device) {
        // SAFETY: __netpoll_cleanup calls this under RTNL on a device of ours.
        let ((d, data), rtnl) = unsafe { (Self::parts(dev), Rtnl::assume_held()) };
        T::netpoll_cleanup(d, data, rtnl);
    }

    #[cfg(CONFIG_NET_POLL_CONTROLLER)]
    /// The `poll_controller` trampoline.
    ///
    /// # Safety
    ///
    /// Called by `netpoll_poll_dev` as `ndo_poll_controller` on a registered device of `T` (its
    /// private data initialised) that has netpoll, interrupts off.
    unsafe extern "C" fn poll_controller_callback(dev: *mut b::net_device) {
        // SAFETY: netpoll_poll_dev calls this on a device of ours that has netpoll.
        let (d, data) = unsafe { Self::parts(dev) };
        let rcu = RcuGuard::lock();
        T::poll_controller(d, data, &rcu);
    }

    pub(super) const NETDEV_OPS: b::net_device_ops = b::net_device_ops {
        ndo_init: Some(Self::init_callback),
        ndo_open: Some(Self::open_callback),
        ndo_stop: Some(Self::stop_callback),
        ndo_uninit: Some(Self::uninit_callback),
        ndo_start_xmit: Some(Self::start_xmit_callback),
        ndo_set_mac_address: if T::HAS_SET_MAC_ADDRESS {
            Some(Self::set_mac_address_callback)
        } else {
            Some(b::eth_mac_addr)
        },
        ndo_fix_features: if T::HAS_FIX_FEATURES {
            Some(Self::fix_features_callback)
        } else {
            None
        },
        ndo_select_queue: if T::HAS_SELECT_QUEUE {
            Some(Self::select_queue_callback)
        } else {
            None
        },
        ndo_change_mtu: if T::HAS_CHANGE_MTU {
            Some(Self::change_mtu_callback)
        } else {
            None
        },
        ndo_validate_addr: Some(b::eth_validate_addr),
        ndo_siocbond: if T::HAS_SIOCBOND {
            Some(Self::siocbond_callback)
        } else {
            None
        },
        ndo_siocdevprivate: if T::HAS_SIOCDEVPRIVATE {
            Some(Self::siocdevprivate_callback)
        } else {
            None
        },
        ndo_eth_ioctl: if T::HAS_ETH_IOCTL {
            Some(Self::eth_ioctl_callback)
        } else {
            None
        },
        ndo_add_slave: if T::HAS_ADD_SLAVE {
            Some(Self::add_slave_callback)
        } else {
            None
        },
        ndo_del_slave: if T::HAS_DEL_SLAVE {
            Some(Self::del_slave_callback)
        } else {
            None
        },
        ndo_get_stats64: if T::HAS_GET_STATS64 {
            Some(Self::get_stats64_callback)
        } else {
            None
        },
        ndo_change_rx_flags: if T::HAS_CHANGE_RX_FLAGS {
            Some(Self::change_rx_flags_callback)
        } else {
            None
        },
        ndo_set_rx_mode: if T::HAS_SET_RX_MODE {
            Some(Self::set_rx_mode_callback)
        } else {
            None
        },
        ndo_vlan_rx_add_vid: if T::HAS_VLAN_RX_ADD_VID {
            Some(Self::vlan_rx_add_vid_callback)
        } else {
            None
        },
        ndo_vlan_rx_kill_vid: if T::HAS_VLAN_RX_KILL_VID {
            Some(Self::vlan_rx_kill_vid_callback)
        } else {
            None
        },
        #[cfg(CONFIG_NET_POLL_CONTROLLER)]
        ndo_netpoll_setup: if T::HAS_NETPOLL_SETUP {
            Some(Self::netpoll_setup_callback)
        } else {
            None
        },
        #[cfg(CONFIG_NET_POLL_CONTROLLER)]
        ndo_netpoll_cleanup: if T::HAS_NETPOLL_CLEANUP {
            Some(Self::netpoll_cleanup_callback)
        } else {
            None
        },
        #[cfg(CONFIG_NET_POLL_CONTROLLER)]
        ndo_poll_controller: if T::HAS_POLL_CONTROLLER {
            Some(Self::poll_controller_callback)
        } else {
            None
        },
        // SAFETY: net_device_ops is plain old data (function pointers and integers) for which all-zeroes means "not implemented".
        ..unsafe { MaybeUninit::zeroed().assume_init() }
    };

    const ETHTOOL_OPS: b::ethtool_ops = b::ethtool_ops {
        get_drvinfo: if T::HAS_GET_DRVINFO {
            Some(Self::get_drvinfo_callback)
        } else {
            None
        },
        get_link: Some(b::ethtool_op_get_link),
        // SAFETY: ethtool_ops is plain old data for which all-zeroes means "not implemented".
        ..unsafe { MaybeUninit::zeroed().assume_init() }
    };
}
