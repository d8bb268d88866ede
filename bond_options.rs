// SPDX-License-Identifier: GPL-2.0

//! Bonding options: the one table of names, values and checks that module
//! parameters (and later ioctl, netlink and sysfs) go through.
//!
//! Pure Rust with no `kernel::` types, so that `cargo test` runs it on the
//! host (tests/host). Parsing follows the C driver's `bond_opt_parse()`
//! (drivers/net/bonding/bond_options.c) and load-time validation follows
//! `bond_check_params()` (bond_main.c), message for message, so that an
//! administrator's dmesg reads the same. The one deliberate difference: an
//! invalid `arp_ip_target` fails the load with EINVAL instead of silently
//! disabling the ARP monitor (Documentation/module-parameters.md).

use core::{ffi::CStr, fmt};

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

const INT_MAX: u64 = i32::MAX as u64;

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
/// `packets_per_slave`.
const PPS_TBL: &[OptValue] = &[d("default", 1), f("maxval", 65535, VAL_MAX)];
/// Intervals and delays in ms, `min_links`.
const INTMAX_TBL: &[OptValue] = &[d("off", 0), f("maxval", INT_MAX, VAL_MAX)];
/// `lacp_active`.
pub(crate) const LACP_ACTIVE_TBL: &[OptValue] = &[v("off", 0), d("on", 1)];
/// `num_grat_arp`, `num_unsol_na`.
const NUM_PEER_NOTIF_TBL: &[OptValue] = &[v("off", 0), f("maxval", 255, VAL_MAX), d("default", 1)];
/// `peer_notif_delay`.
const PEER_NOTIF_DELAY_TBL: &[OptValue] = &[v("off", 0), f("maxval", 300000, VAL_MAX)];
/// `use_carrier`.
const USE_CARRIER_TBL: &[OptValue] = &[v("off", 0), d("on", 1)];
/// `all_slaves_active`.
const ALL_SLAVES_ACTIVE_TBL: &[OptValue] = &[d("off", 0), v("on", 1)];
/// `resend_igmp`.
const RESEND_IGMP_TBL: &[OptValue] = &[v("off", 0), f("maxval", 255, VAL_MAX), d("default", 1)];
/// `lp_interval`.
const LP_INTERVAL_TBL: &[OptValue] = &[
    f("minval", 1, VAL_MIN | VAL_DEFAULT),
    f("maxval", INT_MAX, VAL_MAX),
];
/// `tlb_dynamic_lb`.
const TLB_DYNAMIC_LB_TBL: &[OptValue] = &[v("off", 0), d("on", 1)];
/// `ad_actor_sys_prio`.
const AD_ACTOR_SYS_PRIO_TBL: &[OptValue] = &[
    f("minval", 1, VAL_MIN),
    f("maxval", 65535, VAL_MAX | VAL_DEFAULT),
];
/// `ad_user_port_key`.
const AD_USER_PORT_KEY_TBL: &[OptValue] = &[
    f("minval", 0, VAL_MIN | VAL_DEFAULT),
    f("maxval", 1023, VAL_MAX),
];
/// `arp_missed_max`.
const MISSED_MAX_TBL: &[OptValue] = &[
    f("minval", 1, VAL_MIN),
    f("maxval", 255, VAL_MAX),
    d("default", 2),
];
/// `coupled_control`.
const COUPLED_CONTROL_TBL: &[OptValue] = &[d("on", 1), v("off", 0)];
/// `broadcast_neighbor`.
const BROADCAST_NEIGH_TBL: &[OptValue] = &[d("off", 0), v("on", 1)];

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

    /// Modes that pick slaves by `xmit_hash_policy`
    /// (`bond_mode_uses_xmit_hash()`, with tlb_dynamic_lb at its default).
    pub(crate) fn uses_xmit_hash(self) -> bool {
        matches!(self, Self::Xor | Self::Ieee8023ad)
    }

    /// Modes this driver implements so far.
    pub(crate) fn is_implemented(self) -> bool {
        matches!(
            self,
            Self::RoundRobin | Self::ActiveBackup | Self::Xor | Self::Broadcast | Self::Ieee8023ad
        )
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

/// The set of ARP targets, in the order given, without duplicates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ArpTargets {
    addrs: [Ipv4; MAX_ARP_TARGETS],
    len: u8,
}

impl ArpTargets {
    /// The targets.
    pub(crate) fn as_slice(&self) -> &[Ipv4] {
        &self.addrs[..usize::from(self.len)]
    }

    /// Whether `ip` is already a target.
    pub(crate) fn contains(&self, ip: Ipv4) -> bool {
        self.as_slice().contains(&ip)
    }

    /// Adds `ip`; false when all MAX_ARP_TARGETS slots are taken.
    pub(crate) fn push(&mut self, ip: Ipv4) -> bool {
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
    pub(crate) xmit_policy: u8,
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
    /// `arp_validate` value (ARP_VALIDATE_TBL).
    pub(crate) arp_validate: u8,
    /// `arp_all_targets` value.
    pub(crate) arp_all_targets: u8,
    /// ARP probes a slave may miss before it is taken down.
    pub(crate) missed_max: u8,
    /// Name of the preferred slave; empty for none.
    pub(crate) primary: IfName,
    /// `primary_reselect` value.
    pub(crate) primary_reselect: u8,
    /// `fail_over_mac` value.
    pub(crate) fail_over_mac: u8,
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
    pub(crate) ad_select: u8,
    /// 802.3ad: send LACPDUs unasked (`lacp_active`).
    pub(crate) lacp_active: bool,
    /// 802.3ad: the actor system priority.
    pub(crate) ad_actor_sys_prio: u16,
    /// 802.3ad: the actor system; zero for the bond's MAC.
    pub(crate) ad_actor_system: [u8; 6],
    /// 802.3ad: the user bits of the port key.
    pub(crate) ad_user_port_key: u16,
    /// balance-alb learning packet interval, seconds.
    pub(crate) lp_interval: u32,
}

impl Default for BondParams {
    fn default() -> Self {
        Self {
            mode: Mode::RoundRobin,
            xmit_policy: 0,
            miimon: 0,
            updelay: 0,
            downdelay: 0,
            peer_notif_delay: 0,
            use_carrier: true,
            arp_interval: 0,
            arp_targets: ArpTargets::default(),
            arp_validate: 0,
            arp_all_targets: 0,
            missed_max: 2,
            primary: IfName::default(),
            primary_reselect: 0,
            fail_over_mac: 0,
            tx_queues: DEFAULT_TX_QUEUES as u16,
            all_slaves_active: false,
            resend_igmp: DEFAULT_RESEND_IGMP as u8,
            num_peer_notif: 1,
            packets_per_slave: 1,
            min_links: 0,
            lacp_fast: false,
            ad_select: 0,
            lacp_active: true,
            ad_actor_sys_prio: 65535,
            ad_actor_system: [0; 6],
            ad_user_port_key: 0,
            lp_interval: DEFAULT_LP_INTERVAL,
        }
    }
}

/// What happens to MAC addresses on failover in active-backup
/// (bonding.rst, `fail_over_mac`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum FailOverMac {
    /// Every slave takes the bond's MAC (the default).
    None,
    /// Slaves keep their own MACs; the bond takes the active slave's.
    Active,
    /// The active slave takes the bond's MAC; the one it replaces takes the
    /// new active slave's old MAC.
    Follow,
}

impl BondParams {
    /// The `fail_over_mac` policy in force: it only affects active-backup.
    pub(crate) fn fail_over_mac(&self) -> FailOverMac {
        match (self.mode, self.fail_over_mac) {
            (Mode::ActiveBackup, 1) => FailOverMac::Active,
            (Mode::ActiveBackup, 2) => FailOverMac::Follow,
            _ => FailOverMac::None,
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

/// The module parameters as the user gave them (storage in bond_helpers.c).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawModuleParams<'a> {
    /// `max_bonds`.
    pub(crate) max_bonds: i32,
    /// `tx_queues`.
    pub(crate) tx_queues: i32,
    /// `num_grat_arp` / `num_unsol_na`.
    pub(crate) num_peer_notif: i32,
    /// `miimon`.
    pub(crate) miimon: i32,
    /// `updelay`.
    pub(crate) updelay: i32,
    /// `downdelay`.
    pub(crate) downdelay: i32,
    /// `use_carrier`.
    pub(crate) use_carrier: i32,
    /// `mode`.
    pub(crate) mode: Option<&'a [u8]>,
    /// `primary`.
    pub(crate) primary: Option<&'a [u8]>,
    /// `primary_reselect`.
    pub(crate) primary_reselect: Option<&'a [u8]>,
    /// `lacp_rate`.
    pub(crate) lacp_rate: Option<&'a [u8]>,
    /// `ad_select`.
    pub(crate) ad_select: Option<&'a [u8]>,
    /// `min_links`.
    pub(crate) min_links: i32,
    /// `xmit_hash_policy`.
    pub(crate) xmit_hash_policy: Option<&'a [u8]>,
    /// `arp_interval`.
    pub(crate) arp_interval: i32,
    /// `arp_ip_target`, in the order given; unused slots are None.
    pub(crate) arp_ip_target: [Option<&'a [u8]>; MAX_ARP_TARGETS],
    /// `arp_validate`.
    pub(crate) arp_validate: Option<&'a [u8]>,
    /// `arp_all_targets`.
    pub(crate) arp_all_targets: Option<&'a [u8]>,
    /// `fail_over_mac`.
    pub(crate) fail_over_mac: Option<&'a [u8]>,
    /// `all_slaves_active`.
    pub(crate) all_slaves_active: i32,
    /// `resend_igmp`.
    pub(crate) resend_igmp: i32,
    /// `packets_per_slave`.
    pub(crate) packets_per_slave: i32,
    /// `lp_interval`.
    pub(crate) lp_interval: u32,
}

impl Default for RawModuleParams<'_> {
    fn default() -> Self {
        Self {
            max_bonds: DEFAULT_MAX_BONDS,
            tx_queues: DEFAULT_TX_QUEUES,
            num_peer_notif: 1,
            miimon: 0,
            updelay: 0,
            downdelay: 0,
            use_carrier: 1,
            mode: None,
            primary: None,
            primary_reselect: None,
            lacp_rate: None,
            ad_select: None,
            min_links: 0,
            xmit_hash_policy: None,
            arp_interval: 0,
            arp_ip_target: [None; MAX_ARP_TARGETS],
            arp_validate: None,
            arp_all_targets: None,
            fail_over_mac: None,
            all_slaves_active: 0,
            resend_igmp: DEFAULT_RESEND_IGMP,
            packets_per_slave: 1,
            lp_interval: DEFAULT_LP_INTERVAL,
        }
    }
}

/// What the module creates at load, from its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ModuleConfig {
    /// Number of bonds to create (bond0..bondN-1).
    pub(crate) max_bonds: u32,
    /// Settings every new bond starts with.
    pub(crate) params: BondParams,
}

/// A module parameter refused: the load fails with EINVAL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Invalid;

macro_rules! log {
    ($log:expr, $lvl:ident, $($arg:tt)*) => {
        $log.log(Level::$lvl, format_args!($($arg)*))
    };
}

fn parse_or_refuse(
    log: &mut impl Log,
    tbl: &'static [OptValue],
    text: &[u8],
    what: &str,
) -> Result<u64, Invalid> {
    match parse_enum(tbl, text) {
        Some(o) => Ok(o.value),
        None => {
            log!(log, Err, "Error: {} \"{}\"", what, Shown(text));
            Err(Invalid)
        }
    }
}

/// Checks the module parameters as `bond_check_params()` does: values out
/// of range are reset with the C driver's warning, unparsable names refuse
/// the load.
pub(crate) fn check_module_params(
    raw: &RawModuleParams<'_>,
    log: &mut impl Log,
) -> Result<ModuleConfig, Invalid> {
    let mut p = BondParams::default();

    if let Some(text) = raw.mode {
        let n = parse_or_refuse(log, MODE_TBL, text, "Invalid bonding mode")?;
        p.mode = Mode::from_u64(n).ok_or(Invalid)?;
        if !p.mode.is_implemented() {
            log!(
                log,
                Err,
                "Error: bonding mode {} ({}) is not supported by this driver yet",
                p.mode.name(),
                n
            );
            return Err(Invalid);
        }
    }
    let mode = p.mode;

    if let Some(text) = raw.xmit_hash_policy {
        if matches!(
            mode,
            Mode::RoundRobin | Mode::ActiveBackup | Mode::Broadcast
        ) {
            log!(
                log,
                Info,
                "xmit_hash_policy param is irrelevant in mode {}",
                mode.description()
            );
        } else {
            p.xmit_policy =
                parse_or_refuse(log, XMIT_HASH_TBL, text, "Invalid xmit_hash_policy")? as u8;
        }
    }

    if let Some(text) = raw.lacp_rate {
        if mode != Mode::Ieee8023ad {
            log!(
                log,
                Info,
                "lacp_rate param is irrelevant in mode {}",
                mode.description()
            );
        } else {
            p.lacp_fast = parse_or_refuse(log, LACP_RATE_TBL, text, "Invalid lacp rate")? == 1;
        }
    }

    if let Some(text) = raw.ad_select {
        p.ad_select = parse_or_refuse(log, AD_SELECT_TBL, text, "Invalid ad_select")? as u8;
        if mode != Mode::Ieee8023ad {
            log!(log, Warn, "ad_select param only affects 802.3ad mode");
        }
    }

    let mut max_bonds = raw.max_bonds;
    if max_bonds < 0 {
        log!(log, Warn,
            "Warning: max_bonds ({}) not in range {}-{}, so it was reset to BOND_DEFAULT_MAX_BONDS ({})",
            max_bonds, 0, i32::MAX, DEFAULT_MAX_BONDS);
        max_bonds = DEFAULT_MAX_BONDS;
    }

    let mut miimon = raw.miimon;
    if miimon < 0 {
        log!(
            log,
            Warn,
            "Warning: miimon module parameter ({}), not in range 0-{}, so it was reset to 0",
            miimon,
            i32::MAX
        );
        miimon = 0;
    }
    let mut updelay = raw.updelay;
    if updelay < 0 {
        log!(
            log,
            Warn,
            "Warning: updelay module parameter ({}), not in range 0-{}, so it was reset to 0",
            updelay,
            i32::MAX
        );
        updelay = 0;
    }
    let mut downdelay = raw.downdelay;
    if downdelay < 0 {
        log!(
            log,
            Warn,
            "Warning: downdelay module parameter ({}), not in range 0-{}, so it was reset to 0",
            downdelay,
            i32::MAX
        );
        downdelay = 0;
    }

    p.use_carrier = match raw.use_carrier {
        0 => false,
        1 => true,
        other => {
            log!(log, Warn, "Warning: use_carrier module parameter ({}), not of valid value (0/1), so it was set to 1", other);
            true
        }
    };

    p.num_peer_notif = match u8::try_from(raw.num_peer_notif) {
        Ok(n) => n,
        Err(_) => {
            log!(
                log,
                Warn,
                "Warning: num_grat_arp/num_unsol_na ({}) not in range 0-255 so it was reset to 1",
                raw.num_peer_notif
            );
            1
        }
    };

    if !mode.uses_arp() && miimon == 0 {
        log!(log, Warn, "Warning: miimon must be specified, otherwise bonding will not detect link failure, speed and duplex which are essential for 802.3ad operation");
        log!(log, Warn, "Forcing miimon to 100msec");
        miimon = DEFAULT_MIIMON;
    }

    p.tx_queues = match raw.tx_queues {
        q @ 1..=255 => q as u16,
        q => {
            log!(
                log,
                Warn,
                "Warning: tx_queues ({}) should be between 1 and 255, resetting to {}",
                q,
                DEFAULT_TX_QUEUES
            );
            DEFAULT_TX_QUEUES as u16
        }
    };

    p.all_slaves_active = match raw.all_slaves_active {
        0 => false,
        1 => true,
        other => {
            log!(log, Warn, "Warning: all_slaves_active module parameter ({}), not of valid value (0/1), so it was set to 0", other);
            false
        }
    };

    p.resend_igmp = match u8::try_from(raw.resend_igmp) {
        Ok(n) => n,
        Err(_) => {
            log!(
                log,
                Warn,
                "Warning: resend_igmp ({}) should be between 0 and 255, resetting to {}",
                raw.resend_igmp,
                DEFAULT_RESEND_IGMP
            );
            DEFAULT_RESEND_IGMP as u8
        }
    };

    p.packets_per_slave = match u16::try_from(raw.packets_per_slave) {
        Ok(n) => n,
        Err(_) => {
            log!(
                log,
                Warn,
                "Warning: packets_per_slave ({}) should be between 0 and {} resetting to 1",
                raw.packets_per_slave,
                u16::MAX
            );
            1
        }
    };

    if mode == Mode::Alb {
        log!(log, Notice,
            "In ALB mode you might experience client disconnections upon reconnection of a link if the bonding module updelay parameter ({} msec) is incompatible with the forwarding delay time of the switch",
            updelay);
    }

    let mut arp_interval = raw.arp_interval;
    if miimon == 0 {
        if updelay != 0 || downdelay != 0 {
            log!(log, Warn,
                "Warning: miimon module parameter not set and updelay ({}) or downdelay ({}) module parameter is set; updelay and downdelay have no effect unless miimon is set",
                updelay, downdelay);
        }
    } else {
        if arp_interval != 0 {
            log!(log, Warn,
                "Warning: miimon ({}) and arp_interval ({}) can't be used simultaneously, disabling ARP monitoring",
                miimon, arp_interval);
            arp_interval = 0;
        }
        if updelay % miimon != 0 {
            log!(
                log,
                Warn,
                "Warning: updelay ({}) is not a multiple of miimon ({}), updelay rounded to {} ms",
                updelay,
                miimon,
                (updelay / miimon) * miimon
            );
        }
        updelay /= miimon;
        if downdelay % miimon != 0 {
            log!(log, Warn, "Warning: downdelay ({}) is not a multiple of miimon ({}), downdelay rounded to {} ms",
                downdelay, miimon, (downdelay / miimon) * miimon);
        }
        downdelay /= miimon;
    }

    if arp_interval < 0 {
        log!(
            log,
            Warn,
            "Warning: arp_interval module parameter ({}), not in range 0-{}, so it was reset to 0",
            arp_interval,
            i32::MAX
        );
        arp_interval = 0;
    }

    for text in raw.arp_ip_target.iter().map_while(|t| *t) {
        let ip = match Ipv4::parse(text) {
            Some(ip) if ip.is_valid_target() => ip,
            _ => {
                // The C driver only disables the ARP monitor here; refusing
                // the load is what the administrator needs to notice it.
                log!(
                    log,
                    Err,
                    "Error: bad arp_ip_target module parameter ({})",
                    Shown(text)
                );
                return Err(Invalid);
            }
        };
        if p.arp_targets.contains(ip) {
            log!(
                log,
                Warn,
                "Warning: duplicate address {} in arp_ip_target, skipping",
                ip
            );
        } else {
            p.arp_targets.push(ip);
        }
    }

    if arp_interval != 0 && p.arp_targets.as_slice().is_empty() {
        log!(log, Warn,
            "Warning: arp_interval module parameter ({}) specified without providing an arp_ip_target parameter, arp_interval was reset to 0",
            arp_interval);
        arp_interval = 0;
    }

    if let Some(text) = raw.arp_validate {
        if arp_interval == 0 {
            log!(log, Err, "arp_validate requires arp_interval");
            return Err(Invalid);
        }
        p.arp_validate =
            parse_or_refuse(log, ARP_VALIDATE_TBL, text, "invalid arp_validate")? as u8;
    }

    if let Some(text) = raw.arp_all_targets {
        match parse_enum(ARP_ALL_TARGETS_TBL, text) {
            Some(o) => p.arp_all_targets = o.value as u8,
            // The C driver logs this one and carries on with "any".
            None => log!(
                log,
                Err,
                "Error: invalid arp_all_targets_value \"{}\"",
                Shown(text)
            ),
        }
    }

    if miimon != 0 {
        log!(log, Info, "MII link monitoring set to {} ms", miimon);
    } else if arp_interval != 0 {
        log!(
            log,
            Info,
            "ARP monitoring set to {} ms, validate {}, with {} target(s):{}",
            arp_interval,
            value_name(ARP_VALIDATE_TBL, u64::from(p.arp_validate)),
            p.arp_targets.as_slice().len(),
            TargetList(p.arp_targets.as_slice())
        );
    } else if max_bonds != 0 {
        log!(log, Debug, "Warning: either miimon or arp_interval and arp_ip_target module parameters must be specified, otherwise bonding will not detect link failures! see bonding.txt for details");
    }

    let mut primary = raw.primary;
    if let Some(name) = primary {
        if !mode.uses_primary() {
            log!(
                log,
                Warn,
                "Warning: {} primary device specified but has no effect in {} mode",
                Shown(name),
                mode.description()
            );
            primary = None;
        }
    }
    if let (Some(_), Some(text)) = (primary, raw.primary_reselect) {
        p.primary_reselect =
            parse_or_refuse(log, PRIMARY_RESELECT_TBL, text, "Invalid primary_reselect")? as u8;
    }

    if let Some(text) = raw.fail_over_mac {
        p.fail_over_mac =
            parse_or_refuse(log, FAIL_OVER_MAC_TBL, text, "invalid fail_over_mac")? as u8;
        if mode != Mode::ActiveBackup {
            log!(
                log,
                Warn,
                "Warning: fail_over_mac only affects active-backup mode"
            );
        }
    }

    p.lp_interval = if raw.lp_interval == 0 {
        log!(
            log,
            Warn,
            "Warning: ip_interval must be between 1 and {}, so it was reset to {}",
            i32::MAX,
            DEFAULT_LP_INTERVAL
        );
        DEFAULT_LP_INTERVAL
    } else {
        raw.lp_interval
    };

    p.miimon = miimon as u32;
    p.updelay = updelay as u32;
    p.downdelay = downdelay as u32;
    p.arp_interval = arp_interval as u32;
    p.min_links = raw.min_links as u32;
    if let Some(name) = primary {
        p.primary = IfName::new(name);
    }

    Ok(ModuleConfig {
        max_bonds: max_bonds as u32,
        params: p,
    })
}

struct TargetList<'a>(&'a [Ipv4]);

impl fmt::Display for TargetList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for ip in self.0 {
            write!(f, " {ip}")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// The option table (`bond_opts[]`): what every interface that changes an
// option (sysfs, netlink, ioctl) goes through, with the C driver's checks,
// errno values and messages.

/// Options (`BOND_OPT_*`), in the C driver's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OptId {
    /// `mode`.
    Mode,
    /// `packets_per_slave`.
    PacketsPerSlave,
    /// `xmit_hash_policy`.
    XmitHash,
    /// `arp_validate`.
    ArpValidate,
    /// `arp_all_targets`.
    ArpAllTargets,
    /// `fail_over_mac`.
    FailOverMac,
    /// `arp_interval`.
    ArpInterval,
    /// `arp_missed_max`.
    MissedMax,
    /// `arp_ip_target`.
    ArpTargets,
    /// `ns_ip6_target`.
    NsTargets,
    /// `downdelay`.
    DownDelay,
    /// `updelay`.
    UpDelay,
    /// `lacp_active`.
    LacpActive,
    /// `lacp_rate`.
    LacpRate,
    /// `min_links`.
    MinLinks,
    /// `ad_select`.
    AdSelect,
    /// `num_unsol_na`.
    NumPeerNotif,
    /// `miimon`.
    Miimon,
    /// `prio` (a slave's).
    Prio,
    /// `primary`.
    Primary,
    /// `primary_reselect`.
    PrimaryReselect,
    /// `use_carrier`.
    UseCarrier,
    /// `active_slave`.
    ActiveSlave,
    /// `queue_id`.
    QueueId,
    /// `all_slaves_active`.
    AllSlavesActive,
    /// `resend_igmp`.
    ResendIgmp,
    /// `lp_interval`.
    LpInterval,
    /// `slaves`.
    Slaves,
    /// `tlb_dynamic_lb`.
    TlbDynamicLb,
    /// `ad_actor_sys_prio`.
    AdActorSysPrio,
    /// `actor_port_prio` (a slave's).
    ActorPortPrio,
    /// `ad_actor_system`.
    AdActorSystem,
    /// `ad_user_port_key`.
    AdUserPortKey,
    /// `num_grat_arp`.
    NumPeerNotifAlias,
    /// `peer_notif_delay`.
    PeerNotifDelay,
    /// `coupled_control`.
    CoupledControl,
    /// `broadcast_neighbor`.
    BroadcastNeighbor,
}

/// Only while the bond has no slaves (`BOND_OPTFLAG_NOSLAVES`).
pub(crate) const OPT_NOSLAVES: u8 = 1;
/// Only while the bond is down (`BOND_OPTFLAG_IFDOWN`).
pub(crate) const OPT_IFDOWN: u8 = 2;
/// The value is text the option's setter reads itself (`BOND_OPTFLAG_RAWVAL`).
pub(crate) const OPT_RAWVAL: u8 = 4;

/// Whether this driver does what an option asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Support {
    /// Implemented.
    Yes,
    /// Not yet: refused with EOPNOTSUPP and a message that says so, never
    /// accepted and ignored.
    NotYet,
}

/// One option (`struct bond_option`).
#[derive(Debug)]
pub(crate) struct OptSpec {
    /// Which option.
    pub(crate) id: OptId,
    /// Its name in sysfs and in messages.
    pub(crate) name: &'static str,
    /// [`OPT_NOSLAVES`], [`OPT_IFDOWN`], [`OPT_RAWVAL`].
    pub(crate) flags: u8,
    /// Modes (bit per mode number) where the option is refused with EACCES.
    pub(crate) unsupp_modes: u8,
    /// Named values and range bounds; empty for RAWVAL options.
    pub(crate) values: &'static [OptValue],
    /// Whether this driver implements it.
    pub(crate) support: Support,
}

const ALL_MODES: u8 = 0x7f;
const fn bit(m: Mode) -> u8 {
    1 << m as u8
}
/// Every mode but those in `keep`.
const fn all_ex(keep: u8) -> u8 {
    ALL_MODES & !keep
}
const ARP_UNSUPP: u8 = bit(Mode::Ieee8023ad) | bit(Mode::Tlb) | bit(Mode::Alb);
const PRIMARY_MODES: u8 = bit(Mode::ActiveBackup) | bit(Mode::Tlb) | bit(Mode::Alb);

const fn opt(
    id: OptId,
    name: &'static str,
    flags: u8,
    unsupp_modes: u8,
    values: &'static [OptValue],
) -> OptSpec {
    OptSpec {
        id,
        name,
        flags,
        unsupp_modes,
        values,
        support: Support::Yes,
    }
}

const fn not_yet(
    id: OptId,
    name: &'static str,
    flags: u8,
    unsupp_modes: u8,
    values: &'static [OptValue],
) -> OptSpec {
    OptSpec {
        id,
        name,
        flags,
        unsupp_modes,
        values,
        support: Support::NotYet,
    }
}

/// The table. 802.3ad and tlb/alb options are refused in the modes this
/// driver implements by their mode dependency (EACCES), as in the C driver.
pub(crate) static OPTIONS: &[OptSpec] = &[
    opt(OptId::Mode, "mode", OPT_NOSLAVES | OPT_IFDOWN, 0, MODE_TBL),
    opt(
        OptId::PacketsPerSlave,
        "packets_per_slave",
        0,
        all_ex(bit(Mode::RoundRobin)),
        PPS_TBL,
    ),
    opt(OptId::XmitHash, "xmit_hash_policy", 0, 0, XMIT_HASH_TBL),
    opt(
        OptId::ArpValidate,
        "arp_validate",
        0,
        ARP_UNSUPP,
        ARP_VALIDATE_TBL,
    ),
    opt(
        OptId::ArpAllTargets,
        "arp_all_targets",
        0,
        0,
        ARP_ALL_TARGETS_TBL,
    ),
    opt(
        OptId::FailOverMac,
        "fail_over_mac",
        OPT_NOSLAVES,
        0,
        FAIL_OVER_MAC_TBL,
    ),
    opt(
        OptId::ArpInterval,
        "arp_interval",
        0,
        ARP_UNSUPP,
        INTMAX_TBL,
    ),
    opt(
        OptId::MissedMax,
        "arp_missed_max",
        0,
        ARP_UNSUPP,
        MISSED_MAX_TBL,
    ),
    opt(OptId::ArpTargets, "arp_ip_target", OPT_RAWVAL, 0, &[]),
    not_yet(OptId::NsTargets, "ns_ip6_target", OPT_RAWVAL, 0, &[]),
    opt(OptId::DownDelay, "downdelay", 0, 0, INTMAX_TBL),
    opt(OptId::UpDelay, "updelay", 0, 0, INTMAX_TBL),
    opt(
        OptId::LacpActive,
        "lacp_active",
        OPT_IFDOWN,
        all_ex(bit(Mode::Ieee8023ad)),
        LACP_ACTIVE_TBL,
    ),
    opt(
        OptId::LacpRate,
        "lacp_rate",
        OPT_IFDOWN,
        all_ex(bit(Mode::Ieee8023ad)),
        LACP_RATE_TBL,
    ),
    opt(OptId::MinLinks, "min_links", 0, 0, INTMAX_TBL),
    opt(OptId::AdSelect, "ad_select", OPT_IFDOWN, 0, AD_SELECT_TBL),
    opt(
        OptId::NumPeerNotif,
        "num_unsol_na",
        0,
        0,
        NUM_PEER_NOTIF_TBL,
    ),
    opt(OptId::Miimon, "miimon", 0, 0, INTMAX_TBL),
    opt(OptId::Prio, "prio", OPT_RAWVAL, all_ex(PRIMARY_MODES), &[]),
    opt(
        OptId::Primary,
        "primary",
        OPT_RAWVAL,
        all_ex(PRIMARY_MODES),
        &[],
    ),
    opt(
        OptId::PrimaryReselect,
        "primary_reselect",
        0,
        0,
        PRIMARY_RESELECT_TBL,
    ),
    opt(OptId::UseCarrier, "use_carrier", 0, 0, USE_CARRIER_TBL),
    opt(
        OptId::ActiveSlave,
        "active_slave",
        OPT_RAWVAL,
        all_ex(PRIMARY_MODES),
        &[],
    ),
    opt(OptId::QueueId, "queue_id", OPT_RAWVAL, 0, &[]),
    opt(
        OptId::AllSlavesActive,
        "all_slaves_active",
        0,
        0,
        ALL_SLAVES_ACTIVE_TBL,
    ),
    opt(OptId::ResendIgmp, "resend_igmp", 0, 0, RESEND_IGMP_TBL),
    opt(OptId::LpInterval, "lp_interval", 0, 0, LP_INTERVAL_TBL),
    opt(OptId::Slaves, "slaves", OPT_RAWVAL, 0, &[]),
    not_yet(
        OptId::TlbDynamicLb,
        "tlb_dynamic_lb",
        OPT_IFDOWN,
        all_ex(bit(Mode::Tlb) | bit(Mode::Alb)),
        TLB_DYNAMIC_LB_TBL,
    ),
    opt(
        OptId::AdActorSysPrio,
        "ad_actor_sys_prio",
        0,
        all_ex(bit(Mode::Ieee8023ad)),
        AD_ACTOR_SYS_PRIO_TBL,
    ),
    opt(
        OptId::ActorPortPrio,
        "actor_port_prio",
        OPT_RAWVAL,
        all_ex(bit(Mode::Ieee8023ad)),
        &[],
    ),
    opt(
        OptId::AdActorSystem,
        "ad_actor_system",
        OPT_RAWVAL,
        all_ex(bit(Mode::Ieee8023ad)),
        &[],
    ),
    opt(
        OptId::AdUserPortKey,
        "ad_user_port_key",
        OPT_IFDOWN,
        all_ex(bit(Mode::Ieee8023ad)),
        AD_USER_PORT_KEY_TBL,
    ),
    opt(
        OptId::NumPeerNotifAlias,
        "num_grat_arp",
        0,
        0,
        NUM_PEER_NOTIF_TBL,
    ),
    opt(
        OptId::PeerNotifDelay,
        "peer_notif_delay",
        0,
        0,
        PEER_NOTIF_DELAY_TBL,
    ),
    not_yet(
        OptId::CoupledControl,
        "coupled_control",
        OPT_IFDOWN,
        all_ex(bit(Mode::Ieee8023ad)),
        COUPLED_CONTROL_TBL,
    ),
    not_yet(
        OptId::BroadcastNeighbor,
        "broadcast_neighbor",
        0,
        all_ex(bit(Mode::Ieee8023ad)),
        BROADCAST_NEIGH_TBL,
    ),
];

/// The table entry of `id`.
pub(crate) fn spec(id: OptId) -> &'static OptSpec {
    // Every OptId has exactly one entry (checked by a unit test); the
    // fallback is never taken.
    OPTIONS.iter().find(|o| o.id == id).unwrap_or(&OPTIONS[0])
}

/// The option named `name` (`bond_opt_get_by_name()`).
pub(crate) fn spec_by_name(name: &[u8]) -> Option<&'static OptSpec> {
    OPTIONS.iter().find(|o| o.name.as_bytes() == name)
}

/// A value as an interface hands it over: a number (netlink, ioctl) or
/// text (sysfs).
#[derive(Clone, Copy, Debug)]
pub(crate) enum OptInput<'a> {
    /// A number (`bond_opt_initval()`).
    Num(u64),
    /// Text, possibly ending in a newline (`bond_opt_initstr()`).
    Text(&'a [u8]),
}

impl fmt::Display for OptInput<'_> {
    /// As `bond_opt_error_interpret()` shows a refused value: text up to its
    /// first newline, or the number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Num(n) => write!(f, "{n}"),
            Self::Text(t) => write!(f, "{}", Shown(first_line(t))),
        }
    }
}

/// `text` up to its first newline (or NUL).
pub(crate) fn first_line(text: &[u8]) -> &[u8] {
    let end = text
        .iter()
        .position(|&b| b == b'\n' || b == 0)
        .unwrap_or(text.len());
    &text[..end]
}

/// `bond_opt_parse()` for an option with a value table: a number must be a
/// named value or within the range the table bounds; text is read as a
/// number when it is only digits and blanks, else its first word must be a
/// name or "default".
pub(crate) fn parse_value(spec: &OptSpec, input: OptInput<'_>) -> Option<u64> {
    let tbl = spec.values;
    let n = match input {
        OptInput::Num(n) => n,
        OptInput::Text(text) => {
            let text = first_line(text);
            if text
                .iter()
                .all(|b| b.is_ascii_digit() || b.is_ascii_whitespace())
            {
                let word = text
                    .split(|b| b.is_ascii_whitespace())
                    .find(|w| !w.is_empty())?;
                let mut n: u64 = 0;
                for &d in word {
                    n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
                }
                n
            } else {
                return parse_enum(tbl, text).map(|o| o.value);
            }
        }
    };
    if let Some(o) = tbl.iter().find(|o| o.value == n) {
        return Some(o.value);
    }
    let max = tbl.iter().find(|o| o.flags & VAL_MAX != 0)?;
    let min = tbl
        .iter()
        .find(|o| o.flags & VAL_MIN != 0)
        .map_or(0, |o| o.value);
    (min..=max.value).contains(&n).then_some(n)
}

/// What the bond looks like to an option's dependency checks.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BondState {
    /// It has slaves.
    pub(crate) has_slaves: bool,
    /// It is up (IFF_UP).
    pub(crate) is_up: bool,
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
    /// EOPNOTSUPP: this driver does not implement it yet.
    NotSupp,
}

/// `bond_opt_check_deps()`: whether `spec` may change now.
pub(crate) fn check_deps(spec: &OptSpec, mode: Mode, st: BondState) -> Result<(), OptErr> {
    if spec.unsupp_modes & bit(mode) != 0 {
        return Err(OptErr::Acces);
    }
    if spec.flags & OPT_NOSLAVES != 0 && st.has_slaves {
        return Err(OptErr::NotEmpty);
    }
    if spec.flags & OPT_IFDOWN != 0 && st.is_up {
        return Err(OptErr::Busy);
    }
    if spec.support == Support::NotYet {
        return Err(OptErr::NotSupp);
    }
    Ok(())
}

/// `bond_opt_error_interpret()`: logs why `spec` was refused (the bond's
/// name is the caller's prefix) and returns the extack message, if the C
/// driver gives one.
pub(crate) fn explain(
    spec: &OptSpec,
    err: OptErr,
    input: Option<OptInput<'_>>,
    mode: Mode,
    log: &mut impl Log,
) -> Option<&'static CStr> {
    let name = spec.name;
    match err {
        OptErr::Inval => {
            if let Some(v) = input {
                log.log(
                    Level::Err,
                    format_args!("option {name}: invalid value ({v})"),
                );
            }
            if let Some(max) = spec.values.iter().find(|o| o.flags & VAL_MAX != 0) {
                let min = spec
                    .values
                    .iter()
                    .find(|o| o.flags & VAL_MIN != 0)
                    .map_or(0, |o| o.value);
                log.log(
                    Level::Err,
                    format_args!("option {name}: allowed values {min} - {}", max.value),
                );
            }
            Some(c"invalid option value")
        }
        OptErr::Acces => {
            log.log(
                Level::Err,
                format_args!(
                    "option {name}: mode dependency failed, not supported in mode {}({})",
                    mode.name(),
                    mode.number()
                ),
            );
            Some(c"option not supported in mode")
        }
        OptErr::NotEmpty => {
            log.log(
                Level::Err,
                format_args!("option {name}: unable to set because the bond device has slaves"),
            );
            Some(c"unable to set option because the bond device has slaves")
        }
        OptErr::Busy => {
            log.log(
                Level::Err,
                format_args!("option {name}: unable to set because the bond device is up"),
            );
            Some(c"unable to set option because the bond is up")
        }
        OptErr::NoDev => {
            if let Some(v @ OptInput::Text(_)) = input {
                log.log(
                    Level::Err,
                    format_args!("option {name}: interface {v} does not exist!"),
                );
            }
            Some(c"interface does not exist")
        }
        OptErr::NotSupp => {
            log.log(
                Level::Err,
                format_args!("option {name}: not supported by this driver yet"),
            );
            Some(c"option not supported by this driver yet")
        }
        // A setter's own refusal carries no extack message.
        OptErr::Perm => None,
    }
}

/// What the kernel side must do after a parameter changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Nothing beyond publishing the new parameters.
    None,
    /// The link monitors change: restart them if the bond is up.
    Monitors,
    /// Choose the active slave again.
    Reselect,
    /// The slaves' inactive flags follow `all_slaves_active`.
    SlaveFlags,
    /// The bond's carrier may change.
    Carrier,
    /// A different mode: features and transmit path follow.
    Mode,
    /// The 802.3ad machines take the new settings.
    Lacp,
}

/// Applies a parsed value of a numeric or enumerated option to `p`, as the
/// C setters do (`bond_option_*_set()`), with their messages. Raw-value
/// options (targets, interfaces) are the caller's.
pub(crate) fn set_value(
    p: &mut BondParams,
    id: OptId,
    value: u64,
    log: &mut impl Log,
) -> Result<Effect, OptErr> {
    let v32 = u32::try_from(value).unwrap_or(u32::MAX);
    Ok(match id {
        OptId::Mode => {
            let mode = Mode::from_u64(value).ok_or(OptErr::Inval)?;
            if !mode.is_implemented() {
                log.log(
                    Level::Err,
                    format_args!(
                        "option mode: {} is not supported by this driver yet",
                        mode.name()
                    ),
                );
                return Err(OptErr::NotSupp);
            }
            if !mode.uses_arp() {
                p.arp_interval = 0;
                if p.miimon == 0 {
                    p.miimon = DEFAULT_MIIMON as u32;
                }
            }
            // arp_validate is not kept across modes.
            p.arp_validate = 0;
            p.mode = mode;
            Effect::Mode
        }
        OptId::PacketsPerSlave => {
            p.packets_per_slave = value as u16;
            Effect::None
        }
        OptId::XmitHash => {
            p.xmit_policy = value as u8;
            Effect::None
        }
        OptId::ArpValidate => {
            if value != 0 {
                log.log(
                    Level::Err,
                    format_args!(
                        "option arp_validate: {} is not supported by this driver yet",
                        value_name(ARP_VALIDATE_TBL, value)
                    ),
                );
                return Err(OptErr::NotSupp);
            }
            p.arp_validate = 0;
            Effect::None
        }
        OptId::ArpAllTargets => {
            p.arp_all_targets = value as u8;
            Effect::None
        }
        OptId::FailOverMac => {
            p.fail_over_mac = value as u8;
            Effect::None
        }
        OptId::ArpInterval => {
            p.arp_interval = v32;
            if v32 != 0 {
                p.miimon = 0;
            }
            Effect::Monitors
        }
        OptId::MissedMax => {
            p.missed_max = value as u8;
            Effect::None
        }
        OptId::DownDelay | OptId::UpDelay | OptId::PeerNotifDelay => {
            let what = match id {
                OptId::DownDelay => "down delay",
                OptId::UpDelay => "up delay",
                _ => "peer notification delay",
            };
            if p.miimon == 0 {
                log.log(
                    Level::Err,
                    format_args!("Unable to set {what} as MII monitoring is disabled"),
                );
                return Err(OptErr::Perm);
            }
            let ticks = v32 / p.miimon;
            if v32 % p.miimon != 0 {
                log.log(
                    Level::Warn,
                    format_args!(
                        "{what} ({v32}) is not a multiple of miimon ({}), value rounded to {} ms",
                        p.miimon,
                        ticks * p.miimon
                    ),
                );
            }
            match id {
                OptId::DownDelay => p.downdelay = ticks,
                OptId::UpDelay => p.updelay = ticks,
                _ => p.peer_notif_delay = ticks,
            }
            Effect::None
        }
        OptId::MinLinks => {
            p.min_links = v32;
            Effect::Carrier
        }
        OptId::AdSelect => {
            p.ad_select = value as u8;
            Effect::Lacp
        }
        OptId::LacpRate => {
            p.lacp_fast = value == 1;
            Effect::Lacp
        }
        OptId::LacpActive => {
            p.lacp_active = value != 0;
            Effect::Lacp
        }
        OptId::AdActorSysPrio => {
            p.ad_actor_sys_prio = value as u16;
            Effect::Lacp
        }
        OptId::AdUserPortKey => {
            p.ad_user_port_key = value as u16;
            Effect::None
        }
        OptId::NumPeerNotif | OptId::NumPeerNotifAlias => {
            p.num_peer_notif = value as u8;
            Effect::None
        }
        OptId::Miimon => {
            p.miimon = v32;
            if v32 != 0 && p.arp_interval != 0 {
                p.arp_interval = 0;
                p.arp_validate = 0;
            }
            Effect::Monitors
        }
        OptId::PrimaryReselect => {
            p.primary_reselect = value as u8;
            Effect::Reselect
        }
        OptId::UseCarrier => {
            p.use_carrier = value != 0;
            Effect::None
        }
        OptId::AllSlavesActive => {
            p.all_slaves_active = value != 0;
            Effect::SlaveFlags
        }
        OptId::ResendIgmp => {
            p.resend_igmp = value as u8;
            Effect::None
        }
        OptId::LpInterval => {
            p.lp_interval = v32;
            Effect::None
        }
        // Raw-value options and those not implemented never get here.
        _ => return Err(OptErr::NotSupp),
    })
}

/// `bond_option_ad_actor_system_set()`: a MAC address as text
/// (`mac_pton()`: six hex pairs separated by colons) or as the six bytes
/// of a netlink attribute; a multicast address is refused.
pub(crate) fn parse_actor_system(
    input: ActorSystemInput<'_>,
    log: &mut impl Log,
) -> Result<[u8; 6], OptErr> {
    let mac = match input {
        ActorSystemInput::Bytes(b) => b.get(..6).and_then(|b| <[u8; 6]>::try_from(b).ok()),
        ActorSystemInput::Text(t) => mac_pton(t),
    };
    match mac {
        Some(m) if m[0] & 1 == 0 => Ok(m),
        _ => {
            log.log(
                Level::Err,
                format_args!("Invalid ad_actor_system MAC address."),
            );
            Err(OptErr::Inval)
        }
    }
}

/// How `ad_actor_system` arrives.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ActorSystemInput<'a> {
    /// sysfs text.
    Text(&'a [u8]),
    /// IFLA_BOND_AD_ACTOR_SYSTEM.
    Bytes(&'a [u8]),
}

/// `mac_pton()`: "xx:xx:xx:xx:xx:xx" at the start of `t` (it reads 17
/// characters and ignores what follows).
pub(crate) fn mac_pton(t: &[u8]) -> Option<[u8; 6]> {
    let t = t.get(..17)?;
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut mac = [0u8; 6];
    for (i, m) in mac.iter_mut().enumerate() {
        let at = i * 3;
        if i < 5 && t[at + 2] != b':' {
            return None;
        }
        *m = hex(t[at])? << 4 | hex(t[at + 1])?;
    }
    Some(mac)
}

/// What a write to `arp_ip_target` asks (`+a.b.c.d` / `-a.b.c.d`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TargetCmd {
    /// Add the address.
    Add(Ipv4),
    /// Remove it.
    Remove(Ipv4),
}

/// Parses a sysfs `arp_ip_target` command as `bond_option_arp_ip_targets_set()`.
pub(crate) fn parse_target_cmd(text: &[u8], log: &mut impl Log) -> Result<TargetCmd, OptErr> {
    let text = first_line(text);
    let ip = text.get(1..).and_then(Ipv4::parse);
    let Some(ip) = ip else {
        log.log(Level::Err, format_args!("invalid ARP target specified"));
        return Err(OptErr::Perm);
    };
    match text.first() {
        Some(b'+') => Ok(TargetCmd::Add(ip)),
        Some(b'-') => Ok(TargetCmd::Remove(ip)),
        _ => {
            log.log(
                Level::Err,
                format_args!("no command found in arp_ip_targets file - use +<addr> or -<addr>"),
            );
            Err(OptErr::Perm)
        }
    }
}

impl ArpTargets {
    /// `_bond_option_arp_ip_target_add()`.
    pub(crate) fn add(&mut self, ip: Ipv4, log: &mut impl Log) -> Result<(), OptErr> {
        if !ip.is_valid_target() {
            log.log(
                Level::Err,
                format_args!("invalid ARP target {ip} specified for addition"),
            );
            return Err(OptErr::Inval);
        }
        if self.contains(ip) {
            log.log(
                Level::Err,
                format_args!("ARP target {ip} is already present"),
            );
            return Err(OptErr::Inval);
        }
        if !self.push(ip) {
            log.log(Level::Err, format_args!("ARP target table is full!"));
            return Err(OptErr::Inval);
        }
        Ok(())
    }

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

    /// Removes every target.
    pub(crate) fn clear(&mut self) {
        *self = Self::default();
    }
}

/// What a write to `slaves` asks (`+eth0` / `-eth0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SlaveCmd<'a> {
    /// Enslave the interface.
    Add(&'a [u8]),
    /// Release it.
    Remove(&'a [u8]),
}

/// Whether the kernel would accept `name` as an interface name
/// (`dev_valid_name()`).
pub(crate) fn valid_ifname(name: &[u8]) -> bool {
    !name.is_empty()
        && name.len() < IFNAMSIZ
        && name != b"."
        && name != b".."
        && name
            .iter()
            .all(|&b| b != b'/' && b != b':' && !b.is_ascii_whitespace() && b != 0)
}

/// Parses a sysfs `slaves` command as `bond_option_slaves_set()`: the first
/// word, at most IFNAMSIZ bytes.
pub(crate) fn parse_slaves_cmd<'a>(
    text: &'a [u8],
    log: &mut impl Log,
) -> Result<SlaveCmd<'a>, OptErr> {
    let word = text
        .split(|b| b.is_ascii_whitespace())
        .find(|w| !w.is_empty())
        .unwrap_or(&[]);
    let word = &word[..word.len().min(IFNAMSIZ)];
    let cmd = match (word.first(), word.get(1..)) {
        (Some(b'+'), Some(name)) if valid_ifname(name) => Some(SlaveCmd::Add(name)),
        (Some(b'-'), Some(name)) if valid_ifname(name) => Some(SlaveCmd::Remove(name)),
        _ => None,
    };
    cmd.ok_or_else(|| {
        log.log(
            Level::Err,
            format_args!("no command found in slaves file - use +ifname or -ifname"),
        );
        OptErr::Perm
    })
}

/// Parses a `queue_id` write, "eth0:2" (`bond_option_queue_id_set()`):
/// the interface name and the queue; EPERM when malformed.
pub(crate) fn parse_queue_id(text: &[u8]) -> Result<(&[u8], u16), OptErr> {
    let colon = text.iter().position(|&b| b == b':').ok_or(OptErr::Perm)?;
    let (name, rest) = (&text[..colon], &text[colon + 1..]);
    // sscanf("%hd\n"): optional blanks, an optional sign, digits; the rest
    // is ignored.
    let rest = first_line(rest);
    let rest = rest
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&[][..], |i| &rest[i..]);
    let (neg, digits) = match rest.first() {
        Some(b'-') => (true, &rest[1..]),
        Some(b'+') => (false, &rest[1..]),
        _ => (false, rest),
    };
    let n = digits.iter().take_while(|b| b.is_ascii_digit()).count();
    if n == 0 || !valid_ifname(name) {
        return Err(OptErr::Perm);
    }
    let v = digits[..n].iter().fold(0u64, |v, &d| {
        v.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    });
    // %hd stores into a u16 through a short: the low 16 bits.
    let v = if neg {
        (v as u16).wrapping_neg()
    } else {
        v as u16
    };
    Ok((name, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Captured(Vec<(Level, String)>);

    impl Log for Captured {
        fn log(&mut self, level: Level, args: fmt::Arguments<'_>) {
            self.0.push((level, args.to_string()));
        }
    }

    impl Log for Vec<(Level, String)> {
        fn log(&mut self, level: Level, args: fmt::Arguments<'_>) {
            self.push((level, args.to_string()));
        }
    }

    impl Captured {
        fn has(&self, level: Level, text: &str) -> bool {
            self.0.iter().any(|(l, t)| *l == level && t.contains(text))
        }
    }

    fn check(raw: RawModuleParams<'_>) -> (Result<ModuleConfig, Invalid>, Captured) {
        let mut log = Captured::default();
        (check_module_params(&raw, &mut log), log)
    }

    #[test]
    fn defaults_match_the_c_driver() {
        let (cfg, log) = check(RawModuleParams::default());
        let cfg = cfg.unwrap();
        assert_eq!(cfg.max_bonds, 1);
        assert_eq!(cfg.params, BondParams::default());
        assert_eq!(cfg.params.mode, Mode::RoundRobin);
        assert_eq!(cfg.params.tx_queues, 16);
        assert!(cfg.params.use_carrier);
        assert!(log.0.iter().all(|(l, _)| *l == Level::Debug));
    }

    #[test]
    fn fail_over_mac_only_acts_in_active_backup() {
        for (mode, fom, want) in [
            (&b"active-backup"[..], &b"active"[..], FailOverMac::Active),
            (b"active-backup", b"follow", FailOverMac::Follow),
            (b"active-backup", b"none", FailOverMac::None),
            (b"active-backup", b"2", FailOverMac::Follow),
            (b"balance-rr", b"active", FailOverMac::None),
            (b"balance-xor", b"follow", FailOverMac::None),
        ] {
            let (cfg, _) = check(RawModuleParams {
                mode: Some(mode),
                fail_over_mac: Some(fom),
                ..Default::default()
            });
            assert_eq!(
                cfg.unwrap().params.fail_over_mac(),
                want,
                "mode {:?} fail_over_mac {:?}",
                mode,
                fom
            );
        }
    }

    #[test]
    fn mode_accepts_names_and_numbers() {
        for (text, mode) in [
            (&b"balance-rr"[..], Mode::RoundRobin),
            (b"active-backup", Mode::ActiveBackup),
            (b"1", Mode::ActiveBackup),
            (b" 2 ", Mode::Xor),
            (b"broadcast\n", Mode::Broadcast),
            (b"3", Mode::Broadcast),
            (b"default", Mode::RoundRobin),
        ] {
            let (cfg, _) = check(RawModuleParams {
                mode: Some(text),
                ..Default::default()
            });
            assert_eq!(
                cfg.unwrap().params.mode,
                mode,
                "{:?}",
                core::str::from_utf8(text)
            );
        }
    }

    #[test]
    fn invalid_mode_refuses_the_load_with_the_c_message() {
        for text in [&b"9"[..], b"balance", b"", b"-1", b"1x"] {
            let (cfg, log) = check(RawModuleParams {
                mode: Some(text),
                ..Default::default()
            });
            assert_eq!(cfg, Err(Invalid));
            let want = format!("Error: Invalid bonding mode \"{}\"", Shown(text));
            assert!(log.has(Level::Err, &want), "{:?}", log.0);
        }
    }

    #[test]
    fn unimplemented_modes_are_refused() {
        for text in [&b"balance-alb"[..], b"5", b"balance-tlb", b"6"] {
            let (cfg, log) = check(RawModuleParams {
                mode: Some(text),
                ..Default::default()
            });
            assert_eq!(cfg, Err(Invalid));
            assert!(log.has(Level::Err, "is not supported by this driver yet"));
        }
    }

    #[test]
    fn delays_are_rounded_to_miimon_ticks_with_a_warning() {
        let (cfg, log) = check(RawModuleParams {
            miimon: 100,
            updelay: 250,
            downdelay: 400,
            ..Default::default()
        });
        let p = cfg.unwrap().params;
        assert_eq!((p.miimon, p.updelay, p.downdelay), (100, 2, 4));
        assert_eq!((p.updelay_ms(), p.downdelay_ms()), (200, 400));
        assert!(log.has(
            Level::Warn,
            "Warning: updelay (250) is not a multiple of miimon (100), updelay rounded to 200 ms"
        ));
        assert!(!log.has(Level::Warn, "downdelay (400) is not a multiple"));
        assert!(log.has(Level::Info, "MII link monitoring set to 100 ms"));
    }

    #[test]
    fn delays_without_miimon_warn_and_stay() {
        let (cfg, log) = check(RawModuleParams {
            updelay: 200,
            ..Default::default()
        });
        assert_eq!(cfg.unwrap().params.miimon, 0);
        assert!(log.has(
            Level::Warn,
            "updelay and downdelay have no effect unless miimon is set"
        ));
    }

    #[test]
    fn negative_values_are_clamped() {
        let (cfg, log) = check(RawModuleParams {
            max_bonds: -3,
            miimon: -1,
            updelay: -5,
            downdelay: -6,
            arp_interval: -7,
            ..Default::default()
        });
        let cfg = cfg.unwrap();
        assert_eq!(cfg.max_bonds, 1);
        assert_eq!(
            (
                cfg.params.miimon,
                cfg.params.updelay,
                cfg.params.arp_interval
            ),
            (0, 0, 0)
        );
        assert!(log.has(Level::Warn, "max_bonds (-3) not in range 0-2147483647, so it was reset to BOND_DEFAULT_MAX_BONDS (1)"));
        assert!(log.has(
            Level::Warn,
            "miimon module parameter (-1), not in range 0-2147483647, so it was reset to 0"
        ));
        assert!(log.has(Level::Warn, "arp_interval module parameter (-7)"));
    }

    #[test]
    fn out_of_range_counters_are_reset() {
        let (cfg, log) = check(RawModuleParams {
            use_carrier: 7,
            num_peer_notif: 300,
            tx_queues: 0,
            all_slaves_active: 2,
            resend_igmp: 256,
            packets_per_slave: 70000,
            lp_interval: 0,
            ..Default::default()
        });
        let p = cfg.unwrap().params;
        assert!(p.use_carrier);
        assert_eq!(
            (
                p.num_peer_notif,
                p.tx_queues,
                p.resend_igmp,
                p.packets_per_slave,
                p.lp_interval
            ),
            (1, 16, 1, 1, 1)
        );
        assert!(!p.all_slaves_active);
        assert!(log.has(
            Level::Warn,
            "use_carrier module parameter (7), not of valid value (0/1), so it was set to 1"
        ));
        assert!(log.has(
            Level::Warn,
            "num_grat_arp/num_unsol_na (300) not in range 0-255 so it was reset to 1"
        ));
        assert!(log.has(
            Level::Warn,
            "tx_queues (0) should be between 1 and 255, resetting to 16"
        ));
        assert!(log.has(
            Level::Warn,
            "packets_per_slave (70000) should be between 0 and 65535 resetting to 1"
        ));
    }

    #[test]
    fn miimon_wins_over_arp_interval() {
        let (cfg, log) = check(RawModuleParams {
            miimon: 100,
            arp_interval: 1000,
            arp_ip_target: {
                let mut t = [None; MAX_ARP_TARGETS];
                t[0] = Some(&b"10.0.0.1"[..]);
                t
            },
            ..Default::default()
        });
        let p = cfg.unwrap().params;
        assert_eq!((p.miimon, p.arp_interval), (100, 0));
        assert!(log.has(Level::Warn, "Warning: miimon (100) and arp_interval (1000) can't be used simultaneously, disabling ARP monitoring"));
    }

    fn targets<'a>(list: &[&'a str]) -> [Option<&'a [u8]>; MAX_ARP_TARGETS] {
        let mut t = [None; MAX_ARP_TARGETS];
        for (slot, s) in t.iter_mut().zip(list) {
            *slot = Some(s.as_bytes());
        }
        t
    }

    #[test]
    fn arp_targets_are_parsed_and_deduplicated() {
        let (cfg, log) = check(RawModuleParams {
            arp_interval: 1000,
            arp_ip_target: targets(&["192.168.1.254", "10.0.0.1", "192.168.1.254"]),
            ..Default::default()
        });
        let p = cfg.unwrap().params;
        assert_eq!(p.arp_interval, 1000);
        assert_eq!(
            p.arp_targets.as_slice(),
            &[Ipv4([192, 168, 1, 254]), Ipv4([10, 0, 0, 1])]
        );
        assert!(log.has(
            Level::Warn,
            "duplicate address 192.168.1.254 in arp_ip_target, skipping"
        ));
        assert!(log.has(Level::Info, "ARP monitoring set to 1000 ms, validate none, with 2 target(s): 192.168.1.254 10.0.0.1"));
    }

    #[test]
    fn bad_arp_targets_refuse_the_load() {
        for bad in [
            "0.0.0.0",
            "255.255.255.255",
            "1.2.3",
            "1.2.3.4.5",
            "256.1.1.1",
            "a.b.c.d",
            "",
            "1.2.3.4 ",
        ] {
            let (cfg, log) = check(RawModuleParams {
                arp_interval: 100,
                arp_ip_target: targets(&["10.0.0.1", bad]),
                ..Default::default()
            });
            assert_eq!(cfg, Err(Invalid), "{bad}");
            assert!(log.has(
                Level::Err,
                &format!("bad arp_ip_target module parameter ({bad})")
            ));
        }
    }

    #[test]
    fn arp_interval_without_targets_is_reset() {
        let (cfg, log) = check(RawModuleParams {
            arp_interval: 500,
            ..Default::default()
        });
        assert_eq!(cfg.unwrap().params.arp_interval, 0);
        assert!(log.has(Level::Warn, "arp_interval module parameter (500) specified without providing an arp_ip_target parameter, arp_interval was reset to 0"));
    }

    #[test]
    fn arp_validate_needs_arp_interval() {
        let (cfg, log) = check(RawModuleParams {
            arp_validate: Some(b"all"),
            ..Default::default()
        });
        assert_eq!(cfg, Err(Invalid));
        assert!(log.has(Level::Err, "arp_validate requires arp_interval"));
        let (cfg, _) = check(RawModuleParams {
            arp_interval: 100,
            arp_ip_target: targets(&["10.0.0.1"]),
            arp_validate: Some(b"filter_backup"),
            ..Default::default()
        });
        assert_eq!(cfg.unwrap().params.arp_validate, 6);
    }

    #[test]
    fn xmit_hash_policy_only_counts_in_hash_modes() {
        let (cfg, log) = check(RawModuleParams {
            xmit_hash_policy: Some(b"layer3+4"),
            ..Default::default()
        });
        assert_eq!(cfg.unwrap().params.xmit_policy, 0);
        assert!(log.has(
            Level::Info,
            "xmit_hash_policy param is irrelevant in mode load balancing (round-robin)"
        ));
        let (cfg, _) = check(RawModuleParams {
            mode: Some(b"balance-xor"),
            xmit_hash_policy: Some(b"layer2+3"),
            ..Default::default()
        });
        assert_eq!(cfg.unwrap().params.xmit_policy, 2);
        let (cfg, log) = check(RawModuleParams {
            mode: Some(b"2"),
            xmit_hash_policy: Some(b"layer5"),
            ..Default::default()
        });
        assert_eq!(cfg, Err(Invalid));
        assert!(log.has(Level::Err, "Error: Invalid xmit_hash_policy \"layer5\""));
    }

    #[test]
    fn primary_only_counts_in_primary_modes() {
        let (cfg, log) = check(RawModuleParams {
            primary: Some(b"eth0"),
            ..Default::default()
        });
        assert!(cfg.unwrap().params.primary.is_empty());
        assert!(log.has(Level::Warn, "Warning: eth0 primary device specified but has no effect in load balancing (round-robin) mode"));
        let (cfg, _) = check(RawModuleParams {
            mode: Some(b"active-backup"),
            primary: Some(b"eth1"),
            ..Default::default()
        });
        assert_eq!(cfg.unwrap().params.primary.as_bytes(), b"eth1");
    }

    #[test]
    fn parse_enum_follows_bond_opt_parse() {
        assert_eq!(
            parse_enum(MODE_TBL, b"  active-backup  ").map(|o| o.value),
            Some(1)
        );
        assert_eq!(
            parse_enum(MODE_TBL, b"active-backup extra").map(|o| o.value),
            Some(1)
        );
        assert_eq!(parse_enum(MODE_TBL, b"7"), None);
        assert_eq!(parse_enum(MODE_TBL, b"99999999999999999999999"), None);
        assert_eq!(
            parse_enum(FAIL_OVER_MAC_TBL, b"default").map(|o| o.value),
            Some(0)
        );
        assert_eq!(
            parse_enum(ARP_VALIDATE_TBL, b"6").map(|o| o.name),
            Some("filter_backup")
        );
    }

    #[test]
    fn mode_names_and_descriptions() {
        assert_eq!(Mode::ActiveBackup.name(), "active-backup");
        assert_eq!(Mode::Xor.description(), "load balancing (xor)");
        assert!(Mode::ActiveBackup.uses_primary() && !Mode::Xor.uses_primary());
        assert!(Mode::Xor.uses_xmit_hash() && !Mode::RoundRobin.uses_xmit_hash());
        assert_eq!(format!("{:?}", IfName::new(b"eth0")), "\"eth0\"");
        assert_eq!(
            IfName::new(b"a-very-long-interface-name").as_bytes().len(),
            15
        );
    }
    #[test]
    fn every_option_has_exactly_one_table_entry() {
        for (i, o) in OPTIONS.iter().enumerate() {
            assert_eq!(
                OPTIONS.iter().filter(|x| x.id == o.id).count(),
                1,
                "{}",
                o.name
            );
            assert_eq!(spec(o.id).name, o.name);
            assert_eq!(spec_by_name(o.name.as_bytes()).map(|x| x.id), Some(o.id));
            assert!(OPTIONS[..i].iter().all(|x| x.name != o.name));
            assert_eq!(o.flags & OPT_RAWVAL != 0, o.values.is_empty(), "{}", o.name);
        }
        assert_eq!(OPTIONS.len(), 37);
    }

    #[test]
    fn values_parse_as_bond_opt_parse_does() {
        let miimon = spec(OptId::Miimon);
        assert_eq!(parse_value(miimon, OptInput::Text(b"100\n")), Some(100));
        assert_eq!(parse_value(miimon, OptInput::Text(b"  250  ")), Some(250));
        assert_eq!(parse_value(miimon, OptInput::Text(b"off")), Some(0));
        assert_eq!(
            parse_value(miimon, OptInput::Text(b"maxval")),
            Some(INT_MAX)
        );
        assert_eq!(parse_value(miimon, OptInput::Text(b"default")), Some(0));
        assert_eq!(parse_value(miimon, OptInput::Text(b"-1")), None);
        assert_eq!(parse_value(miimon, OptInput::Text(b"2147483648")), None);
        assert_eq!(parse_value(miimon, OptInput::Num(INT_MAX)), Some(INT_MAX));
        let mode = spec(OptId::Mode);
        assert_eq!(
            parse_value(mode, OptInput::Text(b"active-backup\n")),
            Some(1)
        );
        assert_eq!(parse_value(mode, OptInput::Text(b"4")), Some(4));
        assert_eq!(parse_value(mode, OptInput::Num(7)), None);
        assert_eq!(parse_value(mode, OptInput::Text(b"")), None);
        let lp = spec(OptId::LpInterval);
        assert_eq!(parse_value(lp, OptInput::Num(0)), None);
        assert_eq!(parse_value(lp, OptInput::Text(b"default")), Some(1));
        assert_eq!(
            parse_value(spec(OptId::LacpRate), OptInput::Text(b"default")),
            None
        );
        assert_eq!(parse_value(spec(OptId::MissedMax), OptInput::Num(0)), None);
        assert_eq!(
            parse_value(spec(OptId::PeerNotifDelay), OptInput::Num(300001)),
            None
        );
    }

    #[test]
    fn dependencies_refuse_with_the_c_errno() {
        let up = BondState {
            has_slaves: false,
            is_up: true,
        };
        let slaves = BondState {
            has_slaves: true,
            is_up: false,
        };
        let idle = BondState {
            has_slaves: false,
            is_up: false,
        };
        assert_eq!(
            check_deps(spec(OptId::Mode), Mode::RoundRobin, up),
            Err(OptErr::Busy)
        );
        assert_eq!(
            check_deps(spec(OptId::Mode), Mode::RoundRobin, slaves),
            Err(OptErr::NotEmpty)
        );
        assert_eq!(
            check_deps(spec(OptId::Mode), Mode::RoundRobin, idle),
            Ok(())
        );
        assert_eq!(
            check_deps(spec(OptId::FailOverMac), Mode::ActiveBackup, slaves),
            Err(OptErr::NotEmpty)
        );
        assert_eq!(
            check_deps(spec(OptId::Primary), Mode::Xor, idle),
            Err(OptErr::Acces)
        );
        assert_eq!(
            check_deps(spec(OptId::PacketsPerSlave), Mode::ActiveBackup, idle),
            Err(OptErr::Acces)
        );
        assert_eq!(
            check_deps(spec(OptId::LacpRate), Mode::ActiveBackup, idle),
            Err(OptErr::Acces)
        );
        assert_eq!(
            check_deps(spec(OptId::NsTargets), Mode::ActiveBackup, idle),
            Err(OptErr::NotSupp)
        );
        assert_eq!(check_deps(spec(OptId::Miimon), Mode::Broadcast, up), Ok(()));
    }

    #[test]
    fn ad_actor_system_takes_a_unicast_mac_as_text_or_bytes() {
        let mut log = Vec::new();
        assert_eq!(
            mac_pton(b"02:00:00:00:00:aa\n"),
            Some([2, 0, 0, 0, 0, 0xaa])
        );
        assert_eq!(mac_pton(b"02:00:00:00:00:AA"), Some([2, 0, 0, 0, 0, 0xaa]));
        assert_eq!(mac_pton(b"02:00:00:00:00"), None);
        assert_eq!(mac_pton(b"02-00-00-00-00-aa"), None);
        assert_eq!(mac_pton(b"0g:00:00:00:00:aa"), None);
        let text = |t: &'static [u8]| ActorSystemInput::Text(t);
        assert_eq!(
            parse_actor_system(text(b"02:00:00:00:00:aa"), &mut log),
            Ok([2, 0, 0, 0, 0, 0xaa])
        );
        assert_eq!(
            parse_actor_system(text(b"01:00:5e:00:00:01"), &mut log),
            Err(OptErr::Inval)
        );
        assert_eq!(
            log.last().map(|(_, m)| m.as_str()),
            Some("Invalid ad_actor_system MAC address.")
        );
        assert_eq!(
            parse_actor_system(ActorSystemInput::Bytes(&[2, 1, 2, 3, 4, 5, 0, 0]), &mut log),
            Ok([2, 1, 2, 3, 4, 5])
        );
        assert_eq!(
            parse_actor_system(ActorSystemInput::Bytes(&[2, 1]), &mut log),
            Err(OptErr::Inval)
        );
        let mut p = BondParams::default();
        assert_eq!(
            set_value(&mut p, OptId::LacpRate, 1, &mut log),
            Ok(Effect::Lacp)
        );
        assert!(p.lacp_fast);
        assert_eq!(
            set_value(&mut p, OptId::AdActorSysPrio, 7, &mut log),
            Ok(Effect::Lacp)
        );
        assert_eq!(p.ad_actor_sys_prio, 7);
        assert_eq!(
            check_deps(
                spec(OptId::LacpActive),
                Mode::Ieee8023ad,
                BondState {
                    has_slaves: true,
                    is_up: true
                }
            ),
            Err(OptErr::Busy)
        );
    }

    #[test]
    fn setters_follow_the_c_driver() {
        let mut log = Vec::new();
        let mut p = BondParams::default();
        assert_eq!(
            set_value(&mut p, OptId::UpDelay, 200, &mut log),
            Err(OptErr::Perm)
        );
        assert_eq!(
            log.last().map(|(_, m)| m.as_str()),
            Some("Unable to set up delay as MII monitoring is disabled")
        );
        set_value(&mut p, OptId::Miimon, 100, &mut log).unwrap();
        assert_eq!(
            set_value(&mut p, OptId::UpDelay, 250, &mut log),
            Ok(Effect::None)
        );
        assert_eq!(p.updelay, 2);
        assert_eq!(
            log.last().map(|(l, m)| (*l, m.as_str())),
            Some((
                Level::Warn,
                "up delay (250) is not a multiple of miimon (100), value rounded to 200 ms"
            ))
        );
        assert_eq!(
            set_value(&mut p, OptId::ArpInterval, 500, &mut log),
            Ok(Effect::Monitors)
        );
        assert_eq!((p.miimon, p.arp_interval), (0, 500));
        assert_eq!(
            set_value(&mut p, OptId::Miimon, 50, &mut log),
            Ok(Effect::Monitors)
        );
        assert_eq!((p.miimon, p.arp_interval), (50, 0));
        assert_eq!(
            set_value(&mut p, OptId::Mode, 5, &mut log),
            Err(OptErr::NotSupp)
        );
        assert_eq!(p.mode, Mode::RoundRobin);
        p.miimon = 0;
        p.arp_interval = 1000;
        assert_eq!(
            set_value(&mut p, OptId::Mode, 1, &mut log),
            Ok(Effect::Mode)
        );
        assert_eq!(
            (p.mode, p.arp_interval, p.miimon),
            (Mode::ActiveBackup, 1000, 0)
        );
        assert_eq!(
            set_value(&mut p, OptId::ArpValidate, 3, &mut log),
            Err(OptErr::NotSupp)
        );
    }

    #[test]
    fn refusals_are_explained_as_the_c_driver_does() {
        let mut log = Vec::new();
        let ext = explain(
            spec(OptId::Miimon),
            OptErr::Inval,
            Some(OptInput::Text(b"abc\n")),
            Mode::RoundRobin,
            &mut log,
        );
        assert_eq!(ext, Some(c"invalid option value"));
        let lines: Vec<&str> = log.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            lines,
            [
                "option miimon: invalid value (abc)",
                "option miimon: allowed values 0 - 2147483647"
            ]
        );
        log.clear();
        explain(
            spec(OptId::Primary),
            OptErr::Acces,
            None,
            Mode::Xor,
            &mut log,
        );
        assert_eq!(
            log[0].1,
            "option primary: mode dependency failed, not supported in mode balance-xor(2)"
        );
        log.clear();
        assert_eq!(
            explain(spec(OptId::Mode), OptErr::Busy, None, Mode::Xor, &mut log),
            Some(c"unable to set option because the bond is up")
        );
        assert_eq!(
            log[0].1,
            "option mode: unable to set because the bond device is up"
        );
    }

    #[test]
    fn sysfs_commands_parse_as_in_the_c_driver() {
        let mut log = Vec::new();
        assert_eq!(
            parse_target_cmd(b"+192.0.2.1\n", &mut log),
            Ok(TargetCmd::Add(Ipv4([192, 0, 2, 1])))
        );
        assert_eq!(
            parse_target_cmd(b"-192.0.2.1", &mut log),
            Ok(TargetCmd::Remove(Ipv4([192, 0, 2, 1])))
        );
        assert_eq!(parse_target_cmd(b"192.0.2.1", &mut log), Err(OptErr::Perm));
        assert_eq!(parse_target_cmd(b"+1.2.3", &mut log), Err(OptErr::Perm));
        assert_eq!(
            parse_slaves_cmd(b"+eth0\n", &mut log),
            Ok(SlaveCmd::Add(b"eth0"))
        );
        assert_eq!(
            parse_slaves_cmd(b"-eth0", &mut log),
            Ok(SlaveCmd::Remove(b"eth0"))
        );
        assert_eq!(parse_slaves_cmd(b"eth0", &mut log), Err(OptErr::Perm));
        assert_eq!(parse_slaves_cmd(b"+", &mut log), Err(OptErr::Perm));
        assert_eq!(parse_queue_id(b"eth0:2\n"), Ok((&b"eth0"[..], 2)));
        assert_eq!(parse_queue_id(b"eth0:x"), Err(OptErr::Perm));
        assert_eq!(parse_queue_id(b"eth0"), Err(OptErr::Perm));
        let mut t = ArpTargets::default();
        let a = Ipv4([192, 0, 2, 1]);
        let b = Ipv4([192, 0, 2, 2]);
        t.add(a, &mut log).unwrap();
        t.add(b, &mut log).unwrap();
        assert_eq!(t.add(a, &mut log), Err(OptErr::Inval));
        assert_eq!(t.add(Ipv4([0; 4]), &mut log), Err(OptErr::Inval));
        t.remove(a, 0, &mut log).unwrap();
        assert_eq!(t.as_slice(), &[b]);
        assert_eq!(t.remove(a, 0, &mut log), Err(OptErr::Inval));
        log.clear();
        t.remove(b, 1000, &mut log).unwrap();
        assert_eq!(log[0].1, "Removing last arp target with arp_interval on");
        assert!(t.as_slice().is_empty());
    }
}
