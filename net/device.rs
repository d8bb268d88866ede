// SPDX-License-Identifier: GPL-2.0

//! Network devices (`struct net_device`): a driver's callbacks as a trait,
//! and an owning registration whose `Drop` unregisters and frees the device.

use super::{
    bindings as b,
    pernet::Net,
    proc::{ProcDir, ProcFile, SeqFile, Show},
    rcu::RcuGuard,
    rtnl::{Rtnl, RtnlCell},
    skb::SkBuff,
};
use core::{
    fmt,
    marker::PhantomData,
    mem::{size_of, MaybeUninit},
    ptr::NonNull,
    sync::atomic::{AtomicBool, Ordering},
};
use kernel::{
    error::{code::*, from_result, to_result, Error, Result},
    init::PinInit,
    prelude::*,
    str::CStr,
    sync::Arc,
    types::Opaque,
    uaccess::UserPtr,
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
    /// The device is a loopback device.
    pub(crate) const IFF_LOOPBACK: u32 = b::net_device_flags_IFF_LOOPBACK;
    /// The device receives every frame.
    pub(crate) const IFF_PROMISC: u32 = b::net_device_flags_IFF_PROMISC;
    /// The device receives every multicast frame.
    pub(crate) const IFF_ALLMULTI: u32 = b::net_device_flags_IFF_ALLMULTI;
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
    /// No IPv6 address autoconfiguration on this device (bonding slaves).
    pub(crate) const IFF_NO_ADDRCONF: u64 = b::netdev_priv_flags_IFF_NO_ADDRCONF as u64;
    /// The device can transmit shared skbs.
    pub(crate) const IFF_TX_SKB_SHARING: u64 = b::netdev_priv_flags_IFF_TX_SKB_SHARING as u64;
}

/// `ARPHRD_ETHER`: an Ethernet device.
pub(crate) const ARPHRD_ETHER: u16 = b::ARPHRD_ETHER as u16;
/// `ARPHRD_CAN`.
pub(crate) const ARPHRD_CAN: u16 = b::ARPHRD_CAN as u16;
/// `NET_ADDR_RANDOM`: the device's address was generated at random.
pub(crate) const NET_ADDR_RANDOM: u8 = b::NET_ADDR_RANDOM as u8;

/// Largest MTU an Ethernet device can have (`ETH_MAX_MTU`).
pub(crate) const ETH_MAX_MTU: u32 = b::ETH_MAX_MTU;

/// Length of an Ethernet address.
pub(crate) const ETH_ALEN: usize = 6;

/// An Ethernet (MAC) address.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct MacAddr(pub(crate) [u8; ETH_ALEN]);

impl MacAddr {
    /// A random, locally administered unicast address (`eth_random_addr`).
    pub(crate) fn random() -> Self {
        let (a, b) = (
            super::skb::random_u32().to_ne_bytes(),
            super::skb::random_u32().to_ne_bytes(),
        );
        MacAddr([(a[0] & 0xfe) | 0x02, a[1], a[2], a[3], b[0], b[1]])
    }
}

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
        fmt::Display::fmt(&crate::bond_params::Shown(self.as_bytes()), f)
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

    pub(super) fn as_raw(&self) -> *mut b::net_device {
        self.0.get()
    }

    /// The raw pointer, for the other modules of this layer.
    pub(super) fn as_ptr(&self) -> *mut b::net_device {
        self.0.get()
    }

    /// The device's name.
    pub(crate) fn name(&self) -> DevName {
        let mut out = [0u8; b::IFNAMSIZ as usize];
        // No reference to the array: a rename (under RTNL) rewrites it in
        // place while lockless readers (the monitors, /proc) copy it. Each
        // byte is read once, volatile, so a copy at worst mixes two names,
        // as C's netdev_info() may.
        // SAFETY: by the type invariant the device is valid; `name` is an array of IFNAMSIZ bytes inside it.
        let name = unsafe { core::ptr::addr_of!((*self.as_raw()).name) }.cast::<u8>();
        for (i, o) in out.iter_mut().enumerate() {
            // SAFETY: `i < IFNAMSIZ`, within the array.
            *o = unsafe { core::ptr::read_volatile(name.add(i)) };
        }
        if let Some(last) = out.last_mut() {
            *last = 0;
        }
        DevName(out)
    }

    /// The device's state bits (`dev->state`), read once as `test_bit`
    /// does; inline here rather than through a C call, since the transmit
    /// path asks for every packet.
    fn state(&self) -> usize {
        // SAFETY: valid device; `state` is a word the core changes with atomic bit operations, so a volatile word read is what test_bit() amounts to.
        unsafe { core::ptr::read_volatile(core::ptr::addr_of!((*self.as_raw()).state)) as usize }
    }

    /// Whether the device is up (`netif_running`).
    pub(crate) fn is_running(&self) -> bool {
        self.state() & (1 << b::netdev_state_t___LINK_STATE_START) != 0
    }

    /// Whether the device reports carrier (`netif_carrier_ok`).
    pub(crate) fn carrier_ok(&self) -> bool {
        self.state() & (1 << b::netdev_state_t___LINK_STATE_NOCARRIER) == 0
    }

    /// Whether a link-watch event of the device is still waiting to be
    /// run (`__LINK_STATE_LINKWATCH_PENDING`).
    pub(crate) fn linkwatch_pending(&self) -> bool {
        self.state() & (1 << b::netdev_state_t___LINK_STATE_LINKWATCH_PENDING) != 0
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
        // SAFETY: valid device; a plain read of a word-sized field, as dev_get_flags() does.
        unsafe { (*self.as_raw()).flags }
    }

    /// The MTU.
    pub(crate) fn mtu(&self) -> u32 {
        // SAFETY: valid device; READ_ONCE-style read of an int.
        unsafe { core::ptr::read_volatile(&(*self.as_raw()).mtu) }
    }

    /// The hardware address.
    pub(crate) fn dev_addr(&self) -> MacAddr {
        let mut mac = MacAddr::default();
        // SAFETY: valid device; an Ethernet device's dev_addr points to at least ETH_ALEN bytes for as long as it is registered.
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

    /// The hardware type (`ARPHRD_*`).
    pub(crate) fn hw_type(&self) -> u16 {
        // SAFETY: valid device; the type changes only under RTNL, and a torn read of a u16 is impossible.
        unsafe { (*self.as_raw()).type_ }
    }

    /// How the address was assigned (`NET_ADDR_*`).
    pub(crate) fn addr_assign_type(&self) -> u8 {
        // SAFETY: valid device.
        unsafe { b::rbond_addr_assign_type(self.as_raw()) }
    }

    /// Takes a reference that keeps the device allocated (`dev_hold`).
    pub(crate) fn to_ref(&self) -> DeviceRef {
        // SAFETY: valid device; the reference is dropped in DeviceRef::drop.
        unsafe { b::rbond_dev_hold(self.as_raw()) };
        DeviceRef(NonNull::from(&self.0).cast())
    }

    /// Whether this is the same device as `other`.
    pub(crate) fn is(&self, other: &Device) -> bool {
        core::ptr::eq(self, other)
    }

    /// Logs `args` as `netdev_printk` does ("bond0: ..."). `level` is one of
    /// the `KERN_*` strings below.
    pub(crate) fn log(&self, level: &LogLevel, args: fmt::Arguments<'_>) {
        // SAFETY: valid device; "%pA" formats a `fmt::Arguments` (Rust printk support), which outlives the call.
        unsafe {
            b::netdev_printk(
                level.0.as_ptr().cast(),
                self.as_raw(),
                c"%pA".as_ptr().cast(),
                &args as *const fmt::Arguments<'_> as *const core::ffi::c_void,
            )
        };
    }

    /// Finds a device by name in this device's network namespace.
    pub(crate) fn lookup_in_same_ns<'a>(&self, name: &CStr, _rtnl: &'a Rtnl) -> Option<&'a Device> {
        // SAFETY: RTNL is held (by the proof), which keeps the returned device registered and valid for `'a`.
        unsafe {
            let dev = b::rbond_dev_get_by_name(self.as_raw(), name.as_char_ptr().cast());
            (!dev.is_null()).then(|| Device::from_raw(dev))
        }
    }

    /// [`Device::lookup_in_same_ns`] by a name given as bytes (no NUL).
    pub(crate) fn lookup_name_in_same_ns<'a>(
        &self,
        name: &[u8],
        rtnl: &'a Rtnl,
    ) -> Option<&'a Device> {
        let mut buf = [0u8; b::IFNAMSIZ as usize];
        if name.len() >= buf.len() || name.contains(&0) {
            return None;
        }
        buf.get_mut(..name.len())?.copy_from_slice(name);
        let name = CStr::from_bytes_with_nul(buf.get(..=name.len())?).ok()?;
        self.lookup_in_same_ns(name, rtnl)
    }

    /// Whether the caller may administer this device's namespace
    /// (`ns_capable(net->user_ns, CAP_NET_ADMIN)`).
    pub(crate) fn net_admin_capable(&self) -> bool {
        // SAFETY: valid device; process context (an ioctl).
        unsafe { b::rbond_net_admin_capable(self.as_raw()) }
    }

    /// The master this device is linked under, if any
    /// (`netdev_master_upper_dev_get`).
    pub(crate) fn master_upper<'a>(&self, _rtnl: &'a Rtnl) -> Option<&'a Device> {
        // SAFETY: valid device, RTNL held: the master and its link stay while the guard lives.
        let m = unsafe { b::rbond_master_upper(self.as_raw()) };
        // SAFETY: non-null: a registered device, kept by RTNL as above.
        (!m.is_null()).then(|| unsafe { Device::from_raw(m) })
    }

    /// Joins the multicast group `addr` (`dev_mc_add`).
    pub(crate) fn mc_add(&self, _rtnl: &Rtnl, addr: &[u8; 6]) -> Result {
        // SAFETY: valid device, RTNL held; `addr` is 6 readable bytes, copied.
        to_result(unsafe { b::rbond_dev_mc_add(self.as_raw(), addr.as_ptr()) })
    }

    /// Leaves the multicast group `addr` (`dev_mc_del`).
    pub(crate) fn mc_del(&self, _rtnl: &Rtnl, addr: &[u8; 6]) {
        // SAFETY: as in mc_add.
        unsafe { b::rbond_dev_mc_del(self.as_raw(), addr.as_ptr()) };
    }

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

    /// `dev_set_mac_address`.
    pub(crate) fn set_mac_address(
        &self,
        _rtnl: &Rtnl,
        mac: MacAddr,
        extack: &mut ExtAck,
    ) -> Result {
        // SAFETY: valid device, RTNL held; `mac` holds addr_len (6) bytes of an Ethernet device.
        to_result(unsafe { b::rbond_dev_set_mac_address(self.as_raw(), mac.0.as_ptr(), extack.0) })
    }

    /// Takes `mac` as the device's address, marked as stolen from a slave
    /// (the bond, from its first slave), and announces it.
    pub(crate) fn steal_hw_addr(&self, _rtnl: &Rtnl, mac: MacAddr) -> Result {
        // SAFETY: valid device, RTNL held; `mac` holds addr_len bytes.
        to_result(unsafe {
            b::rbond_dev_addr_set_notify(self.as_raw(), mac.0.as_ptr(), b::NET_ADDR_STOLEN as u8)
        })
    }

    /// Puts back a random address the device had before (undoing
    /// `steal_hw_addr`), and announces it.
    pub(crate) fn restore_random_hw_addr(&self, _rtnl: &Rtnl, mac: MacAddr) -> Result {
        // SAFETY: valid device, RTNL held; `mac` holds addr_len bytes.
        to_result(unsafe {
            b::rbond_dev_addr_set_notify(self.as_raw(), mac.0.as_ptr(), b::NET_ADDR_RANDOM as u8)
        })
    }

    /// Gives the device a new random address and announces it.
    pub(crate) fn randomize_hw_addr(&self, _rtnl: &Rtnl) {
        // SAFETY: valid device, RTNL held.
        unsafe { b::rbond_dev_addr_random(self.as_raw()) }
    }

    /// Adds and removes private flags (IFF_NO_ADDRCONF, ...).
    pub(crate) fn change_priv_flags(&self, _rtnl: &Rtnl, add: u64, remove: u64) {
        // SAFETY: valid device; priv_flags change under RTNL.
        unsafe { b::rbond_netdev_change_priv_flags(self.as_raw(), add, remove) }
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

    /// Locks this device's unicast and multicast address lists
    /// (`netif_addr_lock_bh`), to push them to lower devices.
    pub(crate) fn lock_addr_lists(&self) -> AddrListGuard<'_> {
        // SAFETY: valid device; the guard unlocks in Drop, in the same context.
        unsafe { b::rbond_netif_addr_lock_bh(self.as_raw()) };
        AddrListGuard(AddrLists { dev: self })
    }

    /// Takes back from this device every unicast and multicast address that
    /// `upper` pushed to it (`dev_uc_unsync`, `dev_mc_unsync`). Must not be
    /// called with `upper`'s lists locked: these take the lock themselves.
    pub(crate) fn unsync_addr_lists(&self, _rtnl: &Rtnl, upper: &Device) {
        // SAFETY: both devices are valid; the functions take both address list locks in the order the core documents (from, then to).
        unsafe {
            b::dev_uc_unsync(self.as_raw(), upper.as_raw());
            b::dev_mc_unsync(self.as_raw(), upper.as_raw());
        }
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
        // SAFETY: valid device; flags change under RTNL, which is held.
        unsafe { b::rbond_netdev_change_flags_raw(self.as_raw(), add, remove) }
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

    /// The device's counters (`dev_get_stats`).
    pub(crate) fn stats(&self) -> LinkStats64 {
        let mut s = LinkStats64::default();
        // SAFETY: valid device; dev_get_stats may run in any process or softirq context without RTNL.
        unsafe { b::dev_get_stats(self.as_raw(), &mut s.0) };
        s
    }

    /// Speed in Mbps and duplex from ethtool, `None` when unknown.
    pub(crate) fn speed_duplex(&self, _rtnl: &Rtnl) -> (Option<u32>, Option<bool>) {
        let (mut speed, mut duplex) = (0u32, 0u8);
        // SAFETY: valid device, RTNL held (as __ethtool_get_link_ksettings requires).
        unsafe { b::rbond_get_speed_duplex(self.as_raw(), &mut speed, &mut duplex) };
        let speed = (speed != b::SPEED_UNKNOWN as u32).then_some(speed);
        let duplex = match u32::from(duplex) {
            b::DUPLEX_FULL => Some(true),
            b::DUPLEX_HALF => Some(false),
            _ => None,
        };
        (speed, duplex)
    }

    /// The private data, if this device belongs to driver `T`.
    pub(crate) fn driver_data<T: Driver>(&self) -> Option<&T::Data> {
        // SAFETY: valid device; netdev_ops is fixed after registration.
        let ops = unsafe { (*self.as_raw()).netdev_ops };
        if core::ptr::eq(ops, &T::OPS.0) {
            // SAFETY: only devices set up by Adapter::<T>::setup_callback use these ops; registered (the caller has a device in use), their private data is initialised.
            Some(unsafe { Adapter::<T>::parts(self.as_raw()).1 })
        } else {
            None
        }
    }

    /// Shows a registered `T` device's data in `dir`, in a file named after
    /// the device that follows its renames ([`Device::proc_follow_name`])
    /// and goes when the device is unregistered.
    pub(crate) fn proc_create<T: Driver>(&self, dir: &Arc<ProcDir>, rtnl: &Rtnl) -> Result {
        if self.driver_data::<T>().is_none() {
            return Err(EINVAL);
        }
        let name = self.name();
        let name = name.with_nul().ok_or(EINVAL)?;
        let view = self.as_raw().cast::<ProcView<T>>().cast_const();
        // SAFETY: a `T` device (checked above): its ndo_uninit removes the file before its data can be dropped.
        let file = unsafe { ProcFile::new(dir, name, view)? };
        // SAFETY: as above, the private area holds a DevPriv<T>.
        let cell = unsafe { &(*Adapter::<T>::priv_of(self.as_raw())).proc_file };
        *cell.borrow_mut(rtnl)? = Some(file);
        Ok(())
    }

    /// Transmit queues in use (`real_num_tx_queues`).
    pub(crate) fn real_num_tx_queues(&self) -> u32 {
        // SAFETY: valid device; a plain field read.
        unsafe { (*self.as_raw()).real_num_tx_queues }
    }

    /// The interface index.
    pub(crate) fn ifindex(&self) -> i32 {
        // SAFETY: valid device.
        unsafe { b::rbond_dev_ifindex(self.as_raw()) }
    }

    /// The device's network namespace.
    pub(crate) fn net(&self) -> &Net {
        // SAFETY: valid device; its namespace outlives it (devices are removed from a namespace before it goes).
        unsafe { Net::from_raw(b::rbond_dev_net(self.as_raw())) }
    }

    /// The device with index `ifindex` in this device's namespace.
    pub(crate) fn lookup_index_in_same_ns<'a>(
        &self,
        ifindex: i32,
        _rtnl: &'a Rtnl,
    ) -> Option<&'a Device> {
        // SAFETY: valid device; under RTNL the devices of a namespace stay registered, and the returned device lives at least while RTNL is held.
        unsafe {
            let d = b::__dev_get_by_index(b::rbond_dev_net(self.as_raw()), ifindex);
            (!d.is_null()).then(|| Device::from_raw(d))
        }
    }

    /// Unregisters the device (`unregister_netdevice`): it closes, its
    /// driver's uninit runs now, and the core frees it once unused.
    pub(crate) fn unregister(&self, _rtnl: &Rtnl) {
        // SAFETY: valid, registered device, under RTNL.
        unsafe { b::rbond_unregister_netdevice(self.as_raw()) }
    }

    /// After a rename (NETDEV_CHANGENAME) of a `T` device: its proc file
    /// takes the new name, as the C driver's bond_event_changename().
    pub(crate) fn proc_follow_name<T: Driver>(&self, rtnl: &Rtnl) -> Result {
        if self.driver_data::<T>().is_none() {
            return Err(EINVAL);
        }
        // SAFETY: a `T` device (checked above), whose private area holds a DevPriv<T>.
        let cell = unsafe { &(*Adapter::<T>::priv_of(self.as_raw())).proc_file };
        let mut file = cell.borrow_mut(rtnl)?;
        let name = self.name();
        match (file.as_mut(), name.with_nul()) {
            (Some(f), Some(n)) => f.rename(n),
            _ => Ok(()),
        }
    }

    /// The delayed work `id` of a `T` device, if this is one.
    fn work_of<T: Driver>(&self, id: WorkId) -> Option<*mut b::delayed_work> {
        self.driver_data::<T>()?;
        // SAFETY: a `T` device (checked above) has a DevPriv<T> whose works setup_callback initialised.
        let works = unsafe { &(*Adapter::<T>::priv_of(self.as_raw())).works };
        works.get(usize::from(id.0)).map(|w| w.dw.get())
    }

    /// Runs `T::work(id)` after `delay_ms` (now if 0), unless already
    /// queued. Does nothing if the device is not a `T` device.
    pub(crate) fn start_work<T: Driver>(&self, id: WorkId, delay_ms: u32) {
        if let Some(dw) = self.work_of::<T>(id) {
            // SAFETY: an initialised work of a device whose data is initialised (it is in use), so the destructor (which cancels the works) has not run.
            unsafe { b::rbond_queue_delayed_work(dw, b::rbond_msecs_to_jiffies(delay_ms)) };
        }
    }

    /// Runs `T::work(id)` after `delay_ms`, queued or not: a pending run
    /// is moved to then (`mod_delayed_work`). Does nothing if the device
    /// is not a `T` device.
    pub(crate) fn restart_work<T: Driver>(&self, id: WorkId, delay_ms: u32) {
        if let Some(dw) = self.work_of::<T>(id) {
            // SAFETY: as in start_work.
            unsafe { b::rbond_mod_delayed_work(dw, b::rbond_msecs_to_jiffies(delay_ms)) };
        }
    }

    /// Cancels `T::work(id)` and waits for a running one to finish
    /// (`cancel_delayed_work_sync`: the work must not wait for RTNL, but
    /// try it, since ndo_stop calls this under RTNL).
    pub(crate) fn stop_work<T: Driver>(&self, id: WorkId) {
        if let Some(dw) = self.work_of::<T>(id) {
            // SAFETY: as in start_work; process context.
            unsafe { b::cancel_delayed_work_sync(dw) };
        }
    }

    /// The link as ethtool reports it (`get_link`), `None` if the driver
    /// has no get_link. Needs RTNL: `ethtool_op_get_link` syncs a pending
    /// linkwatch event, which may activate the device's qdiscs.
    pub(crate) fn ethtool_link(&self, _rtnl: &Rtnl) -> Option<bool> {
        // SAFETY: valid device; get_link may sleep, which the monitor (a work item) allows.
        match unsafe { b::rbond_ethtool_get_link(self.as_raw()) } {
            -1 => None,
            v => Some(v != 0),
        }
    }

    /// The MII basic mode status register through the driver's
    /// SIOCGMIIPHY/SIOCGMIIREG (`ndo_eth_ioctl`, which drivers expect under
    /// RTNL as from dev_ifsioc), `None` if unsupported.
    pub(crate) fn mii_bmsr(&self, _rtnl: &Rtnl) -> Option<u16> {
        let mut ifr = b::ifreq::default();
        // SAFETY: valid device; netdev_ops is fixed while registered.
        let ioctl = unsafe { (*(*self.as_raw()).netdev_ops).ndo_eth_ioctl }?;
        // SAFETY: `ifr` is a zeroed kernel ifreq we own; if_mii overlays mii_ioctl_data on its union; the driver's ndo_eth_ioctl gets a kernel pointer in process context, as bond_check_dev_link() does.
        unsafe {
            let mii = b::rbond_if_mii(&mut ifr);
            if ioctl(self.as_raw(), &mut ifr, b::SIOCGMIIPHY as i32) != 0 {
                return None;
            }
            (*mii).reg_num = b::MII_BMSR as u16;
            if ioctl(self.as_raw(), &mut ifr, b::SIOCGMIIREG as i32) != 0 {
                return None;
            }
            Some((*mii).val_out)
        }
    }

    /// The address this device would use to talk to `dst`
    /// (`inet_confirm_addr()`, as the C driver's `bond_confirm_addr()`);
    /// 0.0.0.0 if none.
    pub(crate) fn confirm_addr(&self, dst: [u8; 4]) -> [u8; 4] {
        // SAFETY: valid device; the helper reads its IPv4 configuration under RCU.
        unsafe { b::rbond_confirm_addr(self.as_raw(), u32::from_ne_bytes(dst)) }.to_ne_bytes()
    }

    /// Sends an ARP request for `target` from `src` out of this device
    /// (`arp_create` + `arp_xmit`).
    pub(crate) fn send_arp_request(&self, target: [u8; 4], src: [u8; 4]) -> Result {
        // SAFETY: valid device; arp_xmit may be called in process context.
        to_result(unsafe {
            b::rbond_arp_send_request(
                self.as_raw(),
                u32::from_ne_bytes(target),
                u32::from_ne_bytes(src),
            )
        })
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

    /// The data of this device's rx_handler `H`, if it has that handler,
    /// for the read-side critical section (the handler's data is dropped
    /// only after a grace period that follows its unregistration).
    pub(crate) fn rx_handler_data_rcu<'a, H: super::rx::RxHandler>(
        &self,
        _rcu: &'a RcuGuard,
    ) -> Option<&'a H::Data> {
        // SAFETY: valid device; the handler and its data are read under RCU, as __netif_receive_skb does.
        let (handler, data) = unsafe {
            (
                (*self.as_raw()).rx_handler,
                b::rbond_rx_handler_data_rcu(self.as_raw()),
            )
        };
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
        // SAFETY: valid device, RTNL held; our handler is registered. After netdev_rx_handler_unregister returns, no frame is in the handler.
        unsafe {
            let raw = (*self.as_raw()).rx_handler_data;
            b::netdev_rx_handler_unregister(self.as_raw());
            drop(Arc::<H::Data>::from_raw(raw.cast()));
        }
        Some(data)
    }
}

/// Events a driver announces about its own device.
pub(crate) enum NotifyEvent {
    /// NETDEV_NOTIFY_PEERS: the stack sends gratuitous ARP and unsolicited
    /// neighbour advertisements for the device's addresses.
    NotifyPeers,
    /// NETDEV_BONDING_FAILOVER: user space sees IFLA_EVENT_BONDING_FAILOVER.
    BondingFailover,
    /// NETDEV_RESEND_IGMP: the stack sends IGMP reports again.
    ResendIgmp,
    /// NETDEV_CHANGEINFODATA: the device's link-type data changed (user
    /// space sees an RTM_NEWLINK).
    ChangeInfoData,
}

/// A printk level for [`Device::log`].
pub(crate) struct LogLevel(&'static [u8]);
/// `KERN_ERR`.
pub(crate) const KERN_ERR: LogLevel = LogLevel(b"\x013\0");
/// `KERN_WARNING`.
pub(crate) const KERN_WARNING: LogLevel = LogLevel(b"\x014\0");
/// `KERN_INFO`.
pub(crate) const KERN_INFO: LogLevel = LogLevel(b"\x016\0");

/// A counted reference to a device (`dev_hold`/`dev_put`): the device stays
/// allocated, though it may be unregistered.
///
/// # Invariants
///
/// `self.0` is a valid net_device on which this value holds a reference.
pub(crate) struct DeviceRef(NonNull<b::net_device>);

// SAFETY: dev_put may be called from any thread.
unsafe impl Send for DeviceRef {}
// SAFETY: only `&Device` is handed out, which is Sync.
unsafe impl Sync for DeviceRef {}

impl core::ops::Deref for DeviceRef {
    type Target = Device;
    fn deref(&self) -> &Device {
        // SAFETY: valid while we hold the reference (type invariant).
        unsafe { Device::from_raw(self.0.as_ptr()) }
    }
}

impl Drop for DeviceRef {
    fn drop(&mut self) {
        // SAFETY: the reference taken in Device::to_ref; any context.
        unsafe { b::rbond_dev_put(self.0.as_ptr()) };
    }
}

/// A netlink extended-ack, for error messages back to `ip`.
pub(crate) struct ExtAck(*mut b::netlink_ext_ack);

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

/// Interface counters (`struct rtnl_link_stats64`), all u64. Transparent:
/// the layer casts the core's `*mut rtnl_link_stats64` to it.
#[derive(Default, Clone, Copy)]
#[repr(transparent)]
pub(crate) struct LinkStats64(b::rtnl_link_stats64);

/// Number of counters in `struct rtnl_link_stats64`.
pub(crate) const STATS_FIELDS: usize = size_of::<b::rtnl_link_stats64>() / 8;

impl LinkStats64 {
    /// The counters as an array, in the struct's order.
    pub(crate) fn counters(&self) -> &[u64; STATS_FIELDS] {
        build_assert!(size_of::<b::rtnl_link_stats64>() == STATS_FIELDS * 8);
        // SAFETY: rtnl_link_stats64 is repr(C) and consists of u64 fields only (size checked above), so it has the layout of [u64; N].
        unsafe { &*(&self.0 as *const b::rtnl_link_stats64).cast() }
    }

    /// Mutable view of `counters`.
    pub(crate) fn counters_mut(&mut self) -> &mut [u64; STATS_FIELDS] {
        // SAFETY: as in `counters`.
        unsafe { &mut *(&mut self.0 as *mut b::rtnl_link_stats64).cast() }
    }
}

/// An `ifreq` passed to a device ioctl (a kernel copy).
pub(crate) struct IfReq<'a>(&'a mut b::ifreq);

impl IfReq<'_> {
    /// `ifr_slave`: the slave name of SIOCBOND* requests, NUL-terminated.
    pub(crate) fn slave_name(&self) -> Option<&CStr> {
        // SAFETY: every union member is plain bytes or a pointer; reading the name view of a kernel copy of the request is always defined.
        let name = unsafe { self.0.ifr_ifru.ifru_slave.as_ref() };
        // SAFETY: [c_char; 16] and [u8; 16] have the same layout.
        let bytes: &[u8; 16] = unsafe { &*(name as *const _ as *const [u8; 16]) };
        let len = bytes.iter().position(|&c| c == 0)?;
        CStr::from_bytes_with_nul(&bytes[..=len]).ok()
    }

    /// `ifr_data`: a user-space pointer for the query ioctls.
    pub(crate) fn user_data(&self) -> UserPtr {
        // SAFETY: as in `slave_name`.
        unsafe { *self.0.ifr_ifru.ifru_data.as_ref() as UserPtr }
    }

    /// The MII view of the request (`if_mii`): phy_id, reg_num, val_in,
    /// val_out.
    pub(crate) fn mii(&mut self) -> &mut b::mii_ioctl_data {
        // SAFETY: if_mii overlays mii_ioctl_data (8 bytes) on the 24-byte union of our kernel copy, which we borrow mutably.
        unsafe { &mut *b::rbond_if_mii(self.0) }
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

    /// Offers the offloads a master can pass on to its lower devices.
    pub(crate) fn set_master_features(&mut self) {
        // SAFETY: a device in setup is exclusively ours.
        unsafe { b::rbond_setup_features(self.0) };
    }

    /// Gives the device a random, locally administered MAC address
    /// (`NET_ADDR_RANDOM`).
    pub(crate) fn set_random_hw_addr(&mut self) {
        // SAFETY: alloc_netdev_mqs allocated dev_addr before calling setup, and ether_setup set addr_len; the device is exclusively ours.
        unsafe { b::rbond_eth_hw_addr_random(self.0) };
    }

    /// Sets the largest MTU the device accepts.
    /// The device's own group of sysfs files (`sysfs_groups[0]`), made with
    /// its directory when it registers.
    pub(crate) fn set_sysfs_group(&mut self, group: &'static super::sysfs::AttrGroup) {
        self.0.sysfs_groups[0] = group.as_raw();
    }

    pub(crate) fn set_max_mtu(&mut self, mtu: u32) {
        self.0.max_mtu = mtu;
    }
}

/// EOPNOTSUPP (95): 6.12's `kernel::error::code` lacks it, and user space
/// must never see the kernel-internal ENOTSUPP (524).
/// Whether the current task may administer networking in the initial
/// namespace (`capable(CAP_NET_ADMIN)`): what /proc/net/bonding asks before
/// it shows the 802.3ad details.
pub(crate) fn capable_net_admin() -> bool {
    // SAFETY: process context (a read of a /proc file).
    unsafe { b::rbond_capable_net_admin() }
}

pub(crate) fn eopnotsupp() -> Error {
    Error::from_errno(-(b::EOPNOTSUPP as i32))
}

/// ENOTEMPTY, which 6.12's `kernel::error::code` lacks.
pub(crate) fn enotempty() -> Error {
    Error::from_errno(-(b::ENOTEMPTY as i32))
}

/// EMSGSIZE.
pub(crate) fn emsgsize() -> Error {
    Error::from_errno(-(b::EMSGSIZE as i32))
}

/// EADDRNOTAVAIL.
pub(crate) fn eaddrnotavail() -> Error {
    Error::from_errno(-(b::EADDRNOTAVAIL as i32))
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

/// The `net_device_ops` of driver `T`, in a `static` that the driver
/// declares (`static OPS: NetdevOps<MyDriver> = NetdevOps::new();`): a
/// static has one address, which is how [`Device::driver_data`] recognises
/// the driver's devices (a promoted constant may be duplicated).
#[repr(transparent)]
pub(crate) struct NetdevOps<T: Driver>(b::net_device_ops, PhantomData<T>);

// SAFETY: function pointers and plain integers, never written after
// construction.
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

    /// A master device: its offloads are the intersection of its lower
    /// devices' (`ndo_fix_features`).
    const MASTER: bool = false;

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

    /// ethtool `get_drvinfo`.
    fn get_drvinfo(_dev: &Device, _data: &Self::Data, _info: &mut DrvInfo<'_>) {}

    /// `ndo_init`: the device is registering (under RTNL), its name final;
    /// an error fails the registration.
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
struct ProcView<T: Driver>(Opaque<b::net_device>, PhantomData<T>);

// SAFETY: only shared access to the device and its Sync data.
unsafe impl<T: Driver> Sync for ProcView<T> {}

impl<T: Driver> Show for ProcView<T> {
    fn show(&self, out: &mut SeqFile) -> fmt::Result {
        // SAFETY: a ProcView is only created by Device::proc_create over a registered `T` device, whose ndo_uninit removes the proc file before the data can be dropped.
        let (dev, data) = unsafe { Adapter::<T>::parts(self.0.get()) };
        T::proc_show(dev, data, out)
    }
}

/// Which of a device's delayed works (`Driver::work`): each device of a
/// driver has `MAX_WORKS` of them, independent of each other (the C
/// drivers' `mii_work`, `arp_work`, `ad_work`...).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct WorkId(pub(crate) u8);

/// How many delayed works a device has.
pub(crate) const MAX_WORKS: usize = 4;

/// One delayed work, with its place in `DevPriv::works` (to find the
/// device again from the work).
#[repr(C)]
struct WorkSlot {
    // First: a pointer to its work_struct is a pointer to the slot.
    dw: Opaque<b::delayed_work>,
    index: u8,
}

/// When a driver's work runs next.
pub(crate) enum Rearm {
    /// After this many milliseconds.
    Ms(u32),
    /// After this many jiffies (1: "as soon as possible", e.g. when RTNL
    /// was contended).
    Jiffies(u32),
    /// Not again until restarted.
    Stop,
}

/// The private area of a `T` device: the layer's monitor work, then the
/// driver's data.
///
/// # Invariants
///
/// The layer's fields are initialised by `setup_callback` when the core
/// allocates the device. `data` is initialised while `ready` is set: from
/// before the device is registered until its destructor, which the core
/// runs once the device is unregistered and unused.
#[repr(C)]
pub(super) struct DevPriv<T: Driver> {
    // First, so that the first slot's address is DevPriv's.
    works: [WorkSlot; MAX_WORKS],
    /// The device's proc file, renamed with the device (under RTNL).
    proc_file: RtnlCell<Option<ProcFile<ProcView<T>>>>,
    ready: AtomicBool,
    data: MaybeUninit<T::Data>,
}

pub(super) struct Adapter<T: Driver>(PhantomData<T>);

impl<T: Driver> Adapter<T> {
    /// The size of a `T` device's private area.
    pub(super) const PRIV_SIZE: usize = size_of::<DevPriv<T>>();

    /// # Safety
    ///
    /// `dev` must be a valid net_device set up by `setup_callback`, whose
    /// private data is initialised (true for every callback of a
    /// registered device).
    pub(super) unsafe fn parts<'a>(dev: *mut b::net_device) -> (&'a Device, &'a T::Data) {
        // SAFETY: per the function's requirements.
        unsafe {
            (
                Device::from_raw(dev),
                (*Self::priv_of(dev)).data.assume_init_ref(),
            )
        }
    }

    /// # Safety
    ///
    /// `dev` must be a net_device allocated with `setup_callback` and a
    /// private area of `PRIV_SIZE` bytes.
    #[inline]
    unsafe fn priv_of(dev: *mut b::net_device) -> *mut DevPriv<T> {
        // `netdev_priv()` inline: every packet's callback comes through
        // here. The offset is the kernel's (bindgen evaluates it);
        // `check_priv_offset` compares it with the C helper at load.
        // SAFETY: per the function's requirements, the private area holds a DevPriv<T>, `NETDEV_PRIV_OFFSET` bytes into the device's allocation.
        unsafe { dev.cast::<u8>().add(NETDEV_PRIV_OFFSET).cast() }
    }

    /// Initialises a new device's private data (before it is registered).
    ///
    /// # Safety
    ///
    /// `dev` must be a device set up by `setup_callback`, not registered,
    /// whose data is not initialised.
    pub(super) unsafe fn init_data(
        dev: *mut b::net_device,
        data: impl PinInit<T::Data, Error>,
    ) -> Result {
        // SAFETY: per the function's requirements; the private area never moves.
        let p = unsafe { Self::priv_of(dev) };
        // SAFETY: as above; the slot is valid for writes and uninitialised.
        unsafe { data.__pinned_init(core::ptr::addr_of_mut!((*p).data).cast())? };
        // SAFETY: as above.
        unsafe { (*p).ready.store(true, Ordering::Release) };
        Ok(())
    }

    /// Drops the private data if it is initialised: from the destructor, or
    /// after a failed registration that did not run it.
    ///
    /// # Safety
    ///
    /// `dev` must be a device set up by `setup_callback` that nothing uses
    /// any more: unregistered (or never registered), no callback running.
    pub(super) unsafe fn drop_data(dev: *mut b::net_device) {
        // SAFETY: per the function's requirements.
        let p = unsafe { Self::priv_of(dev) };
        // SAFETY: as above; the works were initialised by setup_callback, and cancelling an idle work is a no-op.
        unsafe {
            for w in (*p).works.iter() {
                b::cancel_delayed_work_sync(w.dw.get());
            }
        }
        // SAFETY: as above; `ready` says whether the data is initialised, and it is dropped once.
        unsafe {
            if (*p).ready.swap(false, Ordering::AcqRel) {
                (*p).data.assume_init_drop();
            }
        }
    }

    /// `priv_destructor`: the core runs it once the device is unregistered
    /// and its last reference is gone, before freeing it.
    unsafe extern "C" fn destructor_callback(dev: *mut b::net_device) {
        // SAFETY: netdev_run_todo (or register_netdevice's unwinding) calls this on a device of ours that nothing uses any more.
        unsafe { Self::drop_data(dev) };
    }

    unsafe extern "C" fn work_callback(work: *mut b::work_struct) {
        // SAFETY: the work is the first field of the delayed_work that is the first field of a repr(C) WorkSlot, number `index` of the array that is the first field of a repr(C) DevPriv<T> in a device's private area; it is only queued while the data is initialised, and the destructor cancels it before dropping the data.
        let (dev, dw, id) = unsafe {
            let slot = work.cast::<WorkSlot>();
            let index = (*slot).index;
            let p = slot.sub(usize::from(index)).cast::<DevPriv<T>>();
            (
                b::rbond_netdev_from_priv(p.cast()),
                (*slot).dw.get(),
                WorkId(index),
            )
        };
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
    pub(super) unsafe extern "C" fn setup_callback(dev: *mut b::net_device) {
        // SAFETY: alloc_netdev_mqs calls setup with the new, exclusively owned device, whose private area has PRIV_SIZE bytes (every allocation of ours asks for that size).
        let p = unsafe { Self::priv_of(dev) };
        // SAFETY: as above; the layer's fields are written in place, the data stays uninitialised (`ready` false).
        unsafe {
            let works = core::ptr::addr_of_mut!((*p).works).cast::<WorkSlot>();
            for i in 0..MAX_WORKS {
                let slot = works.add(i);
                core::ptr::addr_of_mut!((*slot).index).write(i as u8);
                b::rbond_init_delayed_work(
                    Opaque::raw_get(core::ptr::addr_of!((*slot).dw)),
                    Some(Self::work_callback),
                );
            }
            core::ptr::addr_of_mut!((*p).proc_file).write(RtnlCell::new(None));
            core::ptr::addr_of_mut!((*p).ready).write(AtomicBool::new(false));
        }
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

    unsafe extern "C" fn open_callback(dev: *mut b::net_device) -> kernel::ffi::c_int {
        from_result(|| {
            // SAFETY: __dev_open calls ndo_open under RTNL on a registered device of ours.
            let ((dev, data), rtnl) = unsafe { (Self::parts(dev), Rtnl::assume_held()) };
            T::open(dev, data, rtnl)?;
            Ok(0)
        })
    }

    unsafe extern "C" fn stop_callback(dev: *mut b::net_device) -> kernel::ffi::c_int {
        from_result(|| {
            // SAFETY: __dev_close_many calls ndo_stop under RTNL on a registered device of ours.
            let ((dev, data), rtnl) = unsafe { (Self::parts(dev), Rtnl::assume_held()) };
            T::stop(dev, data, rtnl)?;
            Ok(0)
        })
    }

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

    /// `bond_select_queue()`: a master picks the queue the frame was
    /// received on (or 0), sparing the core a flow hash per packet
    /// (`skb_tx_hash`) that would also set the frame's L4 hash, which the
    /// encap3+4 policy would then take for its own.
    unsafe extern "C" fn master_select_queue_callback(
        dev: *mut b::net_device,
        skb: *mut b::sk_buff,
        _sb_dev: *mut b::net_device,
    ) -> u16 {
        // SAFETY: the core calls this on a registered device of ours with a frame it owns for the call.
        let (queues, txq) = unsafe { ((*dev).real_num_tx_queues, b::rbond_skb_select_queue(skb)) };
        match queues {
            0 => 0,
            n => (u32::from(txq) % n) as u16,
        }
    }

    unsafe extern "C" fn get_drvinfo_callback(
        dev: *mut b::net_device,
        info: *mut b::ethtool_drvinfo,
    ) {
        // SAFETY: the ethtool core calls this on a registered device of ours, with a valid drvinfo buffer it owns for the duration of the call.
        let (dev, data, info) = unsafe { (Device::from_raw(dev), Self::parts(dev).1, &mut *info) };
        T::get_drvinfo(dev, data, &mut DrvInfo(info));
    }

    unsafe extern "C" fn init_callback(raw: *mut b::net_device) -> kernel::ffi::c_int {
        from_result(|| {
            if T::MASTER {
                // SAFETY: register_netdevice calls ndo_init on a device of ours.
                to_result(unsafe { b::rbond_master_init(raw) })?;
            }
            // SAFETY: register_netdevice calls ndo_init under RTNL, with the private data initialised (before registration).
            let ((dev, data), rtnl) = unsafe { (Self::parts(raw), Rtnl::assume_held()) };
            T::init(dev, data, rtnl)?;
            Ok(0)
        })
    }

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
            // SAFETY: per the function's requirements; RTNL is held by dev_ifsioc.
            let ((dev, data), rtnl, ifr) =
                unsafe { (Self::parts(dev), Rtnl::assume_held(), &mut *ifr) };
            f(dev, data, rtnl, &mut IfReq(ifr))?;
            Ok(0)
        })
    }

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

    unsafe extern "C" fn change_mtu_callback(
        dev: *mut b::net_device,
        mtu: kernel::ffi::c_int,
    ) -> kernel::ffi::c_int {
        from_result(|| {
            // SAFETY: dev_set_mtu calls this under RTNL on a device of ours.
            let ((d, data), rtnl) = unsafe { (Self::parts(dev), Rtnl::assume_held()) };
            let mtu = u32::try_from(mtu).map_err(|_| EINVAL)?;
            T::change_mtu(d, data, rtnl, mtu)?;
            // SAFETY: as above; ndo_change_mtu must store the new MTU.
            unsafe { b::rbond_set_mtu_field(dev, mtu) };
            Ok(0)
        })
    }

    unsafe extern "C" fn set_mac_address_callback(
        dev: *mut b::net_device,
        sa: *mut core::ffi::c_void,
    ) -> kernel::ffi::c_int {
        from_result(|| {
            let mut mac = MacAddr::default();
            // SAFETY: dev_set_mac_address passes a sockaddr with addr_len (6) bytes of address data.
            to_result(unsafe { b::rbond_sockaddr_to_mac(sa, mac.0.as_mut_ptr()) })?;
            // SAFETY: called under RTNL on a device of ours.
            let ((d, data), rtnl) = unsafe { (Self::parts(dev), Rtnl::assume_held()) };
            if T::set_mac_address(d, data, rtnl, mac)? {
                // SAFETY: as above; the core notifies NETDEV_CHANGEADDR after ndo_set_mac_address returns.
                unsafe { b::rbond_dev_addr_set_notify_quiet(dev, mac.0.as_ptr()) };
            }
            Ok(0)
        })
    }

    unsafe extern "C" fn get_stats64_callback(
        dev: *mut b::net_device,
        stats: *mut b::rtnl_link_stats64,
    ) {
        // SAFETY: the core passes a zeroed stats buffer it owns for the call.
        let ((dev, data), stats) = unsafe { (Self::parts(dev), &mut *stats.cast::<LinkStats64>()) };
        T::get_stats64(dev, data, stats);
    }

    unsafe extern "C" fn change_rx_flags_callback(
        dev: *mut b::net_device,
        change: kernel::ffi::c_int,
    ) {
        // SAFETY: dev_change_rx_flags runs only from __dev_set_promiscuity and __dev_set_allmulti, which assert RTNL, on a device of ours.
        let ((d, data), rtnl) = unsafe { (Self::parts(dev), Rtnl::assume_held()) };
        T::change_rx_flags(d, data, rtnl, change as u32);
    }

    unsafe extern "C" fn set_rx_mode_callback(dev: *mut b::net_device) {
        // SAFETY: __dev_set_rx_mode calls this on a device of ours with its address lists locked (netif_addr_lock_bh).
        let (d, data) = unsafe { Self::parts(dev) };
        let rcu = RcuGuard::lock();
        T::set_rx_mode(d, data, &AddrLists { dev: d }, &rcu);
    }

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

    /// A master's features follow its lower devices' (the C bonding and
    /// team drivers' `ndo_fix_features`): each one's are folded in with
    /// `netdev_increment_features`, then TSO is added back if any has it.
    unsafe extern "C" fn master_fix_features_callback(
        dev: *mut b::net_device,
        features: b::netdev_features_t,
    ) -> b::netdev_features_t {
        let mask = features;
        // SAFETY: netdev_fix_features calls this under RTNL, which keeps the lower device list stable; the iterator starts at the first entry, as netdev_for_each_lower_dev does.
        unsafe {
            let mut f = b::rbond_netdev_base_features(features);
            let mut iter = b::rbond_lower_iter(dev);
            loop {
                let lower = b::netdev_lower_get_next(dev.cast(), &mut iter);
                if lower.is_null() {
                    break;
                }
                f = b::netdev_increment_features(
                    f,
                    (*lower.cast::<b::net_device>()).features,
                    mask,
                );
            }
            b::rbond_netdev_add_tso_features(f, mask)
        }
    }

    #[cfg(CONFIG_NET_POLL_CONTROLLER)]
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
    unsafe extern "C" fn netpoll_cleanup_callback(dev: *mut b::net_device) {
        // SAFETY: __netpoll_cleanup calls this under RTNL on a device of ours.
        let ((d, data), rtnl) = unsafe { (Self::parts(dev), Rtnl::assume_held()) };
        T::netpoll_cleanup(d, data, rtnl);
    }

    #[cfg(CONFIG_NET_POLL_CONTROLLER)]
    unsafe extern "C" fn poll_controller_callback(dev: *mut b::net_device) {
        // SAFETY: netpoll_poll_dev calls this on a device of ours that has netpoll.
        let (d, data) = unsafe { Self::parts(dev) };
        let rcu = RcuGuard::lock();
        T::poll_controller(d, data, &rcu);
    }

    const NETDEV_OPS: b::net_device_ops = b::net_device_ops {
        // A master takes its own lock classes (netdev_lockdep_set_classes):
        // it locks its slaves' address lists, and its slaves' tx queues,
        // inside its own.
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
        ndo_fix_features: if T::MASTER {
            Some(Self::master_fix_features_callback)
        } else {
            None
        },
        ndo_select_queue: if T::MASTER {
            Some(Self::master_select_queue_callback)
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

/// A VLAN protocol as the core passes it (`__be16`: ETH_P_8021Q or
/// ETH_P_8021AD, network byte order), handed on unchanged.
#[derive(Clone, Copy)]
pub(crate) struct VlanProto(u16);

/// Proof that a device's unicast and multicast address lists are locked
/// (`netif_addr_lock_bh`): held by the core around `ndo_set_rx_mode`, or by
/// an [`AddrListGuard`].
pub(crate) struct AddrLists<'a> {
    dev: &'a Device,
}

impl AddrLists<'_> {
    /// Pushes the locked device's address lists to `lower`, which receives
    /// what they ask for (`dev_uc_sync` + `dev_mc_sync`). `shared`: several
    /// lower devices get the same lists (the `_multiple` variants, which
    /// count each lower device separately).
    pub(crate) fn sync_to(&self, lower: &Device, shared: bool) {
        let (to, from) = (lower.as_raw(), self.dev.as_raw());
        // SAFETY: valid devices; `from`'s lists are locked (this proof), and the functions lock `to`'s themselves, nested, as layered devices do. Errors (no memory for a list entry) leave the lower device with fewer addresses, as in the C callers, which ignore them.
        unsafe {
            if shared {
                b::dev_uc_sync_multiple(to, from);
                b::dev_mc_sync_multiple(to, from);
            } else {
                b::dev_uc_sync(to, from);
                b::dev_mc_sync(to, from);
            }
        }
    }
}

/// A device's address lists, locked until dropped.
pub(crate) struct AddrListGuard<'a>(AddrLists<'a>);

impl<'a> core::ops::Deref for AddrListGuard<'a> {
    type Target = AddrLists<'a>;

    fn deref(&self) -> &AddrLists<'a> {
        &self.0
    }
}

impl Drop for AddrListGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: locked by Device::lock_addr_lists, in this context.
        unsafe { b::rbond_netif_addr_unlock_bh(self.0.dev.as_raw()) }
    }
}

/// `netdev_priv()`'s offset from the device (`ALIGN(sizeof(struct
/// net_device), NETDEV_ALIGN)`).
const NETDEV_PRIV_OFFSET: usize = b::rbond_layout_RBOND_NETDEV_PRIV_OFFSET as usize;

/// Whether the inline `netdev_priv()` offset (the layout bindgen saw)
/// agrees with the one the C compiler computes: the module refuses to load
/// otherwise.
pub(crate) fn priv_offset_agrees() -> bool {
    // SAFETY: a pure computation.
    let theirs = unsafe { b::rbond_netdev_priv_offset() };
    theirs == NETDEV_PRIV_OFFSET
}
