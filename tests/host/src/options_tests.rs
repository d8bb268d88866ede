// SPDX-License-Identifier: GPL-2.0

//! Unit tests of the option table, the settings and the module parameters.

use super::*;
use crate::bond_modparams::*;

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
            cfg.unwrap().params.fail_over_mac_in_force(),
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
fn every_mode_loads() {
    for (text, mode) in [
        (&b"balance-alb"[..], Mode::Alb),
        (b"5", Mode::Tlb),
        (b"balance-tlb", Mode::Tlb),
        (b"6", Mode::Alb),
    ] {
        let (cfg, log) = check(RawModuleParams {
            mode: Some(text),
            ..Default::default()
        });
        let cfg = cfg.unwrap();
        assert_eq!((cfg.params.mode, cfg.params.tlb_dynamic_lb), (mode, true));
        assert!(!log.has(Level::Err, "not supported"));
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
    assert!(log.has(
        Level::Warn,
        "max_bonds (-3) not in range 0-2147483647, so it was reset to BOND_DEFAULT_MAX_BONDS (1)"
    ));
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
    assert!(log.has(
        Level::Info,
        "ARP monitoring set to 1000 ms, validate none, with 2 target(s): 192.168.1.254 10.0.0.1"
    ));
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
    assert_eq!(cfg.unwrap().params.arp_validate, ArpValidate::FilterBackup);
}

#[test]
fn arp_validate_values_say_which_slaves_validate_and_filter() {
    use ArpValidate::*;
    let table = [
        (None, false, false, false),
        (Active, true, false, false),
        (Backup, false, true, false),
        (All, true, true, false),
        (Filter, false, false, true),
        (FilterActive, true, false, true),
        (FilterBackup, false, true, true),
    ];
    for (v, active, backup, filters) in table {
        assert_eq!(v.validates(false), active, "{v:?} on the active slave");
        assert_eq!(v.validates(true), backup, "{v:?} on a backup");
        assert_eq!(v.filters(), filters, "{v:?} filters");
    }
}

#[test]
fn xmit_hash_policy_only_counts_in_hash_modes() {
    let (cfg, log) = check(RawModuleParams {
        xmit_hash_policy: Some(b"layer3+4"),
        ..Default::default()
    });
    assert_eq!(cfg.unwrap().params.xmit_policy, XmitHashPolicy::Layer2);
    assert!(log.has(
        Level::Info,
        "xmit_hash_policy param is irrelevant in mode load balancing (round-robin)"
    ));
    let (cfg, _) = check(RawModuleParams {
        mode: Some(b"balance-xor"),
        xmit_hash_policy: Some(b"layer2+3"),
        ..Default::default()
    });
    assert_eq!(cfg.unwrap().params.xmit_policy, XmitHashPolicy::Layer23);
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
    let p = |mode, tlb_dynamic_lb| BondParams {
        mode,
        tlb_dynamic_lb,
        ..BondParams::default()
    };
    assert!(p(Mode::Xor, true).uses_xmit_hash() && !p(Mode::RoundRobin, true).uses_xmit_hash());
    assert!(p(Mode::Tlb, false).uses_xmit_hash() && !p(Mode::Alb, true).uses_xmit_hash());
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
    // broadcast_neighbor is in 6.12's table but no interface sets it.
    assert_eq!(OPTIONS.len(), 36);
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
        Ok(())
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
    // balance-alb: the ARP monitor goes, dynamic load balancing comes back.
    let mut q = BondParams {
        arp_interval: 100,
        miimon: 0,
        tlb_dynamic_lb: false,
        ..p
    };
    assert_eq!(
        set_value(&mut q, OptId::Mode, 6, &mut log),
        Ok(Effect::Mode)
    );
    assert_eq!(
        (q.mode, q.arp_interval, q.miimon, q.tlb_dynamic_lb),
        (Mode::Alb, 0, 100, true)
    );
    assert_eq!(
        set_value(&mut q, OptId::TlbDynamicLb, 0, &mut log),
        Ok(Effect::None)
    );
    assert!(!q.tlb_dynamic_lb);
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
        Ok(Effect::None)
    );
    assert_eq!(p.arp_validate, ArpValidate::All);
    // A mode change drops it, as the C driver's bond_option_mode_set().
    set_value(&mut p, OptId::Mode, 1, &mut log).unwrap();
    assert_eq!(p.arp_validate, ArpValidate::None);
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

#[test]
fn ns_targets_refuse_as_the_c_driver() {
    let ip = |last: u8| {
        let mut a = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        a[15] = last;
        Ipv6(a)
    };
    let mut log = Vec::new();
    let mut t = NsTargets::default();
    t.add(ip(1), &mut log).unwrap();
    assert_eq!(t.add(ip(1), &mut log), Err(OptErr::Inval));
    assert_eq!(log[0].1, "NS target 2001:db8::1 is already present");
    for bad in [Ipv6([0; 16]), Ipv6::ALL_NODES, {
        let mut l = [0; 16];
        l[15] = 1;
        Ipv6(l)
    }] {
        log.clear();
        assert_eq!(t.add(bad, &mut log), Err(OptErr::Inval));
        assert!(log[0].1.starts_with("invalid NS target "), "{}", log[0].1);
        assert!(log[0].1.ends_with(" specified for addition"));
    }
    for i in 2..=16 {
        t.add(ip(i), &mut log).unwrap();
    }
    log.clear();
    assert_eq!(t.add(ip(17), &mut log), Err(OptErr::Inval));
    assert_eq!(log[0].1, "NS target table is full!");
    assert_eq!(t.as_slice().len(), 16);
}
