// SPDX-License-Identifier: GPL-2.0

//! Module parameters at load (`bond_check_params()` of bond_main.c),
//! message for message, so that an administrator's dmesg reads the same.
//! The one deliberate difference: an invalid `arp_ip_target` fails the
//! load with EINVAL instead of silently disabling the ARP monitor
//! (Documentation/module-parameters.md). Pure Rust, host-tested.

#![forbid(unsafe_code)]

use crate::bond_params::*;
use core::fmt;
/// The module parameters as the user gave them (storage in bond_modparams.c).
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
            p.xmit_policy = XmitHashPolicy::from_value(parse_or_refuse(
                log,
                XMIT_HASH_TBL,
                text,
                "Invalid xmit_hash_policy",
            )?)
            .ok_or(Invalid)?;
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
        p.ad_select = AdSelect::from_value(parse_or_refuse(
            log,
            AD_SELECT_TBL,
            text,
            "Invalid ad_select",
        )?)
        .ok_or(Invalid)?;
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
        p.arp_validate = ArpValidate::from_value(parse_or_refuse(
            log,
            ARP_VALIDATE_TBL,
            text,
            "invalid arp_validate",
        )?)
        .ok_or(Invalid)?;
    }

    if let Some(text) = raw.arp_all_targets {
        match parse_enum(ARP_ALL_TARGETS_TBL, text) {
            Some(o) => p.arp_all_targets = ArpAllTargets::from_value(o.value).unwrap_or_default(),
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
            p.arp_validate.name(),
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
        p.primary_reselect = PrimaryReselect::from_value(parse_or_refuse(
            log,
            PRIMARY_RESELECT_TBL,
            text,
            "Invalid primary_reselect",
        )?)
        .ok_or(Invalid)?;
    }

    if let Some(text) = raw.fail_over_mac {
        p.fail_over_mac = FailOverMac::from_value(parse_or_refuse(
            log,
            FAIL_OVER_MAC_TBL,
            text,
            "invalid fail_over_mac",
        )?)
        .ok_or(Invalid)?;
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
