// SPDX-License-Identifier: GPL-2.0

//! rtnetlink link types (`struct rtnl_link_ops`): `ip link add NAME type
//! KIND ...`, `ip link set NAME type KIND ...`, the `linkinfo` that
//! `ip -d link show` prints, and the per-slave `info_slave_data`.
//!
//! Devices of a link type belong to the kernel, as the C drivers' do: the
//! core allocates them (with `Adapter::setup_callback`), frees them after
//! they are unregistered, and the private data is dropped by their
//! destructor. [`LinkRegistration`] unregisters the type, which deletes
//! every device of it in every namespace.

use super::{
    bindings as b,
    device::{Adapter, Device, Driver},
    error::emsgsize,
    pernet::Net,
    rtnl::Rtnl,
};
use core::{ffi::c_int, marker::PhantomData, mem::MaybeUninit, ptr::NonNull};
use kernel::{
    build_assert,
    error::{code::*, from_result, to_result, Error, Result},
    init::PinInit,
    str::CStr,
    types::Opaque,
};

/// `NLA_HDRLEN`: an attribute's header, aligned.
const NLA_HDRLEN: usize = 4;

/// `NLA_ALIGN()`.
const fn nla_align(len: usize) -> usize {
    (len + 3) & !3
}

/// `nla_total_size()`: the room an attribute with `payload` bytes takes.
pub(crate) const fn nla_total_size(payload: usize) -> usize {
    nla_align(NLA_HDRLEN + payload)
}

/// `nla_total_size_64bit()`: with room for the padding attribute that may
/// align the payload (on architectures without efficient unaligned access
/// the kernel pads; counting it everywhere is a safe upper bound).
pub(crate) const fn nla_total_size_64bit(payload: usize) -> usize {
    nla_align(NLA_HDRLEN + payload) + nla_align(NLA_HDRLEN)
}

/// One entry of an attribute policy (`struct nla_policy`): the type the
/// core checks an attribute against before the driver sees it.
#[repr(transparent)]
pub(crate) struct NlaPolicy(b::nla_policy);

// SAFETY: a policy is immutable data; its pointers (none here) would point to static data.
unsafe impl Sync for NlaPolicy {}

impl NlaPolicy {
    const fn of(ty: u32, len: u16) -> Self {
        // SAFETY: nla_policy is plain old data for which all-zeroes is NLA_UNSPEC with no validation.
        let mut p: b::nla_policy = unsafe { MaybeUninit::zeroed().assume_init() };
        p.type_ = ty as u8;
        p.len = len;
        Self(p)
    }
    /// Any attribute (NLA_UNSPEC, not validated).
    pub(crate) const UNSPEC: Self = Self::of(b::NLA_UNSPEC, 0);
    /// A u8.
    pub(crate) const U8: Self = Self::of(b::NLA_U8, 0);
    /// A u16.
    pub(crate) const U16: Self = Self::of(b::NLA_U16, 0);
    /// A u32.
    pub(crate) const U32: Self = Self::of(b::NLA_U32, 0);
    /// An s32.
    pub(crate) const S32: Self = Self::of(b::NLA_S32, 0);
    /// Nested attributes.
    pub(crate) const NESTED: Self = Self::of(b::NLA_NESTED, 0);
    /// At most `len` bytes.
    pub(crate) const fn binary(len: u16) -> Self {
        Self::of(b::NLA_BINARY, len)
    }
}

/// One attribute: its header and payload, as validated by the core.
#[derive(Clone, Copy)]
pub(crate) struct Attr<'a>(&'a [u8]);

impl<'a> Attr<'a> {
    /// The payload.
    pub(crate) fn payload(&self) -> &'a [u8] {
        self.0.get(NLA_HDRLEN..).unwrap_or(&[])
    }

    fn bytes<const N: usize>(&self) -> [u8; N] {
        let mut out = [0u8; N];
        if let Some(p) = self.payload().get(..N) {
            out.copy_from_slice(p);
        }
        out
    }

    /// A u8 payload (0 if shorter, which the policy rules out).
    pub(crate) fn u8(&self) -> u8 {
        self.bytes::<1>()[0]
    }

    /// A u16 payload.
    pub(crate) fn u16(&self) -> u16 {
        u16::from_ne_bytes(self.bytes())
    }

    /// A u32 payload.
    pub(crate) fn u32(&self) -> u32 {
        u32::from_ne_bytes(self.bytes())
    }

    /// An s32 payload.
    pub(crate) fn s32(&self) -> i32 {
        i32::from_ne_bytes(self.bytes())
    }

    /// The attributes nested in this one (`nla_for_each_nested`); stops at
    /// the first malformed one, as the C iterator does.
    pub(crate) fn nested(&self) -> impl Iterator<Item = Attr<'a>> {
        let mut rest = self.payload();
        core::iter::from_fn(move || {
            let len = match rest.get(..2) {
                Some(&[a, b]) => usize::from(u16::from_ne_bytes([a, b])),
                _ => return None,
            };
            if len < NLA_HDRLEN || len > rest.len() {
                return None;
            }
            let attr = Attr(&rest[..len]);
            rest = rest.get(nla_align(len)..).unwrap_or(&[]);
            Some(attr)
        })
    }

    fn as_raw(&self) -> *const b::nlattr {
        self.0.as_ptr().cast()
    }
}

/// The attributes of a request, indexed by type (the core's `tb[]` or
/// `data[]`, parsed and validated against the policy).
pub(crate) struct Attrs<'a> {
    tb: &'a [*mut b::nlattr],
}

impl<'a> Attrs<'a> {
    /// # Safety
    ///
    /// `tb` must be null or an array of `max + 1` attribute pointers, each
    /// null or pointing to an attribute the core validated (its length
    /// within the message), valid for `'a`.
    unsafe fn new(tb: *mut *mut b::nlattr, max: u32) -> Self {
        if tb.is_null() {
            return Self { tb: &[] };
        }
        // SAFETY: per the function's requirements.
        let tb = unsafe { core::slice::from_raw_parts(tb, max as usize + 1) };
        Self { tb }
    }

    /// The attribute of type `ty`, if the request has it.
    pub(crate) fn get(&self, ty: u16) -> Option<Attr<'a>> {
        let p = *self.tb.get(usize::from(ty))?;
        if p.is_null() {
            return None;
        }
        // SAFETY: per `new`'s requirements the attribute is valid for 'a, and nla_len (its first field) covers the header and payload inside the message.
        let len = usize::from(unsafe { (*p).nla_len });
        // SAFETY: as above.
        Some(Attr(unsafe {
            core::slice::from_raw_parts(p.cast::<u8>().cast_const(), len.max(NLA_HDRLEN))
        }))
    }
}

impl ExtAck {
    /// `NL_SET_ERR_MSG_ATTR`: the message, pointing at the attribute if
    /// there is one.
    pub(crate) fn set_msg_attr(
        &mut self,
        msg: Option<&'static core::ffi::CStr>,
        attr: Option<Attr<'_>>,
    ) {
        if let (Some(raw), Some(msg)) = (self.raw(), msg) {
            // SAFETY: a non-null extack is valid for the callback's duration; the message is static.
            unsafe { (*raw)._msg = msg.as_ptr().cast() };
            if let Some(a) = attr {
                // SAFETY: as above; the attribute is part of the request it answers.
                unsafe { (*raw).bad_attr = a.as_raw() };
            }
        }
    }
}

/// A message being filled (`fill_info`, `fill_slave_info`).
pub(crate) struct NlMsg(NonNull<b::sk_buff>);

/// A nest opened in an [`NlMsg`].
pub(crate) struct Nest(*mut b::nlattr);

impl NlMsg {
    /// Appends an attribute; emsgsize() when the message is full.
    pub(crate) fn put(&mut self, ty: u16, payload: &[u8]) -> Result {
        let len = c_int::try_from(payload.len()).map_err(|_| emsgsize())?;
        // SAFETY: the skb is the message being built for this call; `payload` is valid for its length.
        let r = unsafe { b::nla_put(self.0.as_ptr(), ty.into(), len, payload.as_ptr().cast()) };
        if r != 0 {
            return Err(emsgsize());
        }
        Ok(())
    }

    /// A u8.
    pub(crate) fn put_u8(&mut self, ty: u16, v: u8) -> Result {
        self.put(ty, &[v])
    }

    /// A u16.
    pub(crate) fn put_u16(&mut self, ty: u16, v: u16) -> Result {
        self.put(ty, &v.to_ne_bytes())
    }

    /// A u32.
    pub(crate) fn put_u32(&mut self, ty: u16, v: u32) -> Result {
        self.put(ty, &v.to_ne_bytes())
    }

    /// An s32.
    pub(crate) fn put_s32(&mut self, ty: u16, v: i32) -> Result {
        self.put(ty, &v.to_ne_bytes())
    }

    /// A u64 at a 64-bit aligned place (`nla_put_u64_64bit`, padded with
    /// an attribute of type `pad` where needed).
    pub(crate) fn put_u64_64bit(&mut self, ty: u16, v: u64, pad: u16) -> Result {
        // SAFETY: the skb is the message being built for this call.
        let r = unsafe { b::rbond_nla_put_u64_64bit(self.0.as_ptr(), ty.into(), v, pad.into()) };
        if r != 0 {
            return Err(emsgsize());
        }
        Ok(())
    }

    /// Opens a nest (`nla_nest_start_noflag`).
    pub(crate) fn nest_start(&mut self, ty: u16) -> Result<Nest> {
        // SAFETY: the skb is the message being built for this call.
        let n = unsafe { b::rbond_nla_nest_start_noflag(self.0.as_ptr(), ty.into()) };
        if n.is_null() {
            return Err(emsgsize());
        }
        Ok(Nest(n))
    }

    /// Closes a nest.
    pub(crate) fn nest_end(&mut self, nest: Nest) {
        // SAFETY: `nest` was opened in this message and nothing was trimmed since.
        unsafe { b::rbond_nla_nest_end(self.0.as_ptr(), nest.0) };
    }
}

/// A driver whose devices are a link type (`ip link add ... type KIND`).
pub(crate) trait LinkDriver: Driver {
    /// The kind ("bond").
    const KIND: &'static CStr;
    /// The highest attribute type in `POLICY` (`IFLA_*_MAX`).
    const MAX_ATTR: u16;
    /// The attribute policy, `MAX_ATTR + 1` entries.
    const POLICY: &'static [NlaPolicy];
    /// The highest slave attribute type.
    const SLAVE_MAX_ATTR: u16;
    /// The slave attribute policy, `SLAVE_MAX_ATTR + 1` entries.
    const SLAVE_POLICY: &'static [NlaPolicy];

    /// Queues of a device created without IFLA_NUM_TX_QUEUES.
    fn num_tx_queues() -> u32;
    /// Checks a request before a device is made or changed (`validate`):
    /// `tb` holds the generic IFLA_* attributes, `data` the kind's.
    fn validate(tb: &Attrs<'_>, data: &Attrs<'_>, extack: &mut ExtAck) -> Result;
    /// The private data of a device `ip link add` creates.
    fn new_data() -> Result<impl PinInit<Self::Data, Error>>;
    /// After `ip link add` registered the device: applies its attributes.
    /// On error the device is unregistered again.
    fn newlink(
        dev: &Device,
        data: &Self::Data,
        rtnl: &Rtnl,
        attrs: &Attrs<'_>,
        extack: &mut ExtAck,
    ) -> Result;
    /// `ip link set NAME type KIND ...`.
    fn changelink(
        dev: &Device,
        data: &Self::Data,
        rtnl: &Rtnl,
        attrs: &Attrs<'_>,
        extack: &mut ExtAck,
    ) -> Result;
    /// An upper bound of what `fill_info` writes.
    fn info_size(dev: &Device, data: &Self::Data) -> usize;
    /// The kind's attributes of a device (`IFLA_INFO_DATA`).
    fn fill_info(dev: &Device, data: &Self::Data, rtnl: &Rtnl, msg: &mut NlMsg) -> Result;
    /// `ip link set SLAVE type KIND_slave ...`.
    fn slave_changelink(
        dev: &Device,
        data: &Self::Data,
        rtnl: &Rtnl,
        slave: &Device,
        attrs: &Attrs<'_>,
        extack: &mut ExtAck,
    ) -> Result;
    /// An upper bound of what `fill_slave_info` writes.
    fn slave_info_size(dev: &Device, data: &Self::Data, slave: &Device) -> usize;
    /// A slave's attributes (`IFLA_INFO_SLAVE_DATA`).
    fn fill_slave_info(
        dev: &Device,
        data: &Self::Data,
        rtnl: &Rtnl,
        slave: &Device,
        msg: &mut NlMsg,
    ) -> Result;
    /// An upper bound of what `fill_xstats` writes.
    fn xstats_size() -> usize;
    /// Extended statistics (`ip link xstats`) of a device, or (`slave`) of
    /// one of its slaves.
    fn fill_xstats(
        dev: &Device,
        data: &Self::Data,
        rtnl: &Rtnl,
        slave: Option<&Device>,
        msg: &mut NlMsg,
    ) -> Result;
}

/// `IFLA_STATS_LINK_XSTATS`: a device's own extended statistics.
const IFLA_STATS_LINK_XSTATS: c_int = 2;
/// `IFLA_STATS_LINK_XSTATS_SLAVE`: its master's view of a slave.
const IFLA_STATS_LINK_XSTATS_SLAVE: c_int = 3;

/// The `rtnl_link_ops` of `T`, in a static (the core links it into its
/// list of kinds when registered).
pub(crate) struct LinkOps<T: LinkDriver>(Opaque<b::rtnl_link_ops>, PhantomData<T>);

// SAFETY: the core reads the ops from any thread and writes only its list head, under its own lock.
unsafe impl<T: LinkDriver> Sync for LinkOps<T> {}

/// # Safety
///
/// `dev` must be a registered device of `T` (one whose ops are these).
unsafe fn parts<'a, T: LinkDriver>(dev: *const b::net_device) -> (&'a Device, &'a T::Data) {
    // SAFETY: per the function's requirements.
    unsafe { Adapter::<T>::parts(dev.cast_mut()) }
}

impl<T: LinkDriver> LinkOps<T> {
    /// The ops, for a `static`.
    pub(crate) const fn new() -> Self {
        // SAFETY: rtnl_link_ops is plain old data for which all-zeroes means "no such callback" (the core initialises the list head).
        let mut ops: b::rtnl_link_ops = unsafe { MaybeUninit::zeroed().assume_init() };
        ops.kind = T::KIND.as_char_ptr();
        ops.priv_size = Adapter::<T>::PRIV_SIZE;
        ops.setup = Some(Adapter::<T>::setup_callback);
        ops.maxtype = T::MAX_ATTR as u32;
        ops.policy = T::POLICY.as_ptr().cast();
        ops.validate = Some(Self::validate_callback);
        ops.newlink = Some(Self::newlink_callback);
        ops.changelink = Some(Self::changelink_callback);
        ops.get_size = Some(Self::get_size_callback);
        ops.fill_info = Some(Self::fill_info_callback);
        ops.get_num_tx_queues = Some(Self::num_queues_callback);
        ops.get_num_rx_queues = Some(Self::num_queues_callback);
        ops.slave_maxtype = T::SLAVE_MAX_ATTR as u32;
        ops.slave_policy = T::SLAVE_POLICY.as_ptr().cast();
        ops.slave_changelink = Some(Self::slave_changelink_callback);
        ops.get_slave_size = Some(Self::get_slave_size_callback);
        ops.fill_slave_info = Some(Self::fill_slave_info_callback);
        ops.get_linkxstats_size = Some(Self::get_linkxstats_size_callback);
        ops.fill_linkxstats = Some(Self::fill_linkxstats_callback);
        Self(Opaque::new(ops), PhantomData)
    }

    /// Creates and registers a device of this kind in `net`, named
    /// `name_fmt` ("bond%d" for the next free one), as `ip link add` would
    /// make it, with `data`.
    pub(crate) fn create<'a>(
        &'static self,
        net: &Net,
        name_fmt: &CStr,
        queues: u32,
        data: impl PinInit<T::Data, Error>,
        _rtnl: &'a Rtnl,
    ) -> Result<&'a Device> {
        // netdev_priv() is aligned to NETDEV_ALIGN (32).
        build_assert!(core::mem::align_of::<T::Data>() <= 32);
        // SAFETY: name_fmt is NUL-terminated; setup_callback fits the prototype and expects PRIV_SIZE bytes of private area; queue counts are checked by the callee.
        let dev = unsafe {
            b::alloc_netdev_mqs(
                Adapter::<T>::PRIV_SIZE as _,
                name_fmt.as_char_ptr().cast(),
                b::NET_NAME_UNKNOWN as _,
                Some(Adapter::<T>::setup_callback),
                queues,
                queues,
            )
        };
        let dev = NonNull::new(dev).ok_or(ENOMEM)?.as_ptr();
        // SAFETY: a new device, set up by setup_callback and not registered; the ops are static.
        unsafe { (*dev).rtnl_link_ops = self.0.get() };
        // SAFETY: as above; `net` is live.
        unsafe { b::rbond_dev_net_set(dev, net.as_raw()) };
        // SAFETY: as above: its private area is set up, its data not yet.
        if let Err(e) = unsafe { Adapter::<T>::init_data(dev, data) } {
            // SAFETY: never registered, so ours to free.
            unsafe { b::free_netdev(dev) };
            return Err(e);
        }
        // SAFETY: a set-up device, RTNL held (the proof).
        if let Err(e) = to_result(unsafe { b::register_netdevice(dev) }) {
            // SAFETY: register_netdevice ran the destructor, or left the data to us; drop_data tells which.
            unsafe { Adapter::<T>::drop_data(dev) };
            // SAFETY: not registered, so ours to free.
            unsafe { b::free_netdev(dev) };
            return Err(e);
        }
        // SAFETY: registered, and kept so by RTNL for `'a`.
        Ok(unsafe { Device::from_raw(dev) })
    }

    /// The `num_queues` trampoline.
    ///
    /// # Safety
    ///
    /// Called by rtnetlink as `get_num_tx_queues`/`get_num_rx_queues`; takes nothing.
    unsafe extern "C" fn num_queues_callback() -> kernel::ffi::c_uint {
        T::num_tx_queues()
    }

    /// The `validate` trampoline.
    ///
    /// # Safety
    ///
    /// Called by `rtnl_newlink`/`rtnl_changelink` as `validate` with `tb` and `data` attribute
    /// tables of the sizes this link type declares (`data` may be null) and a null or valid extack.
    unsafe extern "C" fn validate_callback(
        tb: *mut *mut b::nlattr,
        data: *mut *mut b::nlattr,
        extack: *mut b::netlink_ext_ack,
    ) -> c_int {
        from_result(|| {
            // SAFETY: the core passes tb[IFLA_MAX + 1], parsed against the policy.
            let tb = unsafe { Attrs::new(tb, b::__IFLA_MAX - 1) };
            // SAFETY: the core passes data[MAX_ATTR + 1] (or null), parsed against the policy.
            let data = unsafe { Attrs::new(data, T::MAX_ATTR.into()) };
            T::validate(&tb, &data, &mut ExtAck::from_raw(extack))?;
            Ok(0)
        })
    }

    /// The `newlink` trampoline.
    ///
    /// # Safety
    ///
    /// Called by `rtnl_newlink` as `newlink`, under RTNL, with a device that `rtnl_create_link`
    /// allocated through this type's setup (not registered), attribute tables of the declared sizes
    /// and a null or valid extack.
    unsafe extern "C" fn newlink_callback(
        _src_net: *mut b::net,
        dev: *mut b::net_device,
        _tb: *mut *mut b::nlattr,
        data: *mut *mut b::nlattr,
        extack: *mut b::netlink_ext_ack,
    ) -> c_int {
        from_result(|| {
            // SAFETY: rtnl_newlink calls this under RTNL with a device rtnl_create_link allocated with our setup and PRIV_SIZE, not registered.
            let rtnl = unsafe { Rtnl::assume_held() };
            // SAFETY: as above.
            unsafe { Adapter::<T>::init_data(dev, T::new_data()?)? };
            // SAFETY: as above.
            if let Err(e) = to_result(unsafe { b::register_netdevice(dev) }) {
                // SAFETY: not registered: nothing uses the data. The caller frees the device.
                unsafe { Adapter::<T>::drop_data(dev) };
                return Err(e);
            }
            let ((d, priv_data), attrs) =
                // SAFETY: registered above, data initialised; attributes as in validate_callback.
                unsafe { (parts::<T>(dev), Attrs::new(data, T::MAX_ATTR.into())) };
            if let Err(e) = T::newlink(d, priv_data, rtnl, &attrs, &mut ExtAck::from_raw(extack)) {
                // The caller's free_netdev leaves the device to the unregistration, whose
                // destructor drops the data.
                d.unregister(rtnl);
                return Err(e);
            }
            Ok(0)
        })
    }

    /// The `changelink` trampoline.
    ///
    /// # Safety
    ///
    /// Called by `rtnl_changelink` as `changelink`, under RTNL, on a registered device of `T`, with
    /// attribute tables of the declared sizes and a null or valid extack.
    unsafe extern "C" fn changelink_callback(
        dev: *mut b::net_device,
        _tb: *mut *mut b::nlattr,
        data: *mut *mut b::nlattr,
        extack: *mut b::netlink_ext_ack,
    ) -> c_int {
        from_result(|| {
            let ((d, priv_data), rtnl, attrs) =
                // SAFETY: do_setlink calls this under RTNL on a registered device of ours, with data[] as in validate_callback.
                unsafe { (parts::<T>(dev), Rtnl::assume_held(), Attrs::new(data, T::MAX_ATTR.into())) };
            T::changelink(d, priv_data, rtnl, &attrs, &mut ExtAck::from_raw(extack))?;
            Ok(0)
        })
    }

    /// The `get_size` trampoline.
    ///
    /// # Safety
    ///
    /// Called by rtnetlink as `get_size`, under RTNL, on a registered device of `T`.
    unsafe extern "C" fn get_size_callback(dev: *const b::net_device) -> usize {
        // SAFETY: the core calls this on a registered device of ours.
        let (d, data) = unsafe { parts::<T>(dev) };
        T::info_size(d, data)
    }

    /// The `fill_info` trampoline.
    ///
    /// # Safety
    ///
    /// Called by rtnetlink as `fill_info`, under RTNL, on a registered device of `T`, with a
    /// message being built that it owns for the call.
    unsafe extern "C" fn fill_info_callback(
        skb: *mut b::sk_buff,
        dev: *const b::net_device,
    ) -> c_int {
        from_result(|| {
            // SAFETY: rtnl_fill_ifinfo calls this under RTNL on a registered device of ours, with the message it builds.
            let ((d, data), rtnl) = unsafe { (parts::<T>(dev), Rtnl::assume_held()) };
            let mut msg = NlMsg(NonNull::new(skb).ok_or(emsgsize())?);
            T::fill_info(d, data, rtnl, &mut msg)?;
            Ok(0)
        })
    }

    /// The `slave_changelink` trampoline.
    ///
    /// # Safety
    ///
    /// Called by `rtnl_changelink` as `slave_changelink`, under RTNL, on a registered device of `T`
    /// and one of its lower devices, with attribute tables of the declared sizes and a null or
    /// valid extack.
    unsafe extern "C" fn slave_changelink_callback(
        dev: *mut b::net_device,
        slave: *mut b::net_device,
        _tb: *mut *mut b::nlattr,
        data: *mut *mut b::nlattr,
        extack: *mut b::netlink_ext_ack,
    ) -> c_int {
        from_result(|| {
            // SAFETY: do_setlink calls this under RTNL for a slave of a registered device of ours.
            let ((d, priv_data), rtnl) = unsafe { (parts::<T>(dev), Rtnl::assume_held()) };
            // SAFETY: as above: a registered device.
            let slave = unsafe { Device::from_raw(slave) };
            // SAFETY: as above, with data[SLAVE_MAX_ATTR + 1].
            let attrs = unsafe { Attrs::new(data, T::SLAVE_MAX_ATTR.into()) };
            T::slave_changelink(
                d,
                priv_data,
                rtnl,
                slave,
                &attrs,
                &mut ExtAck::from_raw(extack),
            )?;
            Ok(0)
        })
    }

    /// The `get_slave_size` trampoline.
    ///
    /// # Safety
    ///
    /// Called by rtnetlink as `get_slave_size`, under RTNL, on a registered device of `T` and one
    /// of its lower devices.
    unsafe extern "C" fn get_slave_size_callback(
        dev: *const b::net_device,
        slave: *const b::net_device,
    ) -> usize {
        // SAFETY: the core calls this for a slave of a registered device of ours.
        let ((d, data), slave) = unsafe { (parts::<T>(dev), Device::from_raw(slave.cast_mut())) };
        T::slave_info_size(d, data, slave)
    }

    /// The `get_linkxstats_size` trampoline.
    ///
    /// # Safety
    ///
    /// Called by rtnetlink as `get_linkxstats_size`, under RTNL, on a registered device of `T`.
    unsafe extern "C" fn get_linkxstats_size_callback(
        _dev: *const b::net_device,
        attr: c_int,
    ) -> usize {
        match attr {
            IFLA_STATS_LINK_XSTATS | IFLA_STATS_LINK_XSTATS_SLAVE => T::xstats_size(),
            _ => 0,
        }
    }

    /// The `fill_linkxstats` trampoline.
    ///
    /// # Safety
    ///
    /// Called by rtnetlink as `fill_linkxstats`, under RTNL, on a registered device of `T`, with a
    /// message being built that it owns for the call.
    unsafe extern "C" fn fill_linkxstats_callback(
        skb: *mut b::sk_buff,
        dev: *const b::net_device,
        _prividx: *mut c_int,
        attr: c_int,
    ) -> c_int {
        from_result(|| {
            // SAFETY: rtnl_fill_statsinfo calls this under RTNL, for a device of ours (XSTATS) or a slave of one (XSTATS_SLAVE), with the message it builds.
            let (dev, rtnl) = unsafe { (Device::from_raw(dev.cast_mut()), Rtnl::assume_held()) };
            let (master, slave) = match attr {
                IFLA_STATS_LINK_XSTATS => (dev, None),
                IFLA_STATS_LINK_XSTATS_SLAVE => match dev.master_upper(rtnl) {
                    Some(m) => (m, Some(dev)),
                    None => return Ok(0),
                },
                _ => return Err(EINVAL),
            };
            let Some(data) = master.driver_data::<T>() else {
                return Ok(0);
            };
            let mut msg = NlMsg(NonNull::new(skb).ok_or(emsgsize())?);
            T::fill_xstats(master, data, rtnl, slave, &mut msg)?;
            Ok(0)
        })
    }

    /// The `fill_slave_info` trampoline.
    ///
    /// # Safety
    ///
    /// Called by rtnetlink as `fill_slave_info`, under RTNL, on a registered device of `T` and one
    /// of its lower devices, with a message being built that it owns for the call.
    unsafe extern "C" fn fill_slave_info_callback(
        skb: *mut b::sk_buff,
        dev: *const b::net_device,
        slave: *const b::net_device,
    ) -> c_int {
        from_result(|| {
            let ((d, data), rtnl, slave) =
                // SAFETY: rtnl_fill_ifinfo calls this under RTNL for a slave of a registered device of ours.
                unsafe { (parts::<T>(dev), Rtnl::assume_held(), Device::from_raw(slave.cast_mut())) };
            let mut msg = NlMsg(NonNull::new(skb).ok_or(emsgsize())?);
            T::fill_slave_info(d, data, rtnl, slave, &mut msg)?;
            Ok(0)
        })
    }
}

/// `T`'s link type, registered with rtnetlink while this lives. Dropping it
/// deletes every device of the type, in every namespace, and waits until
/// they are freed (`rtnl_link_unregister`).
pub(crate) struct LinkRegistration<T: LinkDriver>(&'static LinkOps<T>);

impl<T: LinkDriver> LinkRegistration<T> {
    /// Registers `ops`.
    pub(crate) fn new(ops: &'static LinkOps<T>) -> Result<Self> {
        // SAFETY: the ops are static and fully initialised; registration takes RTNL itself.
        to_result(unsafe { b::rtnl_link_register(ops.0.get()) })?;
        Ok(Self(ops))
    }
}

impl<T: LinkDriver> Drop for LinkRegistration<T> {
    fn drop(&mut self) {
        // SAFETY: registered in `new`.
        unsafe { b::rtnl_link_unregister(self.0 .0.get()) };
    }
}

/// Whether `mac` may be a device's address (`is_valid_ether_addr()`): not
/// multicast, not all zeroes.
pub(crate) fn is_valid_ether_addr(mac: &[u8]) -> bool {
    <[u8; 6]>::try_from(mac).is_ok_and(|m| super::device::MacAddr(m).is_valid())
}
/// A netlink extended-ack, for error messages back to `ip`.
pub(crate) struct ExtAck(pub(super) *mut b::netlink_ext_ack);

impl ExtAck {
    /// No extack (ioctl callers).
    pub(crate) fn none() -> Self {
        Self(core::ptr::null_mut())
    }

    /// Whether a netlink caller will see the message.
    pub(crate) fn is_some(&self) -> bool {
        !self.0.is_null()
    }

    /// The core's extack, if any (null for ioctl callers).
    pub(super) fn from_raw(p: *mut b::netlink_ext_ack) -> Self {
        Self(p)
    }

    /// The extack to write to, if there is one.
    pub(super) fn raw(&self) -> Option<*mut b::netlink_ext_ack> {
        (!self.0.is_null()).then_some(self.0)
    }

    /// `NL_SET_ERR_MSG`.
    pub(crate) fn set_msg(&mut self, msg: &'static CStr) {
        if !self.0.is_null() {
            // SAFETY: a non-null extack is valid for the callback's duration.
            unsafe { (*self.0)._msg = msg.as_char_ptr().cast() };
        }
    }
}
