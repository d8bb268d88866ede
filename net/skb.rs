// SPDX-License-Identifier: GPL-2.0

//! Socket buffers (`struct sk_buff`).

use super::{bindings as b, device::Device};
use core::ptr::NonNull;

/// An owned socket buffer: the reference the stack hands to a driver's
/// transmit function. Dropping it frees the buffer in any context.
///
/// # Invariants
///
/// `self.0` points to a valid `sk_buff` that this value owns (one reference).
pub(crate) struct SkBuff(NonNull<b::sk_buff>);

impl SkBuff {
    /// Takes ownership of `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be a valid `sk_buff` whose reference the caller transfers
    /// to the returned value (as the stack does to `ndo_start_xmit`).
    pub(crate) unsafe fn from_raw(ptr: *mut b::sk_buff) -> Option<Self> {
        NonNull::new(ptr).map(Self)
    }

    /// The linear part of the data (from the MAC header on transmit): where
    /// the headers that the transmit hash reads are.
    #[inline]
    pub(crate) fn linear(&self) -> &[u8] {
        // Inline `skb_headlen()` and `skb->data` (the transmit hash and the
        // round-robin IGMP check read them per packet; no helper call).
        let p = self.0.as_ptr();
        // SAFETY: a valid buffer we own; plain field reads through the raw pointer.
        let (data, len, data_len) = unsafe { ((*p).data, (*p).len, (*p).data_len) };
        let head = len.saturating_sub(data_len) as usize;
        if data.is_null() {
            return &[];
        }
        // SAFETY: `data` points at `skb_headlen()` readable bytes that live as long as the buffer, which `&self` borrows.
        unsafe { core::slice::from_raw_parts(data, head) }
    }

    /// Hands the buffer to `dev`'s transmit queue (`dev_queue_xmit`).
    /// Returns the NET_XMIT_* code.
    pub(crate) fn xmit_on(self, dev: &Device) -> i32 {
        let skb = core::mem::ManuallyDrop::new(self);
        // SAFETY: we pass our reference on to dev_queue_xmit, which consumes it whatever it returns; `dev` is a registered device (a slave kept alive by the caller's RCU section).
        unsafe { b::rbond_dev_queue_xmit(skb.0.as_ptr(), dev.as_ptr()) }
    }

    /// The transmit queue the stack mapped the buffer to
    /// (`skb_get_queue_mapping()`; tc's skbedit can set it).
    #[inline]
    pub(crate) fn queue_mapping(&self) -> u16 {
        // SAFETY: a valid buffer we own; a plain field read.
        unsafe { (*self.0.as_ptr()).queue_mapping }
    }

    /// Gives up ownership: the caller passes the reference on to C.
    #[cfg_attr(not(CONFIG_NETPOLL), allow(dead_code))]
    pub(super) fn into_raw(self) -> *mut b::sk_buff {
        core::mem::ManuallyDrop::new(self).0.as_ptr()
    }

    /// A link-layer control frame (priority `TC_PRIO_CONTROL`) of
    /// EtherType `ethertype` from `src` to `dst` on `dev`, carrying `pdu`
    /// (atomic allocation; None without memory).
    pub(crate) fn control_frame(
        dev: &Device,
        src: &[u8; 6],
        dst: &[u8; 6],
        ethertype: u16,
        pdu: &[u8],
    ) -> Option<SkBuff> {
        let len = u32::try_from(pdu.len()).ok()?;
        // SAFETY: valid device; the addresses are 6 readable bytes and `pdu` `len` bytes, all copied before the call returns; the result is a new buffer we own.
        NonNull::new(unsafe {
            b::rbond_control_frame(
                dev.as_raw(),
                src.as_ptr(),
                dst.as_ptr(),
                ethertype,
                pdu.as_ptr().cast(),
                len,
            )
        })
        .map(SkBuff)
    }

    /// The VLAN tag the stack put in the buffer's metadata (hardware
    /// acceleration), or 0.
    pub(crate) fn vlan_tag(&self) -> u16 {
        // SAFETY: valid buffer.
        unsafe { b::rbond_skb_vlan_tag(self.0.as_ptr()) }
    }

    /// The stack's layer 4 hash of the buffer's flow, if it has one
    /// (`skb->l4_hash`).
    pub(crate) fn l4_hash(&self) -> Option<u32> {
        let mut h = 0u32;
        // SAFETY: valid buffer; `h` is writable.
        unsafe { b::rbond_skb_l4_hash(self.0.as_ptr(), &mut h) }.then_some(h)
    }

    /// What the kernel's flow dissector finds, through encapsulations
    /// (`__skb_flow_dissect` with the bonding keys): addresses as
    /// `flow_get_u32_src/dst` give them, the ports word, the ICMP word and
    /// echo id. `None` when it finds no flow.
    pub(crate) fn flow_dissect(&self) -> Option<FlowKeys> {
        let mut f = b::rbond_flow::default();
        // SAFETY: valid buffer, read only; `f` is writable. The dissector was initialised at module load (flow_init).
        unsafe { b::rbond_flow_dissect(self.0.as_ptr(), &mut f) }.then_some(FlowKeys {
            src: f.src,
            dst: f.dst,
            ports: f.ports,
            icmp: f.icmp,
            icmp_id: f.icmp_id,
        })
    }

    /// A clone sharing the data (`skb_clone`, atomic allocation).
    pub(crate) fn try_clone(&self) -> Option<SkBuff> {
        // SAFETY: valid buffer; the clone is a new reference we own.
        NonNull::new(unsafe { b::rbond_skb_clone(self.0.as_ptr()) }).map(SkBuff)
    }
}

impl Drop for SkBuff {
    fn drop(&mut self) {
        // SAFETY: by the type invariant we own one reference; dev_kfree_skb_any may be called from any context, including hard IRQ and netpoll.
        unsafe { b::rbond_dev_kfree_skb_any(self.0.as_ptr()) };
    }
}

/// A flow as the kernel's dissector reports it ([`SkBuff::flow_dissect`]).
pub(crate) struct FlowKeys {
    pub(crate) src: u32,
    pub(crate) dst: u32,
    pub(crate) ports: u32,
    pub(crate) icmp: u32,
    pub(crate) icmp_id: u16,
}

/// Sets up the dissector [`SkBuff::flow_dissect`] uses; once, at module
/// load, before any device can transmit.
pub(crate) fn flow_init() {
    // SAFETY: initialises a static of the helper object; called once, before any reader.
    unsafe { b::rbond_flow_init() }
}

/// A random number (`get_random_u32`), for balance-rr with
/// packets_per_slave=0.
pub(crate) fn random_u32() -> u32 {
    // SAFETY: callable in any context.
    unsafe { b::get_random_u32() }
}

/// The kernel's tick counter (`get_jiffies_64`), for timestamps the ARP
/// monitor compares.
pub(crate) fn jiffies() -> u64 {
    // SAFETY: callable in any context.
    unsafe { b::rbond_jiffies() }
}

/// Milliseconds as jiffies (`msecs_to_jiffies`).
pub(crate) fn ms_to_jiffies(ms: u32) -> u64 {
    // SAFETY: plain conversion.
    unsafe { b::rbond_msecs_to_jiffies(ms) as u64 }
}

/// Whether a networking message may be logged now (`net_ratelimit`: at
/// most a burst per interval across all of networking).
pub(crate) fn net_ratelimit() -> bool {
    // SAFETY: callable in any context.
    unsafe { b::net_ratelimit() != 0 }
}
