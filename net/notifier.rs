// SPDX-License-Identifier: GPL-2.0

//! Netdevice notifiers: a driver hears about other devices' state changes.

use super::{bindings as b, device::Device, rtnl::Rtnl};
use core::marker::PhantomData;
use kernel::{error::to_result, prelude::*, types::Opaque};

/// The events a driver can act on (`enum netdev_cmd`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NetdevEvent {
    /// The device went up.
    Up,
    /// The device went down.
    Down,
    /// Carrier or other state changed.
    Change,
    /// The device is being unregistered.
    Unregister,
    /// The device was renamed.
    ChangeName,
    /// The device's features changed.
    FeatChange,
    /// Someone asks for IGMP reports to be sent again on the device.
    ResendIgmp,
    /// Anything else.
    Other,
}

/// A receiver of netdevice events. Netdevice notifiers run under RTNL.
pub(crate) trait NetdevNotifier: 'static {
    /// Handles `event` for `dev`.
    fn event(event: NetdevEvent, dev: &Device, rtnl: &Rtnl);
}

/// A registered notifier; dropping it unregisters it.
pub(crate) struct NotifierRegistration<N: NetdevNotifier> {
    nb: Pin<KBox<Opaque<b::notifier_block>>>,
    _n: PhantomData<N>,
}

// SAFETY: the notifier block is only touched by (un)registration, which the notifier chain serialises itself.
unsafe impl<N: NetdevNotifier> Send for NotifierRegistration<N> {}
// SAFETY: no `&self` method.
unsafe impl<N: NetdevNotifier> Sync for NotifierRegistration<N> {}

impl<N: NetdevNotifier> NotifierRegistration<N> {
    /// Registers `N` for every device of every namespace.
    pub(crate) fn new() -> Result<Self> {
        let nb = KBox::pin(
            Opaque::new(b::notifier_block {
                notifier_call: Some(callback::<N>),
                ..Default::default()
            }),
            GFP_KERNEL,
        )?;
        // SAFETY: the block is pinned and lives until Drop unregisters it.
        to_result(unsafe { b::register_netdevice_notifier(nb.get()) })?;
        Ok(Self {
            nb,
            _n: PhantomData,
        })
    }
}

impl<N: NetdevNotifier> Drop for NotifierRegistration<N> {
    fn drop(&mut self) {
        // SAFETY: registered in `new`.
        unsafe { b::unregister_netdevice_notifier(self.nb.get()) };
    }
}

/// The `callback` trampoline.
///
/// # Safety
///
/// Called by the netdevice notifier chain this block was registered on, under RTNL, with `info` a
/// valid `struct netdev_notifier_info` of the event.
unsafe extern "C" fn callback<N: NetdevNotifier>(
    _nb: *mut b::notifier_block,
    event: kernel::ffi::c_ulong,
    info: *mut core::ffi::c_void,
) -> kernel::ffi::c_int {
    let event = match event as u32 {
        b::netdev_cmd_NETDEV_UP => NetdevEvent::Up,
        b::netdev_cmd_NETDEV_DOWN => NetdevEvent::Down,
        b::netdev_cmd_NETDEV_CHANGE => NetdevEvent::Change,
        b::netdev_cmd_NETDEV_UNREGISTER => NetdevEvent::Unregister,
        b::netdev_cmd_NETDEV_CHANGENAME => NetdevEvent::ChangeName,
        b::netdev_cmd_NETDEV_FEAT_CHANGE => NetdevEvent::FeatChange,
        b::netdev_cmd_NETDEV_RESEND_IGMP => NetdevEvent::ResendIgmp,
        _ => NetdevEvent::Other,
    };
    if event == NetdevEvent::Other {
        return b::NOTIFY_DONE as _;
    }
    // SAFETY: netdevice notifiers get a netdev_notifier_info for a valid device.
    let dev = unsafe { Device::from_raw(b::rbond_netdev_notifier_info_to_dev(info)) };
    // SAFETY: netdevice notifiers run under RTNL.
    let rtnl = unsafe { Rtnl::assume_held() };
    N::event(event, dev, rtnl);
    b::NOTIFY_DONE as _
}
