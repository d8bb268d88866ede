// SPDX-License-Identifier: GPL-2.0

//! Network devices (`struct net_device`): a driver's callbacks as a trait,
//! and an owning registration whose `Drop` unregisters and frees the device.

use super::{
    bindings as b,
    proc::{ProcDir, ProcFile, SeqFile, Show},
    skb::SkBuff,
};
use core::{
    fmt,
    marker::PhantomData,
    mem::{align_of, size_of, MaybeUninit},
    ptr::NonNull,
};
use kernel::{
    error::{code::*, from_result, to_result, Error, Result},
    init::PinInit,
    prelude::*,
    str::CStr,
    sync::Arc,
    types::Opaque,
};

/// Interface flags (`IFF_*` of `net_device::flags`).
pub(crate) mod flags {
    use super::b;
    /// The device is a master of slaves.
    pub(crate) const IFF_MASTER: u32 = b::net_device_flags_IFF_MASTER;
    /// The device is a slave of a master.
    pub(crate) const IFF_SLAVE: u32 = b::net_device_flags_IFF_SLAVE;
    /// The device is up.
    pub(crate) const IFF_UP: u32 = b::net_device_flags_IFF_UP;
}

/// Private flags (`IFF_*` of `net_device::priv_flags`).
pub(crate) mod priv_flags {
    use super::b;
    /// The device filters unicast addresses itself.
    pub(crate) const IFF_UNICAST_FLT: u64 = b::netdev_priv_flags_IFF_UNICAST_FLT as u64;
    /// The device needs no qdisc.
    pub(crate) const IFF_NO_QUEUE: u64 = b::netdev_priv_flags_IFF_NO_QUEUE as u64;
    /// The stack may release the dst before xmit.
    pub(crate) const IFF_XMIT_DST_RELEASE: u64 = b::netdev_priv_flags_IFF_XMIT_DST_RELEASE as u64;
    /// The MAC address may change while the device is up.
    pub(crate) const IFF_LIVE_ADDR_CHANGE: u64 = b::netdev_priv_flags_IFF_LIVE_ADDR_CHANGE as u64;
    /// The device can transmit shared skbs.
    pub(crate) const IFF_TX_SKB_SHARING: u64 = b::netdev_priv_flags_IFF_TX_SKB_SHARING as u64;
}

/// Largest MTU an Ethernet device can have (`ETH_MAX_MTU`).
pub(crate) const ETH_MAX_MTU: u32 = b::ETH_MAX_MTU;

/// Length of an Ethernet address.
pub(crate) const ETH_ALEN: usize = 6;

/// An Ethernet (MAC) address.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct MacAddr(pub(crate) [u8; ETH_ALEN]);

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

/// A device name, copied out of the device (names change under RTNL).
#[derive(Clone, Copy)]
pub(crate) struct DevName([u8; b::IFNAMSIZ as usize]);

impl DevName {
    /// The name's bytes, without the NUL.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        let len = self.0.iter().position(|&c| c == 0).unwrap_or(self.0.len());
        &self.0[..len]
    }

    /// The name as a C string for kernel calls.
    pub(crate) fn with_nul(&self) -> Option<&CStr> {
        let len = self.0.iter().position(|&c| c == 0)?;
        CStr::from_bytes_with_nul(&self.0[..=len]).ok()
    }
}

impl fmt::Display for DevName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&crate::bond_options::Shown(self.as_bytes()), f)
    }
}

/// A registered network device, borrowed.
///
/// # Invariants
///
/// The wrapped `net_device` is valid for the lifetime of the reference.
#[repr(transparent)]
pub(crate) struct Device(Opaque<b::net_device>);

// SAFETY: net_device is designed for concurrent use; every method below uses
// the accessor the C API prescribes for its context.
unsafe impl Sync for Device {}
// SAFETY: as above, a device reference may move between threads.
unsafe impl Send for Device {}

impl Device {
    /// # Safety
    ///
    /// `ptr` must point to a valid `net_device` that outlives `'a`.
    pub(crate) unsafe fn from_raw<'a>(ptr: *const b::net_device) -> &'a Self {
        // SAFETY: `Device` is a transparent wrapper; validity per the caller.
        unsafe { &*ptr.cast() }
    }

    fn as_raw(&self) -> *mut b::net_device {
        self.0.get()
    }

    /// The device's name.
    pub(crate) fn name(&self) -> DevName {
        let mut out = [0u8; b::IFNAMSIZ as usize];
        // SAFETY: by the type invariant the device is valid; `name` is an
        // always-NUL-terminated array that a rename rewrites in place, so a
        // copy at worst mixes two names, as C's netdev_info() may.
        let name = unsafe { &(*self.as_raw()).name };
        for (o, &c) in out.iter_mut().zip(name.iter()) {
            *o = c as u8;
        }
        if let Some(last) = out.last_mut() {
            *last = 0;
        }
        DevName(out)
    }

    /// Whether the device is up (`netif_running`).
    pub(crate) fn is_running(&self) -> bool {
        // SAFETY: valid device by the type invariant.
        unsafe { b::rbond_netif_running(self.as_raw()) }
    }

    /// Whether the device reports carrier (`netif_carrier_ok`).
    pub(crate) fn carrier_ok(&self) -> bool {
        // SAFETY: valid device by the type invariant.
        unsafe { b::rbond_netif_carrier_ok(self.as_raw()) }
    }

    /// Turns the carrier on.
    pub(crate) fn carrier_on(&self) {
        // SAFETY: valid, registered device; callable in any context.
        unsafe { b::netif_carrier_on(self.as_raw()) }
    }

    /// Turns the carrier off.
    pub(crate) fn carrier_off(&self) {
        // SAFETY: valid, registered device; callable in any context.
        unsafe { b::netif_carrier_off(self.as_raw()) }
    }

    /// The interface flags (IFF_*).
    pub(crate) fn flags(&self) -> u32 {
        // SAFETY: valid device; a plain read of a word-sized field, as
        // dev_get_flags() does.
        unsafe { (*self.as_raw()).flags }
    }

    /// The MTU.
    pub(crate) fn mtu(&self) -> u32 {
        // SAFETY: valid device; READ_ONCE-style read of an int.
        unsafe { core::ptr::read_volatile(&(*self.as_raw()).mtu) }
    }

    /// The interface index.
    pub(crate) fn ifindex(&self) -> i32 {
        // SAFETY: valid device; ifindex does not change after registration.
        unsafe { (*self.as_raw()).ifindex }
    }

    /// The hardware address.
    pub(crate) fn dev_addr(&self) -> MacAddr {
        let mut mac = MacAddr::default();
        // SAFETY: valid device; an Ethernet device's dev_addr points to at
        // least ETH_ALEN bytes for as long as it is registered.
        unsafe {
            let addr = (*self.as_raw()).dev_addr;
            if !addr.is_null() {
                core::ptr::copy_nonoverlapping(addr, mac.0.as_mut_ptr(), ETH_ALEN);
            }
        }
        mac
    }

    /// Counts a packet dropped on transmit (`dev_core_stats_tx_dropped_inc`).
    pub(crate) fn count_tx_dropped(&self) {
        // SAFETY: valid device; per-CPU core stats, any context.
        unsafe { b::rbond_dev_core_stats_tx_dropped_inc(self.as_raw()) }
    }
}

/// A device being set up before registration (the `setup` callback of
/// `alloc_netdev_mqs`): the place for flags and limits.
pub(crate) struct SetupDevice<'a>(&'a mut b::net_device);

impl SetupDevice<'_> {
    /// Adds IFF_* interface flags.
    pub(crate) fn add_flags(&mut self, flags: u32) {
        self.0.flags |= flags;
    }

    /// Adds and removes IFF_* private flags.
    pub(crate) fn change_priv_flags(&mut self, add: u64, remove: u64) {
        // SAFETY: a device in setup is exclusively ours.
        unsafe { b::rbond_netdev_change_priv_flags(self.0, add, remove) };
    }

    /// Marks transmit as lockless (no `netif_tx_lock` around xmit).
    pub(crate) fn set_lltx(&mut self) {
        // SAFETY: a device in setup is exclusively ours.
        unsafe { b::rbond_netdev_set_lltx(self.0) };
    }

    /// Forbids moving the device to another network namespace.
    pub(crate) fn set_netns_immutable(&mut self) {
        self.0.set_netns_immutable(1);
    }

    /// Gives the device a random, locally administered MAC address
    /// (`NET_ADDR_RANDOM`).
    pub(crate) fn set_random_hw_addr(&mut self) {
        // SAFETY: alloc_netdev_mqs allocated dev_addr before calling setup,
        // and ether_setup set addr_len; the device is exclusively ours.
        unsafe { b::rbond_eth_hw_addr_random(self.0) };
    }

    /// Sets the largest MTU the device accepts.
    pub(crate) fn set_max_mtu(&mut self, mtu: u32) {
        self.0.max_mtu = mtu;
    }
}

/// What a transmit function did with the packet.
pub(crate) enum TxOutcome {
    /// The packet was sent or dropped (and accounted): NETDEV_TX_OK.
    Consumed,
}

/// Driver information for `ethtool -i`.
pub(crate) struct DrvInfo<'a>(&'a mut b::ethtool_drvinfo);

impl DrvInfo<'_> {
    fn put(dst: &mut [kernel::ffi::c_char], src: &[u8]) {
        let n = src.len().min(dst.len().saturating_sub(1));
        for (d, &s) in dst.iter_mut().zip(src[..n].iter()) {
            *d = s as _;
        }
        if let Some(nul) = dst.get_mut(n) {
            *nul = 0;
        }
    }

    /// Sets the driver name.
    pub(crate) fn set_driver(&mut self, name: &[u8]) {
        Self::put(&mut self.0.driver, name);
    }

    /// Sets the firmware version string (bonding puts its ABI version here).
    pub(crate) fn set_fw_version(&mut self, v: &[u8]) {
        Self::put(&mut self.0.fw_version, v);
    }
}

/// A network device driver: its private data and its callbacks.
#[vtable]
pub(crate) trait Driver: 'static {
    /// Per-device private data, kept in the net_device's private area.
    type Data: Send + Sync;

    /// Sets flags and limits before registration.
    fn setup(_dev: &mut SetupDevice<'_>) {}

    /// `ndo_open`: the device goes up. Runs under RTNL.
    fn open(_dev: &Device, _data: &Self::Data) -> Result {
        Ok(())
    }

    /// `ndo_stop`: the device goes down. Runs under RTNL.
    fn stop(_dev: &Device, _data: &Self::Data) -> Result {
        Ok(())
    }

    /// `ndo_start_xmit`: transmit `skb`. Runs in softirq/BH context with RCU
    /// read side held: must not sleep.
    fn start_xmit(dev: &Device, data: &Self::Data, skb: SkBuff) -> TxOutcome;

    /// ethtool `get_drvinfo`.
    fn get_drvinfo(_dev: &Device, _data: &Self::Data, _info: &mut DrvInfo<'_>) {}

    /// Writes the device's file in the proc directory given at registration.
    fn proc_show(_dev: &Device, _data: &Self::Data, _out: &mut SeqFile) -> fmt::Result {
        Ok(())
    }
}

/// The proc file's view of a device of driver `T`.
#[repr(transparent)]
struct ProcView<T: Driver>(Opaque<b::net_device>, PhantomData<T>);

// SAFETY: only shared access to the device and its Sync data.
unsafe impl<T: Driver> Sync for ProcView<T> {}

impl<T: Driver> Show for ProcView<T> {
    fn show(&self, out: &mut SeqFile) -> fmt::Result {
        // SAFETY: a ProcView is only created by Registration::<T>::new over
        // its own device, which outlives the proc file.
        let (dev, data) = unsafe { Adapter::<T>::parts(self.0.get()) };
        T::proc_show(dev, data, out)
    }
}

struct Adapter<T: Driver>(PhantomData<T>);

impl<T: Driver> Adapter<T> {
    /// # Safety
    ///
    /// `dev` must be a valid net_device allocated by `Registration::<T>`,
    /// whose private area holds an initialised `T::Data`.
    unsafe fn parts<'a>(dev: *mut b::net_device) -> (&'a Device, &'a T::Data) {
        // SAFETY: per the function's requirements.
        unsafe { (Device::from_raw(dev), &*b::rbond_netdev_priv(dev).cast::<T::Data>()) }
    }

    unsafe extern "C" fn setup_callback(dev: *mut b::net_device) {
        // SAFETY: alloc_netdev_mqs calls setup with the new, exclusively
        // owned device.
        let dev = unsafe { &mut *dev };
        // SAFETY: `dev` is a freshly allocated net_device.
        unsafe { b::ether_setup(dev) };
        dev.netdev_ops = &Self::NETDEV_OPS;
        dev.ethtool_ops = &Self::ETHTOOL_OPS;
        T::setup(&mut SetupDevice(dev));
    }

    unsafe extern "C" fn open_callback(dev: *mut b::net_device) -> kernel::ffi::c_int {
        from_result(|| {
            // SAFETY: the core calls ndo_open on a registered device of ours.
            let (dev, data) = unsafe { Self::parts(dev) };
            T::open(dev, data)?;
            Ok(0)
        })
    }

    unsafe extern "C" fn stop_callback(dev: *mut b::net_device) -> kernel::ffi::c_int {
        from_result(|| {
            // SAFETY: the core calls ndo_stop on a registered device of ours.
            let (dev, data) = unsafe { Self::parts(dev) };
            T::stop(dev, data)?;
            Ok(0)
        })
    }

    unsafe extern "C" fn start_xmit_callback(
        skb: *mut b::sk_buff,
        dev: *mut b::net_device,
    ) -> b::netdev_tx_t {
        // SAFETY: the core calls ndo_start_xmit on a registered device of ours.
        let (dev, data) = unsafe { Self::parts(dev) };
        // SAFETY: the stack transfers its reference to `skb` to us.
        match unsafe { SkBuff::from_raw(skb) } {
            Some(skb) => match T::start_xmit(dev, data, skb) {
                TxOutcome::Consumed => b::netdev_tx_NETDEV_TX_OK,
            },
            None => b::netdev_tx_NETDEV_TX_OK,
        }
    }

    unsafe extern "C" fn get_drvinfo_callback(dev: *mut b::net_device, info: *mut b::ethtool_drvinfo) {
        // SAFETY: the ethtool core calls this on a registered device of ours,
        // with a valid drvinfo buffer it owns for the duration of the call.
        let (dev, data, info) = unsafe { (Device::from_raw(dev), Self::parts(dev).1, &mut *info) };
        T::get_drvinfo(dev, data, &mut DrvInfo(info));
    }

    const NETDEV_OPS: b::net_device_ops = b::net_device_ops {
        ndo_open: Some(Self::open_callback),
        ndo_stop: Some(Self::stop_callback),
        ndo_start_xmit: Some(Self::start_xmit_callback),
        ndo_set_mac_address: Some(b::eth_mac_addr),
        ndo_validate_addr: Some(b::eth_validate_addr),
        // SAFETY: net_device_ops is plain old data (function pointers and
        // integers) for which all-zeroes means "not implemented".
        ..unsafe { MaybeUninit::zeroed().assume_init() }
    };

    const ETHTOOL_OPS: b::ethtool_ops = b::ethtool_ops {
        get_drvinfo: if T::HAS_GET_DRVINFO { Some(Self::get_drvinfo_callback) } else { None },
        get_link: Some(b::ethtool_op_get_link),
        // SAFETY: ethtool_ops is plain old data for which all-zeroes means
        // "not implemented".
        ..unsafe { MaybeUninit::zeroed().assume_init() }
    };
}

/// A network device this module allocated and registered. Dropping it
/// unregisters the device (closing it first if it is up) and frees it.
///
/// # Invariants
///
/// `dev` is a registered net_device allocated with room for `T::Data`, which
/// is initialised; `proc_file`, when present, shows that device.
pub(crate) struct Registration<T: Driver> {
    proc_file: Option<ProcFile<ProcView<T>>>,
    dev: NonNull<b::net_device>,
}

// SAFETY: the registration only hands out `&Device` and `&T::Data`, both
// Sync; unregistering may happen from any thread (it takes RTNL itself).
unsafe impl<T: Driver> Send for Registration<T> {}
// SAFETY: as above.
unsafe impl<T: Driver> Sync for Registration<T> {}

impl<T: Driver> Registration<T> {
    /// Allocates a device named after `name_fmt` (e.g. "bond%d") with
    /// `queues` transmit and receive queues, initialises its private data,
    /// registers it with the carrier off, and shows its data in `proc_dir`.
    pub(crate) fn new(
        name_fmt: &CStr,
        queues: u32,
        data: impl PinInit<T::Data, Error>,
        proc_dir: &Arc<ProcDir>,
    ) -> Result<Self> {
        // netdev_priv() is aligned to NETDEV_ALIGN (32).
        build_assert!(align_of::<T::Data>() <= 32);
        // SAFETY: name_fmt is NUL-terminated; setup_callback fits the
        // prototype; queue counts are checked by the callee.
        let dev = unsafe {
            b::alloc_netdev_mqs(
                size_of::<T::Data>() as _,
                name_fmt.as_char_ptr().cast(),
                b::NET_NAME_UNKNOWN as _,
                Some(Adapter::<T>::setup_callback),
                queues,
                queues,
            )
        };
        let dev = NonNull::new(dev).ok_or(ENOMEM)?;
        // SAFETY: the private area is sized and aligned for T::Data and not
        // yet initialised.
        let slot = unsafe { b::rbond_netdev_priv(dev.as_ptr()) }.cast::<T::Data>();
        // SAFETY: `slot` is valid for writes and pinned (it never moves for
        // the device's lifetime).
        if let Err(e) = unsafe { data.__pinned_init(slot) } {
            // SAFETY: allocated above, never registered.
            unsafe { b::free_netdev(dev.as_ptr()) };
            return Err(e);
        }
        // SAFETY: a fully set-up device; register_netdev takes RTNL.
        if let Err(e) = to_result(unsafe { b::register_netdev(dev.as_ptr()) }) {
            // SAFETY: data was initialised above; the device was never
            // registered, so nothing else can see either.
            unsafe {
                core::ptr::drop_in_place(slot);
                b::free_netdev(dev.as_ptr());
            }
            return Err(e);
        }
        let mut reg = Self { proc_file: None, dev };
        // The C driver registers bonds with the carrier off until a slave is
        // usable (bond_create()).
        reg.device().carrier_off();
        let name = reg.device().name();
        if let Some(name) = name.with_nul() {
            let view = dev.as_ptr().cast::<ProcView<T>>().cast_const();
            // SAFETY: the device and its data stay valid until Drop, which
            // drops proc_file first.
            reg.proc_file = Some(unsafe { ProcFile::new(proc_dir, name, view)? });
        }
        Ok(reg)
    }

    /// The device.
    pub(crate) fn device(&self) -> &Device {
        // SAFETY: registered and valid until Drop, by the type invariant.
        unsafe { Device::from_raw(self.dev.as_ptr()) }
    }

    /// The driver's private data.
    pub(crate) fn data(&self) -> &T::Data {
        // SAFETY: initialised until Drop, by the type invariant.
        unsafe { Adapter::<T>::parts(self.dev.as_ptr()).1 }
    }
}

impl<T: Driver> Drop for Registration<T> {
    fn drop(&mut self) {
        // Readers of the proc file may hold `&T::Data`: remove it first.
        self.proc_file = None;
        // SAFETY: by the type invariant the device is registered and its
        // private data initialised. unregister_netdev closes the device and
        // waits for every user (xmit, ethtool, ...) to be gone, after which
        // the data can be dropped and the device freed.
        unsafe {
            b::unregister_netdev(self.dev.as_ptr());
            core::ptr::drop_in_place(b::rbond_netdev_priv(self.dev.as_ptr()).cast::<T::Data>());
            b::free_netdev(self.dev.as_ptr());
        }
    }
}
