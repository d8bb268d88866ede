// SPDX-License-Identifier: GPL-2.0

//! Receive handlers (`netdev_rx_handler_register`): a driver's hook on
//! frames arriving on another device, run in softirq under RCU.

use super::{
    bindings as b,
    device::{Device, MacAddr, ETH_ALEN},
    rcu::RcuGuard,
    rtnl::Rtnl,
};
use core::ptr::NonNull;
use kernel::{error::to_result, prelude::*, sync::Arc};

/// What happens to a frame after the handler (`rx_handler_result`).
pub(crate) enum RxResult {
    /// The handler freed or kept the frame.
    Consumed,
    /// Receive it again on the device the handler set (`skb->dev`).
    Another,
    /// Deliver it only to sockets bound exactly to the receiving device.
    Exact,
    /// Deliver it as if there were no handler.
    Pass,
}

/// A frame in an rx handler. The handler may replace the buffer (share
/// check); the wrapper keeps the core's `*pskb` in step.
pub(crate) struct RxSkb<'a> {
    pskb: &'a mut *mut b::sk_buff,
}

impl RxSkb<'_> {
    /// Makes sure the frame is not shared before it is changed
    /// (`skb_share_check`). False if it had to be dropped: the handler must
    /// then return `Consumed`.
    pub(crate) fn unshare(&mut self) -> bool {
        // SAFETY: `*pskb` is the valid frame the core handed us; on failure skb_share_check freed it and returns null.
        let skb = unsafe { b::rbond_skb_share_check(*self.pskb) };
        *self.pskb = skb;
        !skb.is_null()
    }

    /// The Ethernet destination address.
    pub(crate) fn eth_dest(&self) -> MacAddr {
        let mut mac = MacAddr::default();
        // SAFETY: frames reach rx handlers with the MAC header set (eth_type_trans ran), at least ETH_HLEN bytes from it.
        let dest = unsafe { (*b::rbond_eth_hdr(*self.pskb)).h_dest };
        mac.0.copy_from_slice(&dest[..ETH_ALEN]);
        mac
    }

    /// Whether the stack found EtherType `ethertype` (`skb->protocol`, set by
    /// `eth_type_trans`): an inline field read, for the per-frame test that
    /// comes before any copy.
    #[inline]
    pub(crate) fn has_protocol(&self, ethertype: u16) -> bool {
        // SAFETY: `*pskb` is the valid frame the core handed us.
        let proto = unsafe { *super::skb::protocol(*self.pskb) };
        proto == ethertype.to_be()
    }

    /// Whether the frame was addressed to another host, or looped back
    /// (`skb->pkt_type` PACKET_OTHERHOST or PACKET_LOOPBACK): not the
    /// network's answer to this host.
    pub(crate) fn is_otherhost_or_loopback(&self) -> bool {
        // SAFETY: `*pskb` is the valid frame the core handed us; a read of its headers group.
        let t = u32::from(unsafe { (*super::skb::headers(*self.pskb)).pkt_type() });
        t == b::PACKET_OTHERHOST || t == b::PACKET_LOOPBACK
    }

    /// Copies the frame's first `buf.len()` bytes after the Ethernet
    /// header into `buf` (`skb_copy_bits()`, which reads the paged parts
    /// too); false if the frame is shorter.
    pub(crate) fn copy_payload(&self, buf: &mut [u8]) -> bool {
        let Ok(len) = i32::try_from(buf.len()) else {
            return false;
        };
        // SAFETY: the frame is valid; `buf` has `len` writable bytes.
        unsafe { b::skb_copy_bits(*self.pskb, 0, buf.as_mut_ptr().cast(), len) == 0 }
    }

    /// Frees the frame, handled (`consume_skb`): the handler must then
    /// return [`RxResult::Consumed`].
    pub(crate) fn consume(&mut self) {
        let skb = core::mem::take(self.pskb);
        if !skb.is_null() {
            // SAFETY: the frame was ours (the core handed it over); nothing uses it after this, `*pskb` is cleared.
            unsafe { b::rbond_consume_skb(skb) };
        }
    }

    /// Makes the frame look received on the receiving device's master
    /// upper device (`skb->dev = netdev_master_upper_dev_get_rcu(skb->dev)`),
    /// as a stacked device's rx handler does before RX_HANDLER_ANOTHER.
    /// False, with the frame unchanged, if the device has no master (a
    /// handler registered just before the link, or after the unlink).
    ///
    /// The master is not taken as an argument: the core keeps a linked
    /// upper device registered for as long as this RCU section lasts, which
    /// no `&Device` the caller could pass would promise.
    pub(crate) fn set_dev_to_master(&mut self, _rcu: &RcuGuard) -> bool {
        let skb = *self.pskb;
        // SAFETY: we own the unshared frame, whose device is valid in the rx path; under RCU (the proof) the master's link, and so the master, stays valid.
        let master = unsafe { b::netdev_master_upper_dev_get_rcu(super::skb::skb_dev(skb)) };
        if master.is_null() {
            return false;
        }
        // SAFETY: as above.
        unsafe { super::skb::set_skb_dev(skb, master) };
        true
    }
}

/// A receive hook.
pub(crate) trait RxHandler: 'static {
    /// What the hook gets back with every frame (set at registration).
    type Data: Send + Sync;

    /// Handles one frame arriving on the device.
    fn handle(data: &Self::Data, skb: &mut RxSkb<'_>, rcu: &RcuGuard) -> RxResult;
}

/// `rcu_dereference(dev->rx_handler_data)`.
///
/// # Safety
///
/// `dev` must be a valid device, and the caller in an RCU read-side
/// section.
#[inline]
unsafe fn rx_handler_data(dev: *mut b::net_device) -> *mut core::ffi::c_void {
    // SAFETY: a valid device (the caller's promise); a READ_ONCE of the RCU pointer, which the caller's RCU section keeps valid.
    unsafe { core::ptr::read_volatile(core::ptr::addr_of!((*dev).rx_handler_data)) }
}

/// # Safety
///
/// Called by the core's receive path for a device whose rx handler was
/// registered by `Device::rx_handler_register::<H>`, under RCU.
pub(crate) unsafe extern "C" fn trampoline<H: RxHandler>(
    pskb: *mut *mut b::sk_buff,
) -> b::rx_handler_result_t {
    // SAFETY: the core passes a valid pointer to a valid frame.
    let Some(skb) = NonNull::new(unsafe { *pskb }) else {
        return b::rx_handler_result_RX_HANDLER_PASS;
    };
    // SAFETY: the frame's device is the one our handler is registered on; rx_handler_data is the Arc<H::Data> reference of the registration, valid until netdev_rx_handler_unregister has waited for this call.
    let data: &H::Data = unsafe { &*rx_handler_data(super::skb::skb_dev(skb.as_ptr())).cast() };
    // SAFETY: rx handlers run under rcu_read_lock.
    let rcu = unsafe { RcuGuard::assume_held() };
    // SAFETY: `pskb` is valid and ours for the call.
    let pskb = unsafe { &mut *pskb };
    let mut rx = RxSkb { pskb };
    match H::handle(data, &mut rx, &rcu) {
        RxResult::Consumed => b::rx_handler_result_RX_HANDLER_CONSUMED,
        RxResult::Another => b::rx_handler_result_RX_HANDLER_ANOTHER,
        RxResult::Exact => b::rx_handler_result_RX_HANDLER_EXACT,
        RxResult::Pass => b::rx_handler_result_RX_HANDLER_PASS,
    }
}

impl Device {
    /// The data of this device's rx_handler `H`, if it has that handler,
    /// for the read-side critical section (the handler's data is dropped
    /// only after a grace period that follows its unregistration).
    pub(crate) fn rx_handler_data_rcu<'a, H: super::rx::RxHandler>(
        &self,
        _rcu: &'a RcuGuard,
    ) -> Option<&'a H::Data> {
        // SAFETY: valid device; the handler and its data are read under RCU, as __netif_receive_skb does.
        let handler = unsafe { (*self.as_raw()).rx_handler };
        // SAFETY: as above.
        let data = unsafe { b::rbond_rcu_dereference_rx_handler_data(self.as_raw()) };
        let ours: b::rx_handler_func_t = Some(super::rx::trampoline::<H>);
        if handler.map(|f| f as usize) != ours.map(|f| f as usize) || data.is_null() {
            return None;
        }
        // SAFETY: registered by rx_handler_register::<H>: `data` is an Arc<H::Data> that netdev_rx_handler_unregister's grace period keeps alive for the guard's section.
        Some(unsafe { &*data.cast::<H::Data>() })
    }

    /// Registers `H` as this device's rx_handler with `data`, which the
    /// handler gets back for every frame.
    pub(crate) fn rx_handler_register<H: super::rx::RxHandler>(
        &self,
        _rtnl: &Rtnl,
        data: Arc<H::Data>,
    ) -> Result {
        let raw = data.into_raw();
        // SAFETY: valid device, RTNL held; `raw` stays valid until rx_handler_unregister turns it back into an Arc.
        let res = to_result(unsafe {
            b::netdev_rx_handler_register(
                self.as_raw(),
                Some(super::rx::trampoline::<H>),
                raw.cast_mut().cast(),
            )
        });
        if res.is_err() {
            // SAFETY: not registered, so we still own the reference.
            drop(unsafe { Arc::from_raw(raw) });
        }
        res
    }

    /// The data of this device's rx_handler, if it is `H`.
    pub(crate) fn rx_handler_data<H: super::rx::RxHandler>(
        &self,
        _rtnl: &Rtnl,
    ) -> Option<Arc<H::Data>> {
        // SAFETY: valid device; rx_handler and its data change only under RTNL, which is held.
        let (handler, data) = unsafe {
            (
                (*self.as_raw()).rx_handler,
                (*self.as_raw()).rx_handler_data,
            )
        };
        let ours: b::rx_handler_func_t = Some(super::rx::trampoline::<H>);
        if handler.map(|f| f as usize) != ours.map(|f| f as usize) || data.is_null() {
            return None;
        }
        // SAFETY: registered by rx_handler_register::<H>, so `data` is an Arc<H::Data> reference owned by the registration; take another.
        unsafe {
            let owned = core::mem::ManuallyDrop::new(Arc::<H::Data>::from_raw(data.cast()));
            Some((*owned).clone())
        }
    }

    /// Unregisters this device's rx_handler if it is `H`, waiting for
    /// in-flight frames (synchronize_net), and returns its data.
    pub(crate) fn rx_handler_unregister<H: super::rx::RxHandler>(
        &self,
        rtnl: &Rtnl,
    ) -> Option<Arc<H::Data>> {
        let data = self.rx_handler_data::<H>(rtnl)?;
        // SAFETY: valid device, RTNL held; a plain field read.
        let raw = unsafe { (*self.as_raw()).rx_handler_data };
        // SAFETY: as above; our handler is registered.
        unsafe { b::netdev_rx_handler_unregister(self.as_raw()) };
        // SAFETY: the reference rx_handler_register gave the core, back: after netdev_rx_handler_unregister returns, no frame is in the handler.
        drop(unsafe { Arc::<H::Data>::from_raw(raw.cast()) });
        Some(data)
    }
}
