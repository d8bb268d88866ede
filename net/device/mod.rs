// SPDX-License-Identifier: GPL-2.0

//! Network devices (`struct net_device`): a driver's callbacks as a trait,
//! and an owning registration whose `Drop` unregisters and frees the device.
//!
//! One concept a file, as `kernel::block::mq`:
//! - this file: [`Device`] (a borrowed `net_device`) and what reads it,
//!   [`DeviceRef`] (a counted reference), [`SetupDevice`], MAC addresses;
//! - `config.rs`: what changes a device under RTNL (open, MTU, MAC,
//!   flags, VLAN filters, upper links, notifications);
//! - `addr.rs`: a device's unicast and multicast address lists;
//! - `driver.rs`: the [`Driver`] trait of callbacks and its [`NetdevOps`];
//! - `adapter.rs`: the `extern "C"` trampolines behind the ops;
//! - `priv_area.rs`: the private area (the driver's data, its delayed
//!   works, its proc file) and finding a driver's data from a device.

mod adapter;
mod addr;
mod config;
mod driver;
mod priv_area;

pub(in crate::net) use adapter::Adapter;
pub(crate) use addr::AddrLists;
pub(crate) use driver::{Driver, NetdevOps};
pub(crate) use priv_area::{priv_offset_agrees, Rearm, WorkId, MAX_WORKS};

use super::{bindings as b, pernet::Net, rcu::RcuGuard, rtnl::Rtnl};
use core::{fmt, marker::PhantomData, ptr::NonNull};
use kernel::{str::CStr, types::Opaque};

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
    /// The device can receive multicast frames.
    pub(crate) const IFF_MULTICAST: u32 = b::net_device_flags_IFF_MULTICAST;
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
/// `NET_ADDR_STOLEN`: the device took its address from another (a VLAN
/// from its lower device).
pub(crate) const NET_ADDR_STOLEN: u8 = b::NET_ADDR_STOLEN as u8;

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

    /// A unicast address other than 00:00:00:00:00:00
    /// (`is_valid_ether_addr()`).
    pub(crate) fn is_valid(&self) -> bool {
        self.0[0] & 1 == 0 && self.0.iter().any(|&b| b != 0)
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
        // A name has no spaces or control characters (dev_valid_name());
        // a byte outside printable ASCII shows as '?'.
        for &c in self.as_bytes() {
            fmt::Write::write_char(f, if c.is_ascii_graphic() { c as char } else { '?' })?;
        }
        Ok(())
    }
}

/// A registered network device, borrowed.
///
/// # Invariants
///
/// The wrapped `net_device` is valid for the lifetime of the reference.
#[repr(transparent)]
pub(crate) struct Device(Opaque<b::net_device>);

// SAFETY: net_device is designed for concurrent use; every method below uses the accessor the C API prescribes for its context.
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
        // SAFETY: valid device; a plain field read.
        let addr = unsafe { (*self.as_raw()).dev_addr };
        if !addr.is_null() {
            // SAFETY: an Ethernet device's dev_addr points to at least ETH_ALEN bytes for as long as it is registered.
            unsafe { core::ptr::copy_nonoverlapping(addr, mac.0.as_mut_ptr(), ETH_ALEN) };
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
        // SAFETY: valid device; a plain field read (written under RTNL).
        unsafe { (*self.as_raw()).addr_assign_type }
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
        // SAFETY: RTNL is held (by the proof), which keeps the returned device registered and valid for `'a`; `name` is NUL-terminated.
        let dev = unsafe { b::__dev_get_by_name(self.net().as_raw(), name.as_char_ptr().cast()) };
        // SAFETY: non-null: a registered device, kept by RTNL as above.
        (!dev.is_null()).then(|| unsafe { Device::from_raw(dev) })
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
        // SAFETY: valid device; its namespace, and that namespace's user namespace, outlive it.
        let user_ns = unsafe { (*self.net().as_raw()).user_ns };
        // SAFETY: a live user namespace; process context (an ioctl).
        unsafe { b::ns_capable(user_ns, b::CAP_NET_ADMIN as i32) }
    }

    /// Whether `f` holds for one of the devices stacked above this one, at
    /// any depth (VLANs, bridges, macvlans, a bond above...), walked as
    /// `netdev_walk_all_upper_dev_rcu()` does: depth first, stopping at the
    /// first for which it holds.
    pub(crate) fn any_upper<F: FnMut(&Device) -> bool>(&self, _rcu: &RcuGuard, mut f: F) -> bool {
        let mut p = b::netdev_nested_priv {
            flags: 0,
            data: core::ptr::addr_of_mut!(f).cast(),
        };
        // SAFETY: valid device, under RCU (the proof), as the walk requires; `visit_upper::<F>` gets `p`, whose `f` outlives the call.
        unsafe {
            b::netdev_walk_all_upper_dev_rcu(self.as_raw(), Some(visit_upper::<F>), &mut p) != 0
        }
    }

    /// Calls `f` on each device directly above this one
    /// (`netdev_for_each_upper_dev_rcu`) until it returns true; whether it
    /// did.
    pub(crate) fn find_upper(&self, _rcu: &RcuGuard, mut f: impl FnMut(&Device) -> bool) -> bool {
        let dev = self.as_raw();
        // SAFETY: valid device; only the address of its upper list is taken.
        let mut iter = unsafe { core::ptr::addr_of_mut!((*dev).adj_list.upper) };
        loop {
            // SAFETY: valid device, under RCU (the proof), with the iterator the walk started at its upper list and advanced.
            let upper = unsafe { b::netdev_upper_get_next_dev_rcu(dev, &mut iter) };
            if upper.is_null() {
                return false;
            }
            // SAFETY: an upper device on the list, valid in the RCU section.
            if f(unsafe { Device::from_raw(upper) }) {
                return true;
            }
        }
    }

    /// The master this device is linked under, if any
    /// (`netdev_master_upper_dev_get`).
    pub(crate) fn master_upper<'a>(&self, _rtnl: &'a Rtnl) -> Option<&'a Device> {
        // SAFETY: valid device, RTNL held: the master and its link stay while the guard lives.
        let m = unsafe { b::netdev_master_upper_dev_get(self.as_raw()) };
        // SAFETY: non-null: a registered device, kept by RTNL as above.
        (!m.is_null()).then(|| unsafe { Device::from_raw(m) })
    }

    /// Whether the device is a macvlan (`netif_is_macvlan()`).
    pub(crate) fn is_macvlan(&self) -> bool {
        // SAFETY: valid device; a read of its flags.
        unsafe { b::rbond_netif_is_macvlan(self.as_raw()) }
    }

    /// How many devices deep the stack below this one is (`lower_level`:
    /// 1 for a device with no lower device).
    pub(crate) fn lower_level(&self) -> u8 {
        // SAFETY: valid device; a plain field read.
        unsafe { (*self.as_raw()).lower_level }
    }

    /// Transmit queues in use (`real_num_tx_queues`).
    pub(crate) fn real_num_tx_queues(&self) -> u32 {
        // SAFETY: valid device; a plain field read.
        unsafe { (*self.as_raw()).real_num_tx_queues }
    }

    /// The interface index.
    pub(crate) fn ifindex(&self) -> i32 {
        // SAFETY: valid device; a plain field read (set at registration).
        unsafe { (*self.as_raw()).ifindex }
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
            let d = b::__dev_get_by_index(self.net().as_raw(), ifindex);
            (!d.is_null()).then(|| Device::from_raw(d))
        }
    }
}

/// The callback of [`Device::any_upper`]'s walk.
///
/// # Safety
///
/// Called by netdev_walk_all_upper_dev_rcu under RCU with a valid upper device and the `priv`
/// that `any_upper` built, whose data is the `F` it borrows for the walk.
unsafe extern "C" fn visit_upper<F: FnMut(&Device) -> bool>(
    upper: *mut b::net_device,
    p: *mut b::netdev_nested_priv,
) -> kernel::ffi::c_int {
    // SAFETY: per the function's requirements.
    let f = unsafe { &mut *(*p).data.cast::<F>() };
    // SAFETY: per the function's requirements: valid for the RCU section.
    kernel::ffi::c_int::from(f(unsafe { Device::from_raw(upper) }))
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
        let flags = unsafe { b::rbond_netdev_priv_flags(self.0) };
        // SAFETY: as above.
        unsafe { b::rbond_netdev_set_priv_flags(self.0, (flags | add) & !remove) };
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

    /// Offers the offloads a master can pass on to its lower devices
    /// (`bond_setup()`, `team_setup()`); [`Device::lower_features`] then
    /// narrows them to what the lower devices support.
    pub(crate) fn set_master_features(&mut self) {
        let bit = |b: u32| 1u64 << b;
        // SAFETY: constants.
        let (vlan, encap) = unsafe {
            (
                b::rbond_master_upper_dev_vlan_features(),
                b::rbond_netif_f_gso_encap_all(),
            )
        };
        let hw = vlan
            | bit(b::NETIF_F_HW_VLAN_CTAG_RX_BIT)
            | bit(b::NETIF_F_HW_VLAN_CTAG_FILTER_BIT)
            | bit(b::NETIF_F_HW_VLAN_STAG_RX_BIT)
            | bit(b::NETIF_F_HW_VLAN_STAG_FILTER_BIT)
            | encap;
        self.0.hw_features = hw;
        self.0.features |= hw
            | bit(b::NETIF_F_HW_VLAN_CTAG_TX_BIT)
            | bit(b::NETIF_F_HW_VLAN_STAG_TX_BIT)
            | bit(b::NETIF_F_GSO_PARTIAL_BIT);
    }

    /// Gives the device a random, locally administered MAC address
    /// (`NET_ADDR_RANDOM`).
    pub(crate) fn set_random_hw_addr(&mut self) {
        // SAFETY: alloc_netdev_mqs allocated dev_addr before calling setup, and ether_setup set addr_len; the device is exclusively ours.
        unsafe { b::rbond_eth_hw_addr_random(self.0) };
    }

    /// The device's own group of sysfs files (`sysfs_groups[0]`), made with
    /// its directory when it registers.
    pub(crate) fn set_sysfs_group(&mut self, group: &'static super::sysfs::AttrGroup) {
        self.0.sysfs_groups[0] = group.as_raw();
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

/// A VLAN protocol as the core passes it (`__be16`: ETH_P_8021Q or
/// ETH_P_8021AD, network byte order), handed on unchanged.
#[derive(Clone, Copy)]
pub(crate) struct VlanProto(u16);

/// A set of offloads (`netdev_features_t`, the `NETIF_F_*` bits).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Features(pub(super) b::netdev_features_t);

/// A frame whose transmit queue is being chosen (`ndo_select_queue`),
/// borrowed for the call.
///
/// # Invariants
///
/// `self.0` is a valid `sk_buff` that the core owns for the lifetime `'a`.
pub(crate) struct QueueSelect<'a>(NonNull<b::sk_buff>, PhantomData<&'a mut b::sk_buff>);

impl QueueSelect<'_> {
    /// # Safety
    ///
    /// `skb` must be a valid, non-null `sk_buff` that stays valid, and is
    /// used by nobody else, for the returned value's lifetime.
    pub(super) unsafe fn from_raw(skb: *mut b::sk_buff) -> Self {
        // INVARIANT: valid and ours for the lifetime, per the function's requirements.
        // SAFETY: non-null per the function's requirements.
        Self(unsafe { NonNull::new_unchecked(skb) }, PhantomData)
    }

    /// The queue the frame was received on, if one was recorded
    /// (`skb_rx_queue_recorded()`, `skb_get_rx_queue()`: a forwarded frame
    /// carries it in its queue mapping, offset by one).
    #[inline]
    pub(crate) fn rx_queue(&self) -> Option<u16> {
        // SAFETY: a valid frame (type invariant); a plain field read.
        let q = unsafe { (*self.0.as_ptr()).queue_mapping };
        q.checked_sub(1)
    }

    /// Keeps the queue mapping the frame has now for the lower device it
    /// will be sent to (`qdisc_skb_cb(skb)->slave_dev_queue_mapping`, which
    /// [`SkBuff::xmit_on`](super::skb::SkBuff::xmit_on) restores): the
    /// core overwrites the mapping with this device's queue.
    #[inline]
    pub(crate) fn keep_queue_mapping(&mut self) {
        let skb = self.0.as_ptr();
        // SAFETY: a valid frame we may write for the call (type invariant); its control buffer is the qdisc layer's while it is queued, as qdisc_skb_cb() casts it.
        unsafe {
            (*super::skb::qdisc_cb(skb))
                .__bindgen_anon_1
                .slave_dev_queue_mapping = (*skb).queue_mapping
        };
    }
}

impl Device {
    /// The offloads a master device can offer: the features of its lower
    /// devices folded together (`netdev_increment_features()` over each),
    /// as the C bonding and team drivers' `ndo_fix_features` compute them,
    /// with TSO added back if any lower device has it.
    pub(crate) fn lower_features(&self, _rtnl: &Rtnl, wanted: Features) -> Features {
        let (dev, mask) = (self.as_raw(), wanted.0);
        // SAFETY: valid device; RTNL (the proof) keeps the lower device list stable; the iterator starts at the first entry, as netdev_for_each_lower_dev() does.
        let mut f = unsafe { b::rbond_netdev_base_features(mask) };
        // SAFETY: as above; a plain field read.
        let mut iter = unsafe { (*dev).adj_list.lower.next };
        loop {
            // SAFETY: as above; the iterator is the one netdev_lower_get_next() advanced.
            let lower = unsafe { b::netdev_lower_get_next(dev.cast(), &mut iter) };
            if lower.is_null() {
                break;
            }
            // SAFETY: a lower device on the list, valid under RTNL.
            let theirs = unsafe { (*lower.cast::<b::net_device>()).features };
            // SAFETY: a pure function of its arguments.
            f = unsafe { b::netdev_increment_features(f, theirs, mask) };
        }
        // SAFETY: a pure function of its arguments.
        Features(unsafe { b::rbond_netdev_add_tso_features(f, mask) })
    }

    /// Gives the device its own lockdep classes for its transmit queues and
    /// address list lock (`netdev_lockdep_set_classes()`), for a device
    /// that takes its lower devices' locks inside its own. Called from
    /// `ndo_init`.
    pub(crate) fn set_stacked_lock_classes(&self, _rtnl: &Rtnl) {
        // SAFETY: valid device being registered (ndo_init), under RTNL.
        unsafe { b::rbond_netdev_lockdep_set_classes(self.as_raw()) }
    }
}
