// SPDX-License-Identifier: GPL-2.0

//! Bonding options: the one table of names, values and checks that every
//! interface changing an option (sysfs, netlink, ioctl) goes through
//! (`bond_opts[]` of the C driver's bond_options.c), with its errno values
//! and messages. Parsing follows `bond_opt_parse()`.
//!
//! Pure Rust with no `kernel::` types, so that `cargo test` runs it on the
//! host (tests/host).

#![forbid(unsafe_code)]

use crate::bond_params::*;
use core::{ffi::CStr, fmt};

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
}

/// Only while the bond has no slaves (`BOND_OPTFLAG_NOSLAVES`).
pub(crate) const OPT_NOSLAVES: u8 = 1;
/// Only while the bond is down (`BOND_OPTFLAG_IFDOWN`).
pub(crate) const OPT_IFDOWN: u8 = 2;
/// The value is text the option's setter reads itself (`BOND_OPTFLAG_RAWVAL`).
pub(crate) const OPT_RAWVAL: u8 = 4;

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
    opt(OptId::NsTargets, "ns_ip6_target", OPT_RAWVAL, 0, &[]),
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
    opt(
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
    opt(
        OptId::CoupledControl,
        "coupled_control",
        OPT_IFDOWN,
        all_ex(bit(Mode::Ieee8023ad)),
        COUPLED_CONTROL_TBL,
    ),
    // 6.12's option table also has broadcast_neighbor, but no interface
    // sets it (no netlink attribute, sysfs file or module parameter).
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
            if !mode.uses_arp() {
                p.arp_interval = 0;
                if p.miimon == 0 {
                    p.miimon = DEFAULT_MIIMON as u32;
                }
            }
            // balance-alb always starts with dynamic load balancing.
            if mode == Mode::Alb {
                p.tlb_dynamic_lb = true;
            }
            // arp_validate is not kept across modes.
            p.arp_validate = ArpValidate::None;
            p.mode = mode;
            Effect::Mode
        }
        OptId::PacketsPerSlave => {
            p.packets_per_slave = value as u16;
            Effect::None
        }
        OptId::XmitHash => {
            p.xmit_policy = XmitHashPolicy::from_value(value).ok_or(OptErr::Inval)?;
            Effect::None
        }
        OptId::ArpValidate => {
            p.arp_validate = ArpValidate::from_value(value).ok_or(OptErr::Inval)?;
            Effect::None
        }
        OptId::ArpAllTargets => {
            p.arp_all_targets = ArpAllTargets::from_value(value).ok_or(OptErr::Inval)?;
            Effect::None
        }
        OptId::FailOverMac => {
            p.fail_over_mac = FailOverMac::from_value(value).ok_or(OptErr::Inval)?;
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
            p.ad_select = AdSelect::from_value(value).ok_or(OptErr::Inval)?;
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
        OptId::TlbDynamicLb => {
            p.tlb_dynamic_lb = value != 0;
            Effect::None
        }
        OptId::CoupledControl => {
            log.log(
                Level::Info,
                format_args!(
                    "Setting coupled_control to {} ({})",
                    value_name(COUPLED_CONTROL_TBL, value),
                    value
                ),
            );
            p.coupled_control = value != 0;
            Effect::Lacp
        }
        OptId::NumPeerNotif | OptId::NumPeerNotifAlias => {
            p.num_peer_notif = value as u8;
            Effect::None
        }
        OptId::Miimon => {
            p.miimon = v32;
            if v32 != 0 && p.arp_interval != 0 {
                p.arp_interval = 0;
                p.arp_validate = ArpValidate::None;
            }
            Effect::Monitors
        }
        OptId::PrimaryReselect => {
            p.primary_reselect = PrimaryReselect::from_value(value).ok_or(OptErr::Inval)?;
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
        // Raw-value options have their own setters and never get here.
        _ => return Err(OptErr::Inval),
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
#[path = "tests/host/src/options_tests.rs"]
mod tests;
