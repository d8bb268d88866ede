// SPDX-License-Identifier: GPL-2.0

//! A bond's settings and their values: the mode, the value tables of the
//! enumerated options (`bond_mode_tbl[]` and the others of bond_options.c),
//! interface names, ARP targets, and [`BondParams`], the options of one
//! bond. Pure Rust with no `kernel::` types, host-tested with
//! `bond_options` (tests/host).

#![forbid(unsafe_code)]

use core::fmt;

/// Most ARP targets a bond monitors (`BOND_MAX_ARP_TARGETS`).
pub(crate) const MAX_ARP_TARGETS: usize = 16;
/// Length of an interface name buffer, including the NUL (`IFNAMSIZ`).
pub(crate) const IFNAMSIZ: usize = 16;
/// `BOND_DEFAULT_MAX_BONDS`.
pub(crate) const DEFAULT_MAX_BONDS: i32 = 1;
/// `BOND_DEFAULT_TX_QUEUES`.
pub(crate) const DEFAULT_TX_QUEUES: i32 = 16;
/// `BOND_DEFAULT_MIIMON`, forced for modes that need link speed.
pub(crate) const DEFAULT_MIIMON: i32 = 100;
/// `BOND_DEFAULT_RESEND_IGMP`.
pub(crate) const DEFAULT_RESEND_IGMP: i32 = 1;
/// `BOND_ALB_DEFAULT_LP_INTERVAL`, in seconds.
pub(crate) const DEFAULT_LP_INTERVAL: u32 = 1;

/// Severity of a message, mapped onto `pr_err!` .. `pr_debug!` by the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Level {
    /// `pr_err`: the option is refused.
    Err,
    /// `pr_warn`: the value was changed or has no effect.
    Warn,
    /// `pr_notice`.
    Notice,
    /// `pr_info`.
    Info,
    /// `pr_debug`.
    Debug,
}

/// Where option checks report what they did.
pub(crate) trait Log {
    /// Emits one message (without a trailing newline).
    fn log(&mut self, level: Level, args: fmt::Arguments<'_>);
}

/// A user-supplied byte string, shown as the C driver's `%s` would show it.
#[derive(Clone, Copy)]
pub(crate) struct Shown<'a>(pub &'a [u8]);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &b in self.0 {
            let c = if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '?'
            };
            fmt::Write::write_char(f, c)?;
        }
        Ok(())
    }
}

/// An IPv4 address in network byte order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Ipv4(pub [u8; 4]);

impl Ipv4 {
    /// Parses a dotted quad the way `in4_pton(s, -1, ...)` does: exactly four
    /// decimal octets, each 0..=255, and nothing else.
    pub(crate) fn parse(s: &[u8]) -> Option<Self> {
        let mut out = [0u8; 4];
        let mut parts = s.split(|&b| b == b'.');
        for octet in out.iter_mut() {
            let part = parts.next()?;
            if part.is_empty() || part.len() > 3 || !part.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let v = part.iter().fold(0u32, |v, &d| v * 10 + u32::from(d - b'0'));
            *octet = u8::try_from(v).ok()?;
        }
        if parts.next().is_some() {
            return None;
        }
        Some(Self(out))
    }

    /// Whether the C driver accepts this as an ARP target
    /// (`bond_is_ip_target_ok()`: not 0.0.0.0, not 255.255.255.255).
    pub(crate) fn is_valid_target(self) -> bool {
        self.0 != [0; 4] && self.0 != [255; 4]
    }
}

impl fmt::Display for Ipv4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.0;
        write!(f, "{a}.{b}.{c}.{d}")
    }
}

/// An IPv6 address, in network byte order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Ipv6(pub [u8; 16]);

impl Ipv6 {
    /// `ff02::1`, every node on the link (`in6addr_linklocal_allnodes`).
    pub(crate) const ALL_NODES: Self = Self([0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);

    /// `::`.
    pub(crate) fn is_any(&self) -> bool {
        self.0 == [0; 16]
    }

    /// Whether the C driver accepts this as an NS target
    /// (`bond_is_ip6_target_ok()`: not `::`, not `::1`, not multicast).
    pub(crate) fn is_valid_target(self) -> bool {
        let mut loopback = [0; 16];
        loopback[15] = 1;
        !self.is_any() && self.0 != loopback && self.0[0] != 0xff
    }

    /// Its solicited-node multicast group, `ff02::1:ffXX:XXXX`
    /// (`addrconf_addr_solict_mult()`).
    pub(crate) fn solicited_node(&self) -> Self {
        let mut g = [0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 0];
        g[13..].copy_from_slice(&self.0[13..]);
        Self(g)
    }

    /// The Ethernet address of this multicast group, `33:33` and its last
    /// four bytes (`ipv6_eth_mc_map()`).
    pub(crate) fn eth_mc_mac(&self) -> [u8; 6] {
        let [.., a, b, c, d] = self.0;
        [0x33, 0x33, a, b, c, d]
    }

    fn word(&self, i: usize) -> u16 {
        let at = |j: usize| self.0.get(j).copied().unwrap_or(0);
        u16::from_be_bytes([at(2 * i), at(2 * i + 1)])
    }
}

/// As the kernel's `%pI6c` (RFC 5952): lowercase hex words without leading
/// zeros, the first longest run of two or more zero words as `::`, and a
/// dotted quad at the end of v4-mapped and ISATAP addresses.
impl fmt::Display for Ipv6 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let isatap = (self.0[8] | 2) == 2 && self.0[9..12] == [0, 0x5e, 0xfe];
        let mapped = self.0[..10] == [0; 10] && self.0[10..12] == [0xff, 0xff];
        let words = if mapped || isatap { 6 } else { 8 };
        let run_at = |i: usize| (i..words).take_while(|&j| self.word(j) == 0).count();
        let (mut zeros_at, mut zeros) = (words, 1);
        for i in 0..words {
            if run_at(i) > zeros {
                (zeros_at, zeros) = (i, run_at(i));
            }
        }
        let mut i = 0;
        let mut need_colon = false;
        while i < words {
            if i == zeros_at {
                f.write_str(if need_colon || i == 0 { "::" } else { ":" })?;
                need_colon = false;
                i += zeros;
                continue;
            }
            if need_colon {
                f.write_str(":")?;
            }
            write!(f, "{:x}", self.word(i))?;
            need_colon = true;
            i += 1;
        }
        if words == 6 {
            if need_colon {
                f.write_str(":")?;
            }
            let [.., a, b, c, d] = self.0;
            fmt::Display::fmt(&Ipv4([a, b, c, d]), f)?;
        }
        Ok(())
    }
}

/// One named value of an option (`struct bond_opt_value`): a name user
/// space may write, or the bound of a numeric range.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct OptValue {
    /// The name user space writes and reads.
    pub(crate) name: &'static str,
    /// The number behind it.
    pub(crate) value: u64,
    /// `BOND_VALFLAG_*`: [`VAL_DEFAULT`], [`VAL_MIN`], [`VAL_MAX`].
    pub(crate) flags: u8,
}

/// Selected by the word "default".
pub(crate) const VAL_DEFAULT: u8 = 1;
/// The lower bound of the option's numeric range (0 when absent).
pub(crate) const VAL_MIN: u8 = 2;
/// The upper bound; without one, only the named values are accepted.
pub(crate) const VAL_MAX: u8 = 4;

const fn v(name: &'static str, value: u64) -> OptValue {
    OptValue {
        name,
        value,
        flags: 0,
    }
}

const fn d(name: &'static str, value: u64) -> OptValue {
    OptValue {
        name,
        value,
        flags: VAL_DEFAULT,
    }
}

const fn f(name: &'static str, value: u64, flags: u8) -> OptValue {
    OptValue { name, value, flags }
}

pub(crate) const INT_MAX: u64 = i32::MAX as u64;

/// `mode`.
pub(crate) const MODE_TBL: &[OptValue] = &[
    d("balance-rr", 0),
    v("active-backup", 1),
    v("balance-xor", 2),
    v("broadcast", 3),
    v("802.3ad", 4),
    v("balance-tlb", 5),
    v("balance-alb", 6),
];
/// `xmit_hash_policy`.
pub(crate) const XMIT_HASH_TBL: &[OptValue] = &[
    d("layer2", 0),
    v("layer3+4", 1),
    v("layer2+3", 2),
    v("encap2+3", 3),
    v("encap3+4", 4),
    v("vlan+srcmac", 5),
];
/// `arp_validate`.
pub(crate) const ARP_VALIDATE_TBL: &[OptValue] = &[
    d("none", 0),
    v("active", 1),
    v("backup", 2),
    v("all", 3),
    v("filter", 4),
    v("filter_active", 5),
    v("filter_backup", 6),
];
/// `arp_all_targets`.
pub(crate) const ARP_ALL_TARGETS_TBL: &[OptValue] = &[d("any", 0), v("all", 1)];
/// `fail_over_mac`.
pub(crate) const FAIL_OVER_MAC_TBL: &[OptValue] = &[d("none", 0), v("active", 1), v("follow", 2)];
/// `primary_reselect`.
pub(crate) const PRIMARY_RESELECT_TBL: &[OptValue] =
    &[d("always", 0), v("better", 1), v("failure", 2)];
/// `lacp_rate` (no default: "default" is not a lacp_rate).
pub(crate) const LACP_RATE_TBL: &[OptValue] = &[v("slow", 0), v("fast", 1)];
/// `ad_select`.
pub(crate) const AD_SELECT_TBL: &[OptValue] = &[d("stable", 0), v("bandwidth", 1), v("count", 2)];
/// An option whose value is one of a known set (`xmit_hash_policy`,
/// `arp_validate`...): an enum with the C driver's numbers, named by its
/// value table.
macro_rules! coded_option {
    ($(#[$doc:meta])* $name:ident, $tbl:ident { $($(#[$vdoc:meta])* $v:ident = $n:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        #[repr(u8)]
        pub(crate) enum $name {
            $($(#[$vdoc])* $v = $n,)*
        }

        impl $name {
            /// The value with the C driver's number `n`.
            pub(crate) fn from_value(n: u64) -> Option<Self> {
                match n {
                    $($n => Some(Self::$v),)*
                    _ => None,
                }
            }

            /// The C driver's number (netlink, sysfs, /proc).
            pub(crate) fn value(self) -> u8 {
                self as u8
            }

            /// The name sysfs and /proc show.
            pub(crate) fn name(self) -> &'static str {
                value_name($tbl, self.value().into())
            }
        }
    };
}

coded_option! {
    /// `xmit_hash_policy`: what the balance-xor and 802.3ad hash reads.
    XmitHashPolicy, XMIT_HASH_TBL {
        /// MACs (the default).
        #[default]
        Layer2 = 0,
        /// IP addresses and ports.
        Layer34 = 1,
        /// MACs and IP addresses.
        Layer23 = 2,
        /// layer2+3 through tunnels (the flow dissector).
        Encap23 = 3,
        /// layer3+4 through tunnels.
        Encap34 = 4,
        /// VLAN id and source MAC.
        VlanSrcMac = 5,
    }
}

coded_option! {
    /// `arp_validate`: which slaves' ARP traffic the ARP monitor validates.
    ArpValidate, ARP_VALIDATE_TBL {
        /// Any received frame counts (the default).
        #[default]
        None = 0,
        /// The active slave validates.
        Active = 1,
        /// Backup slaves validate.
        Backup = 2,
        /// Every slave validates.
        All = 3,
        /// Only ARP counts, unvalidated.
        Filter = 4,
        /// ARP only; the active slave validates.
        FilterActive = 5,
        /// ARP only; backup slaves validate.
        FilterBackup = 6,
    }
}

impl ArpValidate {
    /// Whether a slave, backup or not, validates the ARP it receives
    /// (`slave_do_arp_validate()`): the value's bit 0 is for the active
    /// slave, bit 1 for backups.
    pub(crate) fn validates(self, backup: bool) -> bool {
        (self as u8) & (1 << u8::from(backup)) != 0
    }

    /// Whether, on a slave that does not validate, only ARP (and IPv6,
    /// for the NS monitor) counts as traffic (`slave_do_arp_validate_only()`:
    /// the `filter` values).
    pub(crate) fn filters(self) -> bool {
        (self as u8) & 4 != 0
    }
}

coded_option! {
    /// `arp_all_targets`: whether one target or every target must answer.
    ArpAllTargets, ARP_ALL_TARGETS_TBL {
        /// Any target (the default).
        #[default]
        Any = 0,
        /// Every target.
        All = 1,
    }
}

coded_option! {
    /// `primary_reselect`: when the primary slave takes over again.
    PrimaryReselect, PRIMARY_RESELECT_TBL {
        /// Whenever it comes back (the default).
        #[default]
        Always = 0,
        /// When it is faster, or as fast with a better duplex.
        Better = 1,
        /// Only when the active slave fails.
        Failure = 2,
    }
}

coded_option! {
    /// `ad_select`: how 802.3ad chooses the active aggregator.
    AdSelect, AD_SELECT_TBL {
        /// Keep the active one while it has ports (the default).
        #[default]
        Stable = 0,
        /// The most bandwidth.
        Bandwidth = 1,
        /// The most ports.
        Count = 2,
    }
}

coded_option! {
    /// `fail_over_mac`, as configured: in force in active-backup only
    /// ([`BondParams::fail_over_mac_in_force`]).
    FailOverMac, FAIL_OVER_MAC_TBL {
        /// Every slave takes the bond's MAC (the default).
        #[default]
        None = 0,
        /// Slaves keep their own MACs; the bond takes the active slave's.
        Active = 1,
        /// The active slave takes the bond's MAC; the one it replaces takes
        /// the new active slave's old MAC.
        Follow = 2,
    }
}

/// `packets_per_slave`.
pub(crate) const PPS_TBL: &[OptValue] = &[d("default", 1), f("maxval", 65535, VAL_MAX)];
/// Intervals and delays in ms, `min_links`.
pub(crate) const INTMAX_TBL: &[OptValue] = &[d("off", 0), f("maxval", INT_MAX, VAL_MAX)];
/// `lacp_active`.
pub(crate) const LACP_ACTIVE_TBL: &[OptValue] = &[v("off", 0), d("on", 1)];
/// `num_grat_arp`, `num_unsol_na`.
pub(crate) const NUM_PEER_NOTIF_TBL: &[OptValue] =
    &[v("off", 0), f("maxval", 255, VAL_MAX), d("default", 1)];
/// `peer_notif_delay`.
pub(crate) const PEER_NOTIF_DELAY_TBL: &[OptValue] = &[v("off", 0), f("maxval", 300000, VAL_MAX)];
/// `use_carrier`.
pub(crate) const USE_CARRIER_TBL: &[OptValue] = &[v("off", 0), d("on", 1)];
/// `all_slaves_active`.
pub(crate) const ALL_SLAVES_ACTIVE_TBL: &[OptValue] = &[d("off", 0), v("on", 1)];
/// `resend_igmp`.
pub(crate) const RESEND_IGMP_TBL: &[OptValue] =
    &[v("off", 0), f("maxval", 255, VAL_MAX), d("default", 1)];
/// `lp_interval`.
pub(crate) const LP_INTERVAL_TBL: &[OptValue] = &[
    f("minval", 1, VAL_MIN | VAL_DEFAULT),
    f("maxval", INT_MAX, VAL_MAX),
];
/// `tlb_dynamic_lb`.
pub(crate) const TLB_DYNAMIC_LB_TBL: &[OptValue] = &[v("off", 0), d("on", 1)];
/// `ad_actor_sys_prio`.
pub(crate) const AD_ACTOR_SYS_PRIO_TBL: &[OptValue] = &[
    f("minval", 1, VAL_MIN),
    f("maxval", 65535, VAL_MAX | VAL_DEFAULT),
];
/// `ad_user_port_key`.
pub(crate) const AD_USER_PORT_KEY_TBL: &[OptValue] = &[
    f("minval", 0, VAL_MIN | VAL_DEFAULT),
    f("maxval", 1023, VAL_MAX),
];
/// `arp_missed_max`.
pub(crate) const MISSED_MAX_TBL: &[OptValue] = &[
    f("minval", 1, VAL_MIN),
    f("maxval", 255, VAL_MAX),
    d("default", 2),
];
/// `coupled_control`.
pub(crate) const COUPLED_CONTROL_TBL: &[OptValue] = &[d("on", 1), v("off", 0)];

/// Name of `value` in `tbl`, "unknown" when absent.
pub(crate) fn value_name(tbl: &[OptValue], value: u64) -> &'static str {
    tbl.iter()
        .find(|o| o.value == value)
        .map_or("unknown", |o| o.name)
}

/// Parses an enumerated option as `bond_opt_parse()` does: the text is cut at
/// the first newline; if it is only digits and blanks it is read as a number
/// that must be in the table, otherwise its first word (at most 32 bytes) must
/// be a name in the table or "default".
pub(crate) fn parse_enum(tbl: &'static [OptValue], text: &[u8]) -> Option<&'static OptValue> {
    let text = text.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let text = text.split(|&b| b == 0).next().unwrap_or(&[]);
    let numeric = text
        .iter()
        .all(|b| b.is_ascii_digit() || b.is_ascii_whitespace());
    let mut words = text
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty());
    let word = words.next()?;
    if numeric {
        let mut value: u64 = 0;
        for &digit in word {
            value = value
                .checked_mul(10)?
                .checked_add(u64::from(digit - b'0'))?;
        }
        return tbl.iter().find(|o| o.value == value);
    }
    let word = &word[..word.len().min(32)];
    // Like the C loop, a later exact name wins over "default"; the loop stops
    // at the first entry that matched either way.
    tbl.iter()
        .find(|o| o.name.as_bytes() == word || (word == b"default" && o.flags & VAL_DEFAULT != 0))
}

/// Bonding mode (`BOND_MODE_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Mode {
    /// 0: packets in turn over every slave.
    #[default]
    RoundRobin,
    /// 1: one active slave, the others waiting.
    ActiveBackup,
    /// 2: slave chosen by a hash of the packet.
    Xor,
    /// 3: every packet on every slave.
    Broadcast,
    /// 4: IEEE 802.3ad dynamic link aggregation.
    Ieee8023ad,
    /// 5: adaptive transmit load balancing.
    Tlb,
    /// 6: adaptive load balancing.
    Alb,
}

impl Mode {
    /// The mode with number `n`.
    pub(crate) fn from_u64(n: u64) -> Option<Self> {
        Some(match n {
            0 => Self::RoundRobin,
            1 => Self::ActiveBackup,
            2 => Self::Xor,
            3 => Self::Broadcast,
            4 => Self::Ieee8023ad,
            5 => Self::Tlb,
            6 => Self::Alb,
            _ => return None,
        })
    }

    /// The mode's number, as in `struct ifbond` and IFLA_BOND_MODE.
    pub(crate) fn number(self) -> u8 {
        self as u8
    }

    /// The option name ("balance-rr").
    pub(crate) fn name(self) -> &'static str {
        value_name(MODE_TBL, u64::from(self.number()))
    }

    /// The description /proc/net/bonding prints (`bond_mode_name()`).
    pub(crate) fn description(self) -> &'static str {
        match self {
            Self::RoundRobin => "load balancing (round-robin)",
            Self::ActiveBackup => "fault-tolerance (active-backup)",
            Self::Xor => "load balancing (xor)",
            Self::Broadcast => "fault-tolerance (broadcast)",
            Self::Ieee8023ad => "IEEE 802.3ad Dynamic link aggregation",
            Self::Tlb => "transmit load balancing",
            Self::Alb => "adaptive load balancing",
        }
    }

    /// Modes with a primary/current active slave (`bond_uses_primary()`).
    pub(crate) fn uses_primary(self) -> bool {
        matches!(self, Self::ActiveBackup | Self::Tlb | Self::Alb)
    }

    /// Modes where the ARP monitor is allowed (`bond_mode_uses_arp()`).
    pub(crate) fn uses_arp(self) -> bool {
        !matches!(self, Self::Ieee8023ad | Self::Tlb | Self::Alb)
    }

    /// balance-tlb and balance-alb (`bond_is_lb()`).
    pub(crate) fn is_lb(self) -> bool {
        matches!(self, Self::Tlb | Self::Alb)
    }
}

/// An interface name as given by the user (at most IFNAMSIZ - 1 bytes).
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct IfName {
    buf: [u8; IFNAMSIZ],
    len: u8,
}

impl IfName {
    /// Takes `name`, truncated to IFNAMSIZ - 1 bytes as `strscpy` would.
    pub(crate) fn new(name: &[u8]) -> Self {
        let mut s = Self::default();
        let n = name.len().min(IFNAMSIZ - 1);
        s.buf[..n].copy_from_slice(&name[..n]);
        s.len = n as u8;
        s
    }

    /// The name's bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }

    /// Whether no name is set.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl fmt::Debug for IfName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", Shown(self.as_bytes()))
    }
}

impl fmt::Display for IfName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&Shown(self.as_bytes()), f)
    }
}

/// An address a link monitor probes: an ARP (IPv4) or an NS (IPv6)
/// target.
pub(crate) trait TargetAddr: Copy + Default + PartialEq + fmt::Display {
    /// What the C driver's option messages call such a target.
    const KIND: &'static str;
    /// What its netlink warnings call it.
    const LOG_NAME: &'static str;
    /// Whether the C driver accepts it as a target.
    fn is_valid(self) -> bool;
    /// Its bytes, in network order.
    fn bytes(&self) -> &[u8];
    /// The number the C driver's "invalid value" message shows for it
    /// when it came from netlink (the option value it was handed).
    fn opt_value(self) -> u64;
}

impl TargetAddr for Ipv4 {
    const KIND: &'static str = "ARP";
    const LOG_NAME: &'static str = "arp";
    fn is_valid(self) -> bool {
        self.is_valid_target()
    }
    fn bytes(&self) -> &[u8] {
        &self.0
    }
    /// The `__be32` as a native number.
    fn opt_value(self) -> u64 {
        u32::from_ne_bytes(self.0).into()
    }
}

impl TargetAddr for Ipv6 {
    const KIND: &'static str = "NS";
    const LOG_NAME: &'static str = "ns";
    fn is_valid(self) -> bool {
        self.is_valid_target()
    }
    fn bytes(&self) -> &[u8] {
        &self.0
    }
    /// The address travels as the value's extra data
    /// (`bond_opt_initextra()`), the value is `ULLONG_MAX`.
    fn opt_value(self) -> u64 {
        u64::MAX
    }
}

/// A set of monitor targets, in the order given, without duplicates, at
/// most `MAX_ARP_TARGETS` (`BOND_MAX_NS_TARGETS` is the same).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Targets<A: TargetAddr> {
    addrs: [A; MAX_ARP_TARGETS],
    len: u8,
}

/// `arp_ip_target`.
pub(crate) type ArpTargets = Targets<Ipv4>;
/// `ns_ip6_target`.
pub(crate) type NsTargets = Targets<Ipv6>;

impl<A: TargetAddr> Targets<A> {
    /// The targets.
    pub(crate) fn as_slice(&self) -> &[A] {
        &self.addrs[..usize::from(self.len)]
    }

    /// Whether `ip` is already a target.
    pub(crate) fn contains(&self, ip: A) -> bool {
        self.as_slice().contains(&ip)
    }

    /// Adds `ip`; false when all MAX_ARP_TARGETS slots are taken.
    pub(crate) fn push(&mut self, ip: A) -> bool {
        match self.addrs.get_mut(usize::from(self.len)) {
            Some(slot) => {
                *slot = ip;
                self.len += 1;
                true
            }
            None => false,
        }
    }
}

/// Per-bond settings (`struct bond_params`): every bond created starts from
/// the module's copy of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BondParams {
    /// Bonding mode.
    pub(crate) mode: Mode,
    /// `xmit_hash_policy` value (XMIT_HASH_TBL).
    pub(crate) xmit_policy: XmitHashPolicy,
    /// MII polling interval in ms; 0 disables the MII monitor.
    pub(crate) miimon: u32,
    /// Up delay in miimon ticks (the C driver stores ticks, reports ms).
    pub(crate) updelay: u32,
    /// Down delay in miimon ticks.
    pub(crate) downdelay: u32,
    /// Peer notification delay in miimon ticks.
    pub(crate) peer_notif_delay: u32,
    /// Read the link from the carrier (true) or ethtool/MII (false).
    pub(crate) use_carrier: bool,
    /// ARP monitor interval in ms; 0 disables it.
    pub(crate) arp_interval: u32,
    /// ARP monitor targets.
    pub(crate) arp_targets: ArpTargets,
    /// `ns_ip6_target`: the IPv6 NS monitor's targets.
    pub(crate) ns_targets: NsTargets,
    /// `arp_validate` value (ARP_VALIDATE_TBL).
    pub(crate) arp_validate: ArpValidate,
    /// `arp_all_targets` value.
    pub(crate) arp_all_targets: ArpAllTargets,
    /// ARP probes a slave may miss before it is taken down.
    pub(crate) missed_max: u8,
    /// Name of the preferred slave; empty for none.
    pub(crate) primary: IfName,
    /// `primary_reselect` value.
    pub(crate) primary_reselect: PrimaryReselect,
    /// `fail_over_mac` value.
    pub(crate) fail_over_mac: FailOverMac,
    /// Transmit queues of a new bond.
    pub(crate) tx_queues: u16,
    /// Deliver frames received on backup slaves too.
    pub(crate) all_slaves_active: bool,
    /// IGMP reports resent after a failover.
    pub(crate) resend_igmp: u8,
    /// Peer notifications (gratuitous ARP / unsolicited NA) after a failover.
    pub(crate) num_peer_notif: u8,
    /// balance-rr: packets sent on one slave before moving on (0 = random).
    pub(crate) packets_per_slave: u16,
    /// 802.3ad: minimum usable links for carrier.
    pub(crate) min_links: u32,
    /// 802.3ad: ask the partner for fast LACPDUs.
    pub(crate) lacp_fast: bool,
    /// 802.3ad aggregator selection.
    pub(crate) ad_select: AdSelect,
    /// 802.3ad: send LACPDUs unasked (`lacp_active`).
    pub(crate) lacp_active: bool,
    /// 802.3ad: the actor system priority.
    pub(crate) ad_actor_sys_prio: u16,
    /// 802.3ad: the actor system; zero for the bond's MAC.
    pub(crate) ad_actor_system: [u8; 6],
    /// 802.3ad: the user bits of the port key.
    pub(crate) ad_user_port_key: u16,
    /// `coupled_control`: 802.3ad's mux switches collecting and
    /// distributing together (on, the default) or one after the other.
    pub(crate) coupled_control: bool,
    /// balance-tlb/alb learning packet interval, seconds.
    pub(crate) lp_interval: u32,
    /// balance-tlb/alb: place flows by the slaves' load (on, the default),
    /// or by the transmit hash.
    pub(crate) tlb_dynamic_lb: bool,
}

impl Default for BondParams {
    fn default() -> Self {
        Self {
            mode: Mode::RoundRobin,
            xmit_policy: XmitHashPolicy::default(),
            miimon: 0,
            updelay: 0,
            downdelay: 0,
            peer_notif_delay: 0,
            use_carrier: true,
            arp_interval: 0,
            arp_targets: ArpTargets::default(),
            ns_targets: NsTargets::default(),
            arp_validate: ArpValidate::default(),
            arp_all_targets: ArpAllTargets::default(),
            missed_max: 2,
            primary: IfName::default(),
            primary_reselect: PrimaryReselect::default(),
            fail_over_mac: FailOverMac::default(),
            tx_queues: DEFAULT_TX_QUEUES as u16,
            all_slaves_active: false,
            resend_igmp: DEFAULT_RESEND_IGMP as u8,
            num_peer_notif: 1,
            packets_per_slave: 1,
            min_links: 0,
            lacp_fast: false,
            ad_select: AdSelect::default(),
            lacp_active: true,
            ad_actor_sys_prio: 65535,
            ad_actor_system: [0; 6],
            ad_user_port_key: 0,
            coupled_control: true,
            lp_interval: DEFAULT_LP_INTERVAL,
            tlb_dynamic_lb: true,
        }
    }
}

impl BondParams {
    /// The `fail_over_mac` policy in force: it only affects active-backup.
    pub(crate) fn fail_over_mac_in_force(&self) -> FailOverMac {
        match self.mode {
            Mode::ActiveBackup => self.fail_over_mac,
            _ => FailOverMac::None,
        }
    }

    /// The mode picks slaves by `xmit_hash_policy` over the usable ones
    /// (`bond_mode_uses_xmit_hash()`): balance-xor, 802.3ad, and tlb/alb
    /// without `tlb_dynamic_lb`.
    pub(crate) fn uses_xmit_hash(&self) -> bool {
        match self.mode {
            Mode::Xor | Mode::Ieee8023ad => true,
            Mode::Tlb | Mode::Alb => !self.tlb_dynamic_lb,
            _ => false,
        }
    }

    /// Up delay in ms, as reported (ticks times miimon).
    pub(crate) fn updelay_ms(&self) -> u32 {
        self.updelay.saturating_mul(self.miimon)
    }

    /// Down delay in ms, as reported.
    pub(crate) fn downdelay_ms(&self) -> u32 {
        self.downdelay.saturating_mul(self.miimon)
    }

    /// Peer notification delay in ms, as reported.
    pub(crate) fn peer_notif_delay_ms(&self) -> u32 {
        self.peer_notif_delay.saturating_mul(self.miimon)
    }
}

impl<A: TargetAddr> Targets<A> {
    /// `_bond_option_arp_ip_target_add()`, `bond_option_ns_ip6_targets_set()`.
    pub(crate) fn add(&mut self, ip: A, log: &mut impl Log) -> Result<(), OptErr> {
        let kind = A::KIND;
        if !ip.is_valid() {
            log.log(
                Level::Err,
                format_args!("invalid {kind} target {ip} specified for addition"),
            );
            return Err(OptErr::Inval);
        }
        if self.contains(ip) {
            log.log(
                Level::Err,
                format_args!("{kind} target {ip} is already present"),
            );
            return Err(OptErr::Inval);
        }
        if !self.push(ip) {
            log.log(Level::Err, format_args!("{kind} target table is full!"));
            return Err(OptErr::Inval);
        }
        Ok(())
    }

    /// Removes every target.
    pub(crate) fn clear(&mut self) {
        *self = Self::default();
    }
}

impl ArpTargets {
    /// `bond_option_arp_ip_target_rem()`; `arp_interval` for its warning.
    pub(crate) fn remove(
        &mut self,
        ip: Ipv4,
        arp_interval: u32,
        log: &mut impl Log,
    ) -> Result<(), OptErr> {
        if !ip.is_valid_target() {
            log.log(
                Level::Err,
                format_args!("invalid ARP target {ip} specified for removal"),
            );
            return Err(OptErr::Inval);
        }
        let Some(i) = self.as_slice().iter().position(|&t| t == ip) else {
            log.log(
                Level::Err,
                format_args!("unable to remove nonexistent ARP target {ip}"),
            );
            return Err(OptErr::Inval);
        };
        if self.len == 1 && arp_interval != 0 {
            log.log(
                Level::Warn,
                format_args!("Removing last arp target with arp_interval on"),
            );
        }
        let n = usize::from(self.len);
        self.addrs.copy_within(i + 1..n, i);
        self.len -= 1;
        if let Some(last) = self.addrs.get_mut(n - 1) {
            *last = Ipv4::default();
        }
        Ok(())
    }
}

/// Why an option was refused, as the errno the C driver returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OptErr {
    /// EINVAL: not a valid value (or a setter refused it).
    Inval,
    /// EACCES: not in this mode.
    Acces,
    /// ENOTEMPTY: only without slaves.
    NotEmpty,
    /// EBUSY: only while down.
    Busy,
    /// EPERM: a setter's own refusal (a delay without miimon, a malformed
    /// sysfs command).
    Perm,
    /// ENODEV: the named interface does not exist.
    NoDev,
}
