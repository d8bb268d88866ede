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

    /// Hands the buffer to `dev`'s transmit queue (`dev_queue_xmit`), with
    /// the queue mapping it had before the upper device's
    /// `ndo_select_queue` (kept by [`QueueSelect::keep_queue_mapping`]), as
    /// the C bonding driver's `bond_dev_queue_xmit()`. Returns the
    /// NET_XMIT_* code.
    ///
    /// [`QueueSelect::keep_queue_mapping`]: super::device::QueueSelect::keep_queue_mapping
    pub(crate) fn xmit_on(self, dev: &Device) -> i32 {
        let skb = core::mem::ManuallyDrop::new(self).0.as_ptr();
        // SAFETY: a valid buffer we own (type invariant); `dev` is a registered device (a slave kept alive by the caller's RCU section).
        unsafe { set_skb_dev(skb, dev.as_raw()) };
        // SAFETY: as above; the control buffer is the qdisc layer's, as qdisc_skb_cb() casts it.
        unsafe { (*skb).queue_mapping = (*qdisc_cb(skb)).__bindgen_anon_1.slave_dev_queue_mapping };
        // SAFETY: we pass our reference on to __dev_queue_xmit, which consumes it whatever it returns.
        unsafe { b::__dev_queue_xmit(skb, core::ptr::null_mut()) }
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
        const ETH_HLEN: usize = b::ETH_HLEN as usize;
        let len = u32::try_from(ETH_HLEN + pdu.len()).ok()?;
        // SAFETY: callable in any context; the result is a new buffer we own.
        let skb = SkBuff(NonNull::new(unsafe { b::rbond_dev_alloc_skb(len) })?);
        let p = skb.0.as_ptr();
        // SAFETY: a new buffer, ours alone; plain fields.
        unsafe { set_skb_dev(p, dev.as_raw()) };
        // SAFETY: as above.
        unsafe { (*headers(p)).priority = b::TC_PRIO_CONTROL };
        // SAFETY: as above.
        unsafe { *protocol(p) = ethertype.to_be() };
        // SAFETY: as above.
        unsafe { b::rbond_skb_reset_mac_header(p) };
        // SAFETY: as above.
        unsafe { b::rbond_skb_set_network_header(p, ETH_HLEN as i32) };
        // SAFETY: as above, with `len` bytes of tailroom: skb_put() of `len` returns that many writable bytes, which live as long as the buffer.
        let frame = unsafe {
            core::slice::from_raw_parts_mut(b::skb_put(p, len).cast::<u8>(), len as usize)
        };
        let (header, payload) = frame.split_at_mut(ETH_HLEN);
        header[..6].copy_from_slice(dst);
        header[6..12].copy_from_slice(src);
        header[12..].copy_from_slice(&ethertype.to_be_bytes());
        payload.copy_from_slice(pdu);
        Some(skb)
    }

    /// The VLAN tag the stack put in the buffer's metadata (hardware
    /// acceleration), or 0.
    pub(crate) fn vlan_tag(&self) -> u16 {
        let skb = self.0.as_ptr();
        // SAFETY: valid buffer; reads of its VLAN metadata.
        if unsafe { b::rbond_skb_vlan_tag_present(skb) } {
            // SAFETY: as above.
            unsafe { b::rbond_skb_vlan_tag_get(skb) }
        } else {
            0
        }
    }

    /// The stack's layer 4 hash of the buffer's flow, if it has one
    /// (`skb->l4_hash`).
    pub(crate) fn l4_hash(&self) -> Option<u32> {
        let skb = self.0.as_ptr();
        // SAFETY: valid buffer; a read of its flags.
        let has = unsafe { b::rbond_skb_l4_hash(skb) };
        // SAFETY: as above; a plain field read.
        has.then(|| unsafe { (*headers(skb)).hash })
    }

    /// What the kernel's flow dissector finds, through encapsulations
    /// (`__skb_flow_dissect` with the bonding keys): addresses as
    /// `flow_get_u32_src/dst` give them, the ports word, the ICMP word and
    /// echo id. `None` when it finds no flow.
    pub(crate) fn flow_dissect(&self) -> Option<FlowKeys> {
        let skb = self.0.as_ptr();
        let head = self.linear();
        let mut fk = b::flow_keys::default();
        // SAFETY: valid buffer; plain reads.
        let (proto, nhoff) = unsafe { (*protocol(skb), b::rbond_skb_network_offset(skb)) };
        // SAFETY: valid buffer, read only; `fk` is writable, of the layout the keys' offsets were taken in; the dissector was initialised at module load (flow_init) and is never written again.
        let found = unsafe {
            b::__skb_flow_dissect(
                core::ptr::null(),
                skb,
                core::ptr::addr_of_mut!(b::rbond_flow_keys_bonding),
                core::ptr::addr_of_mut!(fk).cast(),
                head.as_ptr().cast(),
                proto,
                nhoff,
                head.len() as i32,
                0,
            )
        };
        if !found {
            return None;
        }
        let icmp = &fk.icmp;
        let id = icmp.id.to_ne_bytes();
        // SAFETY: the ports word is the union's whole; reading a filled (or zeroed) key.
        let ports = unsafe { fk.ports.__bindgen_anon_1.ports };
        Some(FlowKeys {
            // SAFETY: `fk` was filled by the dissector above.
            src: unsafe { b::flow_get_u32_src(&fk) },
            // SAFETY: as above.
            dst: unsafe { b::flow_get_u32_dst(&fk) },
            ports,
            icmp: u32::from_ne_bytes([
                icmp.__bindgen_anon_1.type_,
                icmp.__bindgen_anon_1.code,
                id[0],
                id[1],
            ]),
            icmp_id: icmp.id,
        })
    }

    /// The buffer's protocol (`skb->protocol`), in host order.
    #[inline]
    pub(crate) fn ethertype(&self) -> u16 {
        // SAFETY: valid buffer; a plain field read.
        u16::from_be(unsafe { *protocol(self.0.as_ptr()) })
    }

    /// The buffer's length (`skb->len`).
    #[inline]
    pub(crate) fn len(&self) -> u32 {
        // SAFETY: valid buffer; a plain field read.
        unsafe { (*self.0.as_ptr()).len }
    }

    /// The linear data from the network header on (empty if the header
    /// is not in it).
    pub(crate) fn network_header(&self) -> &[u8] {
        // SAFETY: valid buffer; a plain computation on its offsets.
        let off = unsafe { b::rbond_skb_network_offset(self.0.as_ptr()) };
        usize::try_from(off)
            .ok()
            .and_then(|o| self.linear().get(o..))
            .unwrap_or(&[])
    }

    /// Writes `bytes` into the linear data at `offset` from its start,
    /// first making the header private (`skb_cow_head()`), as a driver
    /// rewriting addresses must. False, and nothing written, if that
    /// fails or the bytes are not in the linear data.
    pub(crate) fn write_linear(&mut self, offset: usize, bytes: &[u8]) -> bool {
        let skb = self.0.as_ptr();
        // SAFETY: a buffer we own; may reallocate its head (atomic allocation), after which the data pointers are re-read below.
        if unsafe { b::rbond_skb_cow_head(skb) } != 0 {
            return false;
        }
        let head = self.linear().len();
        let Some(end) = offset.checked_add(bytes.len()).filter(|&e| e <= head) else {
            return false;
        };
        // SAFETY: the head is private now and `offset..end` lies within the linear data; `&mut self` excludes any other view of it.
        let data = unsafe { core::slice::from_raw_parts_mut((*skb).data, head) };
        data[offset..end].copy_from_slice(bytes);
        true
    }

    /// Puts `tag` in the buffer's metadata (`__vlan_hwaccel_put_tag()`).
    pub(crate) fn put_vlan_tag(&mut self, proto: u16, tci: u16) {
        // SAFETY: a buffer we own; metadata only.
        unsafe { b::rbond___vlan_hwaccel_put_tag(self.0.as_ptr(), proto, tci) };
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
    // SAFETY: initialises the helpers' dissector; called once, before any reader.
    unsafe { b::rbond_skb_flow_dissector_init() }
}

// Per-frame field accesses, inline rather than through a helper call.

/// `skb->dev`.
///
/// # Safety
///
/// `skb` must be a valid buffer.
#[inline]
pub(super) unsafe fn skb_dev(skb: *mut b::sk_buff) -> *mut b::net_device {
    // SAFETY: a valid buffer (the caller's promise); `dev` is the member of the anonymous unions a buffer in the receive path uses.
    unsafe {
        (*skb)
            .__bindgen_anon_1
            .__bindgen_anon_1
            .__bindgen_anon_1
            .dev
    }
}

/// `skb->dev = dev`.
///
/// # Safety
///
/// `skb` must be a valid buffer the caller owns, `dev` a device that
/// outlives its use by the buffer.
#[inline]
pub(super) unsafe fn set_skb_dev(skb: *mut b::sk_buff, dev: *mut b::net_device) {
    // SAFETY: a valid buffer the caller owns (its promise); a plain store to the union member the receive path uses.
    unsafe {
        (*skb)
            .__bindgen_anon_1
            .__bindgen_anon_1
            .__bindgen_anon_1
            .dev = dev
    };
}

/// The buffer's `headers` group (`protocol`, `priority`, `hash`, the header
/// offsets...), which both members of its union lay out alike.
///
/// # Safety
///
/// `skb` must be a valid buffer; the result points into it.
#[inline]
pub(super) unsafe fn headers(skb: *mut b::sk_buff) -> *mut b::sk_buff__bindgen_ty_4__bindgen_ty_1 {
    // SAFETY: per the function's requirements; only the address is taken, of the union, where its member starts.
    unsafe { core::ptr::addr_of_mut!((*skb).__bindgen_anon_4) }.cast()
}

/// `&skb->protocol`.
///
/// # Safety
///
/// `skb` must be a valid buffer; the result points into it.
#[inline]
pub(super) unsafe fn protocol(skb: *mut b::sk_buff) -> *mut u16 {
    // SAFETY: per the function's requirements; only the address is taken.
    unsafe { core::ptr::addr_of_mut!((*headers(skb)).protocol) }
}

/// The qdisc layer's view of a buffer's control block (`qdisc_skb_cb()`).
///
/// # Safety
///
/// `skb` must be a valid buffer; the result points into it.
#[inline]
pub(super) unsafe fn qdisc_cb(skb: *mut b::sk_buff) -> *mut b::qdisc_skb_cb {
    // SAFETY: `cb` is the first bytes of a valid buffer, which qdisc_skb_cb() casts to the same type (its size is checked by the kernel's build).
    unsafe { core::ptr::addr_of_mut!((*skb).cb).cast() }
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
    unsafe { b::rbond_get_jiffies_64() }
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
