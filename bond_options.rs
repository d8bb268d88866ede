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
            let c = if b.is_ascii_graphic() || b == b' ' { b as char } else { '?' };
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

/// One named value of an enumerated option (`struct bond_opt_value`).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct OptValue {
    /// The name user space writes and reads.
    pub(crate) name: &'static str,
    /// The number behind it.
    pub(crate) value: u64,
    /// Selected by the word "default".
    pub(crate) default: bool,
}

const fn v(name: &'static str, value: u64) -> OptValue {
    OptValue { name, value, default: false }
}

const fn d(name: &'static str, value: u64) -> OptValue {
    OptValue { name, value, default: true }
}

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
pub(crate) const PRIMARY_RESELECT_TBL: &[OptValue] = &[d("always", 0), v("better", 1), v("failure", 2)];
/// `lacp_rate`.
pub(crate) const LACP_RATE_TBL: &[OptValue] = &[d("slow", 0), v("fast", 1)];
/// `ad_select`.
pub(crate) const AD_SELECT_TBL: &[OptValue] = &[d("stable", 0), v("bandwidth", 1), v("count", 2)];

/// Name of `value` in `tbl`, "unknown" when absent.
pub(crate) fn value_name(tbl: &[OptValue], value: u64) -> &'static str {
    tbl.iter().find(|o| o.value == value).map_or("unknown", |o| o.name)
}

/// Parses an enumerated option as `bond_opt_parse()` does: the text is cut at
/// the first newline; if it is only digits and blanks it is read as a number
/// that must be in the table, otherwise its first word (at most 32 bytes) must
/// be a name in the table or "default".
pub(crate) fn parse_enum(tbl: &'static [OptValue], text: &[u8]) -> Option<&'static OptValue> {
    let text = text.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let text = text.split(|&b| b == 0).next().unwrap_or(&[]);
    let numeric = text.iter().all(|b| b.is_ascii_digit() || b.is_ascii_whitespace());
    let mut words = text.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty());
    let word = words.next()?;
    if numeric {
        let mut value: u64 = 0;
        for &digit in word {
            value = value.checked_mul(10)?.checked_add(u64::from(digit - b'0'))?;
        }
        return tbl.iter().find(|o| o.value == value);
    }
    let word = &word[..word.len().min(32)];
    // Like the C loop, a later exact name wins over "default"; the loop stops
    // at the first entry that matched either way.
    tbl.iter().find(|o| o.name.as_bytes() == word || (word == b"default" && o.default))
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
        matches!(self, Self::RoundRobin | Self::ActiveBackup | Self::Xor | Self::Broadcast)
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
            log!(log, Err, "Error: bonding mode {} ({}) is not supported by this driver yet", p.mode.name(), n);
            return Err(Invalid);
        }
    }
    let mode = p.mode;

    if let Some(text) = raw.xmit_hash_policy {
        if matches!(mode, Mode::RoundRobin | Mode::ActiveBackup | Mode::Broadcast) {
            log!(log, Info, "xmit_hash_policy param is irrelevant in mode {}", mode.description());
        } else {
            p.xmit_policy = parse_or_refuse(log, XMIT_HASH_TBL, text, "Invalid xmit_hash_policy")? as u8;
        }
    }

    if let Some(text) = raw.lacp_rate {
        if mode != Mode::Ieee8023ad {
            log!(log, Info, "lacp_rate param is irrelevant in mode {}", mode.description());
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
        log!(log, Warn, "Warning: miimon module parameter ({}), not in range 0-{}, so it was reset to 0", miimon, i32::MAX);
        miimon = 0;
    }
    let mut updelay = raw.updelay;
    if updelay < 0 {
        log!(log, Warn, "Warning: updelay module parameter ({}), not in range 0-{}, so it was reset to 0", updelay, i32::MAX);
        updelay = 0;
    }
    let mut downdelay = raw.downdelay;
    if downdelay < 0 {
        log!(log, Warn, "Warning: downdelay module parameter ({}), not in range 0-{}, so it was reset to 0", downdelay, i32::MAX);
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
            log!(log, Warn, "Warning: num_grat_arp/num_unsol_na ({}) not in range 0-255 so it was reset to 1", raw.num_peer_notif);
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
            log!(log, Warn, "Warning: tx_queues ({}) should be between 1 and 255, resetting to {}", q, DEFAULT_TX_QUEUES);
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
            log!(log, Warn, "Warning: resend_igmp ({}) should be between 0 and 255, resetting to {}", raw.resend_igmp, DEFAULT_RESEND_IGMP);
            DEFAULT_RESEND_IGMP as u8
        }
    };

    p.packets_per_slave = match u16::try_from(raw.packets_per_slave) {
        Ok(n) => n,
        Err(_) => {
            log!(log, Warn, "Warning: packets_per_slave ({}) should be between 0 and {} resetting to 1", raw.packets_per_slave, u16::MAX);
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
            log!(log, Warn, "Warning: updelay ({}) is not a multiple of miimon ({}), updelay rounded to {} ms",
                updelay, miimon, (updelay / miimon) * miimon);
        }
        updelay /= miimon;
        if downdelay % miimon != 0 {
            log!(log, Warn, "Warning: downdelay ({}) is not a multiple of miimon ({}), downdelay rounded to {} ms",
                downdelay, miimon, (downdelay / miimon) * miimon);
        }
        downdelay /= miimon;
    }

    if arp_interval < 0 {
        log!(log, Warn, "Warning: arp_interval module parameter ({}), not in range 0-{}, so it was reset to 0", arp_interval, i32::MAX);
        arp_interval = 0;
    }

    for text in raw.arp_ip_target.iter().map_while(|t| *t) {
        let ip = match Ipv4::parse(text) {
            Some(ip) if ip.is_valid_target() => ip,
            _ => {
                // The C driver only disables the ARP monitor here; refusing
                // the load is what the administrator needs to notice it.
                log!(log, Err, "Error: bad arp_ip_target module parameter ({})", Shown(text));
                return Err(Invalid);
            }
        };
        if p.arp_targets.contains(ip) {
            log!(log, Warn, "Warning: duplicate address {} in arp_ip_target, skipping", ip);
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
        p.arp_validate = parse_or_refuse(log, ARP_VALIDATE_TBL, text, "invalid arp_validate")? as u8;
    }

    if let Some(text) = raw.arp_all_targets {
        match parse_enum(ARP_ALL_TARGETS_TBL, text) {
            Some(o) => p.arp_all_targets = o.value as u8,
            // The C driver logs this one and carries on with "any".
            None => log!(log, Err, "Error: invalid arp_all_targets_value \"{}\"", Shown(text)),
        }
    }

    if miimon != 0 {
        log!(log, Info, "MII link monitoring set to {} ms", miimon);
    } else if arp_interval != 0 {
        log!(log, Info, "ARP monitoring set to {} ms, validate {}, with {} target(s):{}",
            arp_interval,
            value_name(ARP_VALIDATE_TBL, u64::from(p.arp_validate)),
            p.arp_targets.as_slice().len(),
            TargetList(p.arp_targets.as_slice()));
    } else if max_bonds != 0 {
        log!(log, Debug, "Warning: either miimon or arp_interval and arp_ip_target module parameters must be specified, otherwise bonding will not detect link failures! see bonding.txt for details");
    }

    let mut primary = raw.primary;
    if let Some(name) = primary {
        if !mode.uses_primary() {
            log!(log, Warn, "Warning: {} primary device specified but has no effect in {} mode",
                Shown(name), mode.description());
            primary = None;
        }
    }
    if let (Some(_), Some(text)) = (primary, raw.primary_reselect) {
        p.primary_reselect = parse_or_refuse(log, PRIMARY_RESELECT_TBL, text, "Invalid primary_reselect")? as u8;
    }

    if let Some(text) = raw.fail_over_mac {
        p.fail_over_mac = parse_or_refuse(log, FAIL_OVER_MAC_TBL, text, "invalid fail_over_mac")? as u8;
        if mode != Mode::ActiveBackup {
            log!(log, Warn, "Warning: fail_over_mac only affects active-backup mode");
        }
    }

    p.lp_interval = if raw.lp_interval == 0 {
        log!(log, Warn, "Warning: ip_interval must be between 1 and {}, so it was reset to {}", i32::MAX, DEFAULT_LP_INTERVAL);
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

    Ok(ModuleConfig { max_bonds: max_bonds as u32, params: p })
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
            let (cfg, _) = check(RawModuleParams { mode: Some(mode), fail_over_mac: Some(fom), ..Default::default() });
            assert_eq!(cfg.unwrap().params.fail_over_mac(), want, "mode {:?} fail_over_mac {:?}", mode, fom);
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
            let (cfg, _) = check(RawModuleParams { mode: Some(text), ..Default::default() });
            assert_eq!(cfg.unwrap().params.mode, mode, "{:?}", core::str::from_utf8(text));
        }
    }

    #[test]
    fn invalid_mode_refuses_the_load_with_the_c_message() {
        for text in [&b"9"[..], b"balance", b"", b"-1", b"1x"] {
            let (cfg, log) = check(RawModuleParams { mode: Some(text), ..Default::default() });
            assert_eq!(cfg, Err(Invalid));
            let want = format!("Error: Invalid bonding mode \"{}\"", Shown(text));
            assert!(log.has(Level::Err, &want), "{:?}", log.0);
        }
    }

    #[test]
    fn unimplemented_modes_are_refused() {
        for text in [&b"802.3ad"[..], b"4", b"balance-tlb", b"6"] {
            let (cfg, log) = check(RawModuleParams { mode: Some(text), ..Default::default() });
            assert_eq!(cfg, Err(Invalid));
            assert!(log.has(Level::Err, "is not supported by this driver yet"));
        }
    }

    #[test]
    fn delays_are_rounded_to_miimon_ticks_with_a_warning() {
        let (cfg, log) = check(RawModuleParams { miimon: 100, updelay: 250, downdelay: 400, ..Default::default() });
        let p = cfg.unwrap().params;
        assert_eq!((p.miimon, p.updelay, p.downdelay), (100, 2, 4));
        assert_eq!((p.updelay_ms(), p.downdelay_ms()), (200, 400));
        assert!(log.has(Level::Warn, "Warning: updelay (250) is not a multiple of miimon (100), updelay rounded to 200 ms"));
        assert!(!log.has(Level::Warn, "downdelay (400) is not a multiple"));
        assert!(log.has(Level::Info, "MII link monitoring set to 100 ms"));
    }

    #[test]
    fn delays_without_miimon_warn_and_stay() {
        let (cfg, log) = check(RawModuleParams { updelay: 200, ..Default::default() });
        assert_eq!(cfg.unwrap().params.miimon, 0);
        assert!(log.has(Level::Warn, "updelay and downdelay have no effect unless miimon is set"));
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
        assert_eq!((cfg.params.miimon, cfg.params.updelay, cfg.params.arp_interval), (0, 0, 0));
        assert!(log.has(Level::Warn, "max_bonds (-3) not in range 0-2147483647, so it was reset to BOND_DEFAULT_MAX_BONDS (1)"));
        assert!(log.has(Level::Warn, "miimon module parameter (-1), not in range 0-2147483647, so it was reset to 0"));
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
        assert_eq!((p.num_peer_notif, p.tx_queues, p.resend_igmp, p.packets_per_slave, p.lp_interval), (1, 16, 1, 1, 1));
        assert!(!p.all_slaves_active);
        assert!(log.has(Level::Warn, "use_carrier module parameter (7), not of valid value (0/1), so it was set to 1"));
        assert!(log.has(Level::Warn, "num_grat_arp/num_unsol_na (300) not in range 0-255 so it was reset to 1"));
        assert!(log.has(Level::Warn, "tx_queues (0) should be between 1 and 255, resetting to 16"));
        assert!(log.has(Level::Warn, "packets_per_slave (70000) should be between 0 and 65535 resetting to 1"));
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
        assert_eq!(p.arp_targets.as_slice(), &[Ipv4([192, 168, 1, 254]), Ipv4([10, 0, 0, 1])]);
        assert!(log.has(Level::Warn, "duplicate address 192.168.1.254 in arp_ip_target, skipping"));
        assert!(log.has(Level::Info, "ARP monitoring set to 1000 ms, validate none, with 2 target(s): 192.168.1.254 10.0.0.1"));
    }

    #[test]
    fn bad_arp_targets_refuse_the_load() {
        for bad in ["0.0.0.0", "255.255.255.255", "1.2.3", "1.2.3.4.5", "256.1.1.1", "a.b.c.d", "", "1.2.3.4 "] {
            let (cfg, log) = check(RawModuleParams {
                arp_interval: 100,
                arp_ip_target: targets(&["10.0.0.1", bad]),
                ..Default::default()
            });
            assert_eq!(cfg, Err(Invalid), "{bad}");
            assert!(log.has(Level::Err, &format!("bad arp_ip_target module parameter ({bad})")));
        }
    }

    #[test]
    fn arp_interval_without_targets_is_reset() {
        let (cfg, log) = check(RawModuleParams { arp_interval: 500, ..Default::default() });
        assert_eq!(cfg.unwrap().params.arp_interval, 0);
        assert!(log.has(Level::Warn, "arp_interval module parameter (500) specified without providing an arp_ip_target parameter, arp_interval was reset to 0"));
    }

    #[test]
    fn arp_validate_needs_arp_interval() {
        let (cfg, log) = check(RawModuleParams { arp_validate: Some(b"all"), ..Default::default() });
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
        let (cfg, log) = check(RawModuleParams { xmit_hash_policy: Some(b"layer3+4"), ..Default::default() });
        assert_eq!(cfg.unwrap().params.xmit_policy, 0);
        assert!(log.has(Level::Info, "xmit_hash_policy param is irrelevant in mode load balancing (round-robin)"));
        let (cfg, _) = check(RawModuleParams { mode: Some(b"balance-xor"), xmit_hash_policy: Some(b"layer2+3"), ..Default::default() });
        assert_eq!(cfg.unwrap().params.xmit_policy, 2);
        let (cfg, log) = check(RawModuleParams { mode: Some(b"2"), xmit_hash_policy: Some(b"layer5"), ..Default::default() });
        assert_eq!(cfg, Err(Invalid));
        assert!(log.has(Level::Err, "Error: Invalid xmit_hash_policy \"layer5\""));
    }

    #[test]
    fn primary_only_counts_in_primary_modes() {
        let (cfg, log) = check(RawModuleParams { primary: Some(b"eth0"), ..Default::default() });
        assert!(cfg.unwrap().params.primary.is_empty());
        assert!(log.has(Level::Warn, "Warning: eth0 primary device specified but has no effect in load balancing (round-robin) mode"));
        let (cfg, _) = check(RawModuleParams { mode: Some(b"active-backup"), primary: Some(b"eth1"), ..Default::default() });
        assert_eq!(cfg.unwrap().params.primary.as_bytes(), b"eth1");
    }

    #[test]
    fn parse_enum_follows_bond_opt_parse() {
        assert_eq!(parse_enum(MODE_TBL, b"  active-backup  ").map(|o| o.value), Some(1));
        assert_eq!(parse_enum(MODE_TBL, b"active-backup extra").map(|o| o.value), Some(1));
        assert_eq!(parse_enum(MODE_TBL, b"7"), None);
        assert_eq!(parse_enum(MODE_TBL, b"99999999999999999999999"), None);
        assert_eq!(parse_enum(FAIL_OVER_MAC_TBL, b"default").map(|o| o.value), Some(0));
        assert_eq!(parse_enum(ARP_VALIDATE_TBL, b"6").map(|o| o.name), Some("filter_backup"));
    }

    #[test]
    fn mode_names_and_descriptions() {
        assert_eq!(Mode::ActiveBackup.name(), "active-backup");
        assert_eq!(Mode::Xor.description(), "load balancing (xor)");
        assert!(Mode::ActiveBackup.uses_primary() && !Mode::Xor.uses_primary());
        assert!(Mode::Xor.uses_xmit_hash() && !Mode::RoundRobin.uses_xmit_hash());
        assert_eq!(format!("{:?}", IfName::new(b"eth0")), "\"eth0\"");
        assert_eq!(IfName::new(b"a-very-long-interface-name").as_bytes().len(), 15);
    }
}
