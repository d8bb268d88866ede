// SPDX-License-Identifier: GPL-2.0

//! sysfs for bonds (`bond_sysfs.c`, `bond_sysfs_slave.c`):
//! `/sys/class/net/bonding_masters` in each namespace, the bond's
//! `bonding/` directory, and each slave's `bonding_slave/` directory, with
//! the C driver's formats. Writes go through the option table with RTNL
//! taken by trylock (`bond_opt_tryset_rtnl()`).

#![forbid(unsafe_code)]

use crate::{
    bond_options::{spec_by_name, OptInput},
    bond_params::{value_name, Mode, Shown, LACP_ACTIVE_TBL, LACP_RATE_TBL, MODE_TBL},
    bonding::{self, BondDriver, Bonding, OptReport, Snap, DEFAULTS},
    net::{
        capable_net_admin,
        device::{Device, MacAddr, NotifyEvent},
        pernet::Net,
        rcu::RcuGuard,
        rtnl::Rtnl,
        rtnl_link::ExtAck,
        sysfs::{rtnl_or_restart, AttrGroup, AttrList, DevAttr, NetClassFile, SysfsBuf},
    },
};
use core::fmt::{self, Write};
use kernel::{c_str, prelude::*, str::CStr};

/// The bond of a `bonding/` file.
fn bond_of(dev: &Device) -> Option<&Bonding> {
    dev.driver_data::<BondDriver>()
}

/// Shows from the published snapshot; nothing if there is none.
fn snap(
    dev: &Device,
    out: &mut SysfsBuf,
    f: impl FnOnce(&Snap<'_>, &mut SysfsBuf) -> fmt::Result,
) -> fmt::Result {
    match bond_of(dev) {
        Some(b) => b.with_snapshot(|s| s.map_or(Ok(()), |s| f(&s, out))),
        None => Ok(()),
    }
}

/// `bonding_sysfs_store_option()`: every writable file.
fn store_option(dev: &Device, name: &[u8], data: &[u8]) -> Result {
    let bond = bond_of(dev).ok_or(ENODEV)?;
    let spec = spec_by_name(name).ok_or(ENOENT)?;
    let rtnl = rtnl_or_restart()?;
    let mut extack = ExtAck::none();
    bond.set_option(
        dev,
        &rtnl,
        spec.id,
        OptInput::Text(data),
        &mut OptReport {
            extack: &mut extack,
            attr: None,
        },
    )?;
    // __bond_opt_set_notify().
    dev.notify(&rtnl, NotifyEvent::ChangeInfoData);
    Ok(())
}

/// "name value\n" for an enumerated option.
fn enum_line(out: &mut SysfsBuf, tbl: &[crate::bond_params::OptValue], v: u64) -> fmt::Result {
    writeln!(out, "{} {}", value_name(tbl, v), v)
}

/// Names separated by spaces, then "\n" ("eat the leftover space").
fn list_line<T: fmt::Display>(out: &mut SysfsBuf, items: impl Iterator<Item = T>) -> fmt::Result {
    for i in items {
        write!(out, "{} ", i)?;
    }
    if out.len() > 0 {
        out.replace_last(b'\n');
    }
    Ok(())
}

macro_rules! show_param {
    ($name:ident, |$p:ident, $out:ident| $body:expr) => {
        fn $name(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
            snap(dev, out, |s, $out| {
                let $p = s.params();
                $body
            })
        }
    };
}

fn show_slaves(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    snap(dev, out, |s, out| {
        list_line(out, s.slaves().map(|(d, _)| d.name()))
    })
}
show_param!(show_mode, |p, out| enum_line(
    out,
    MODE_TBL,
    p.mode.number().into()
));
show_param!(show_fail_over_mac, |p, out| writeln!(
    out,
    "{} {}",
    p.fail_over_mac.name(),
    p.fail_over_mac.value()
));
show_param!(show_arp_validate, |p, out| writeln!(
    out,
    "{} {}",
    p.arp_validate.name(),
    p.arp_validate.value()
));
show_param!(show_arp_all_targets, |p, out| writeln!(
    out,
    "{} {}",
    p.arp_all_targets.name(),
    p.arp_all_targets.value()
));
show_param!(show_arp_interval, |p, out| writeln!(
    out,
    "{}",
    p.arp_interval
));
show_param!(show_arp_targets, |p, out| list_line(
    out,
    p.arp_targets.as_slice().iter()
));
show_param!(show_downdelay, |p, out| writeln!(
    out,
    "{}",
    p.downdelay_ms()
));
show_param!(show_updelay, |p, out| writeln!(out, "{}", p.updelay_ms()));
show_param!(show_peer_notif_delay, |p, out| writeln!(
    out,
    "{}",
    p.peer_notif_delay_ms()
));
show_param!(show_lacp_active, |p, out| enum_line(
    out,
    LACP_ACTIVE_TBL,
    p.lacp_active.into()
));
show_param!(show_lacp_rate, |p, out| enum_line(
    out,
    LACP_RATE_TBL,
    p.lacp_fast.into()
));
show_param!(show_ad_select, |p, out| writeln!(
    out,
    "{} {}",
    p.ad_select.name(),
    p.ad_select.value()
));
show_param!(show_xmit_hash, |p, out| writeln!(
    out,
    "{} {}",
    p.xmit_policy.name(),
    p.xmit_policy.value()
));
show_param!(show_num_peer_notif, |p, out| writeln!(
    out,
    "{}",
    p.num_peer_notif
));
show_param!(show_miimon, |p, out| writeln!(out, "{}", p.miimon));
fn show_primary(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    snap(dev, out, |s, out| {
        s.primary()
            .map_or(Ok(()), |d| writeln!(out, "{}", d.name()))
    })
}
show_param!(show_primary_reselect, |p, out| writeln!(
    out,
    "{} {}",
    p.primary_reselect.name(),
    p.primary_reselect.value()
));
show_param!(show_use_carrier, |p, out| writeln!(
    out,
    "{}",
    u8::from(p.use_carrier)
));
fn show_active_slave(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    snap(dev, out, |s, out| {
        s.active().map_or(Ok(()), |d| writeln!(out, "{}", d.name()))
    })
}
fn show_mii_status(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    writeln!(out, "{}", if dev.carrier_ok() { "up" } else { "down" })
}
/// An 802.3ad file: nothing outside mode 4, nor (`admin`) for a reader
/// without CAP_NET_ADMIN.
fn ad_file(
    dev: &Device,
    out: &mut SysfsBuf,
    admin: bool,
    f: impl FnOnce(&Bonding, &crate::bond_params::BondParams, &mut SysfsBuf) -> fmt::Result,
) -> fmt::Result {
    let Some(b) = bond_of(dev) else { return Ok(()) };
    let p = b.with_snapshot(|s| s.map(|s| *s.params()));
    match p {
        Some(p) if p.mode == Mode::Ieee8023ad && (!admin || capable_net_admin()) => f(b, &p, out),
        _ => Ok(()),
    }
}
fn show_ad_aggregator(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    ad_file(dev, out, false, |b, _, out| {
        writeln!(out, "{}", b.ad_info().map_or(0, |i| i.aggregator_id))
    })
}
fn show_ad_num_ports(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    ad_file(dev, out, false, |b, _, out| {
        writeln!(out, "{}", b.ad_info().map_or(0, |i| i.ports))
    })
}
fn show_ad_actor_key(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    ad_file(dev, out, true, |b, _, out| {
        writeln!(out, "{}", b.ad_info().map_or(0, |i| i.actor_key))
    })
}
fn show_ad_partner_key(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    ad_file(dev, out, true, |b, _, out| {
        writeln!(out, "{}", b.ad_info().map_or(0, |i| i.partner_key))
    })
}
fn show_ad_partner_mac(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    ad_file(dev, out, true, |b, _, out| {
        b.ad_info()
            .map_or(Ok(()), |i| writeln!(out, "{}", MacAddr(i.partner_system)))
    })
}
fn show_ad_actor_sys_prio(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    ad_file(dev, out, true, |_, p, out| {
        writeln!(out, "{}", p.ad_actor_sys_prio)
    })
}
fn show_ad_actor_system(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    ad_file(dev, out, true, |_, p, out| {
        writeln!(out, "{}", MacAddr(p.ad_actor_system))
    })
}
fn show_ad_user_port_key(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    ad_file(dev, out, true, |_, p, out| {
        writeln!(out, "{}", p.ad_user_port_key)
    })
}
fn show_queue_id(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    snap(dev, out, |s, out| {
        list_line(out, s.slaves().map(|(d, q)| QueueId(d.name(), q)))
    })
}
show_param!(show_all_slaves_active, |p, out| writeln!(
    out,
    "{}",
    u8::from(p.all_slaves_active)
));
show_param!(show_resend_igmp, |p, out| writeln!(
    out,
    "{}",
    p.resend_igmp
));
show_param!(show_min_links, |p, out| writeln!(out, "{}", p.min_links));
show_param!(show_lp_interval, |p, out| writeln!(
    out,
    "{}",
    p.lp_interval
));
show_param!(show_packets_per_slave, |p, out| writeln!(
    out,
    "{}",
    p.packets_per_slave
));
show_param!(show_tlb_dynamic_lb, |p, out| writeln!(
    out,
    "{}",
    u8::from(p.tlb_dynamic_lb)
));
show_param!(show_missed_max, |p, out| writeln!(out, "{}", p.missed_max));

/// "eth0:2".
struct QueueId<N: fmt::Display>(N, u16);

impl<N: fmt::Display> fmt::Display for QueueId<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.0, self.1)
    }
}

const RW: Option<crate::net::sysfs::StoreFn> = Some(store_option);

/// `per_bond_attrs[]`, in the C driver's order.
static BOND_ATTRS: [DevAttr; 38] = [
    DevAttr::new(c_str!("slaves"), show_slaves, RW),
    DevAttr::new(c_str!("mode"), show_mode, RW),
    DevAttr::new(c_str!("fail_over_mac"), show_fail_over_mac, RW),
    DevAttr::new(c_str!("arp_validate"), show_arp_validate, RW),
    DevAttr::new(c_str!("arp_all_targets"), show_arp_all_targets, RW),
    DevAttr::new(c_str!("arp_interval"), show_arp_interval, RW),
    DevAttr::new(c_str!("arp_ip_target"), show_arp_targets, RW),
    DevAttr::new(c_str!("downdelay"), show_downdelay, RW),
    DevAttr::new(c_str!("updelay"), show_updelay, RW),
    DevAttr::new(c_str!("peer_notif_delay"), show_peer_notif_delay, RW),
    DevAttr::new(c_str!("lacp_active"), show_lacp_active, RW),
    DevAttr::new(c_str!("lacp_rate"), show_lacp_rate, RW),
    DevAttr::new(c_str!("ad_select"), show_ad_select, RW),
    DevAttr::new(c_str!("xmit_hash_policy"), show_xmit_hash, RW),
    DevAttr::new(c_str!("num_grat_arp"), show_num_peer_notif, RW),
    DevAttr::new(c_str!("num_unsol_na"), show_num_peer_notif, RW),
    DevAttr::new(c_str!("miimon"), show_miimon, RW),
    DevAttr::new(c_str!("primary"), show_primary, RW),
    DevAttr::new(c_str!("primary_reselect"), show_primary_reselect, RW),
    DevAttr::new(c_str!("use_carrier"), show_use_carrier, RW),
    DevAttr::new(c_str!("active_slave"), show_active_slave, RW),
    DevAttr::new(c_str!("mii_status"), show_mii_status, None),
    DevAttr::new(c_str!("ad_aggregator"), show_ad_aggregator, None),
    DevAttr::new(c_str!("ad_num_ports"), show_ad_num_ports, None),
    DevAttr::new(c_str!("ad_actor_key"), show_ad_actor_key, None),
    DevAttr::new(c_str!("ad_partner_key"), show_ad_partner_key, None),
    DevAttr::new(c_str!("ad_partner_mac"), show_ad_partner_mac, None),
    DevAttr::new(c_str!("queue_id"), show_queue_id, RW),
    DevAttr::new(c_str!("all_slaves_active"), show_all_slaves_active, RW),
    DevAttr::new(c_str!("resend_igmp"), show_resend_igmp, RW),
    DevAttr::new(c_str!("min_links"), show_min_links, RW),
    DevAttr::new(c_str!("lp_interval"), show_lp_interval, RW),
    DevAttr::new(c_str!("packets_per_slave"), show_packets_per_slave, RW),
    DevAttr::new(c_str!("tlb_dynamic_lb"), show_tlb_dynamic_lb, RW),
    DevAttr::new(c_str!("ad_actor_sys_prio"), show_ad_actor_sys_prio, RW),
    DevAttr::new(c_str!("ad_actor_system"), show_ad_actor_system, RW),
    DevAttr::new(c_str!("ad_user_port_key"), show_ad_user_port_key, RW),
    DevAttr::new(c_str!("arp_missed_max"), show_missed_max, RW),
];
static BOND_ATTR_LIST: AttrList<39> = AttrList::new(&BOND_ATTRS);
/// `/sys/class/net/<bond>/bonding/`.
pub(crate) static BOND_GROUP: AttrGroup = AttrGroup::new(c_str!("bonding"), &BOND_ATTR_LIST);

/// A slave file: what `f` shows of the slave, if `dev` is one of ours.
fn slave_file(
    dev: &Device,
    out: &mut SysfsBuf,
    f: impl FnOnce(&bonding::SlaveView, &mut SysfsBuf) -> fmt::Result,
) -> fmt::Result {
    match bonding::slave_view_rcu(dev) {
        Some(v) => f(&v, out),
        None => Ok(()),
    }
}

fn show_state(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    slave_file(dev, out, |v, out| {
        writeln!(out, "{}", if v.backup { "backup" } else { "active" })
    })
}
fn show_slave_mii_status(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    slave_file(dev, out, |v, out| {
        let s = match v.link {
            0 => "up",
            1 => "going down",
            2 => "down",
            3 => "going back",
            _ => "unknown",
        };
        writeln!(out, "{}", s)
    })
}
fn show_link_failure_count(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    slave_file(dev, out, |v, out| writeln!(out, "{}", v.link_failure_count))
}
fn show_perm_hwaddr(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    slave_file(dev, out, |v, out| writeln!(out, "{}", v.perm_hwaddr))
}
fn show_slave_queue_id(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    slave_file(dev, out, |v, out| writeln!(out, "{}", v.queue_id))
}
/// An 802.3ad port file: "N/A" outside mode 4 or without an aggregator.
fn ad_port_file(
    dev: &Device,
    out: &mut SysfsBuf,
    f: impl FnOnce(&bonding::AdPortView) -> u32,
) -> fmt::Result {
    slave_file(dev, out, |v, out| {
        match v.ad.as_ref().filter(|a| a.aggregator_id.is_some()) {
            Some(a) => writeln!(out, "{}", f(a)),
            None => writeln!(out, "N/A"),
        }
    })
}
fn show_ad_aggregator_id(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    ad_port_file(dev, out, |a| a.aggregator_id.unwrap_or(0).into())
}
fn show_ad_actor_oper_port_state(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    ad_port_file(dev, out, |a| a.actor.state.into())
}
fn show_ad_partner_oper_port_state(dev: &Device, out: &mut SysfsBuf) -> fmt::Result {
    ad_port_file(dev, out, |a| a.partner.state.into())
}

static SLAVE_ATTRS: [DevAttr; 8] = [
    DevAttr::new(c_str!("state"), show_state, None),
    DevAttr::new(c_str!("mii_status"), show_slave_mii_status, None),
    DevAttr::new(c_str!("link_failure_count"), show_link_failure_count, None),
    DevAttr::new(c_str!("perm_hwaddr"), show_perm_hwaddr, None),
    DevAttr::new(c_str!("queue_id"), show_slave_queue_id, None),
    DevAttr::new(c_str!("ad_aggregator_id"), show_ad_aggregator_id, None),
    DevAttr::new(
        c_str!("ad_actor_oper_port_state"),
        show_ad_actor_oper_port_state,
        None,
    ),
    DevAttr::new(
        c_str!("ad_partner_oper_port_state"),
        show_ad_partner_oper_port_state,
        None,
    ),
];
static SLAVE_ATTR_LIST: AttrList<9> = AttrList::new(&SLAVE_ATTRS);
/// `/sys/class/net/<slave>/bonding_slave/`.
pub(crate) static SLAVE_GROUP: AttrGroup =
    AttrGroup::new(c_str!("bonding_slave"), &SLAVE_ATTR_LIST);

/// `bonding_show_bonds()`: the bonds of the namespace.
fn show_bonds(net: &Net, out: &mut SysfsBuf) -> fmt::Result {
    let rcu = RcuGuard::lock();
    let mut res = Ok(());
    net.for_each_device(&rcu, |d| {
        if res.is_ok() && d.driver_data::<BondDriver>().is_some() {
            res = write!(out, "{} ", d.name());
        }
    });
    res?;
    if out.len() > 0 {
        out.replace_last(b'\n');
    }
    Ok(())
}

/// `bonding_store_bonds()`: `+name` creates a bond, `-name` deletes one.
fn store_bonds(net: &Net, data: &[u8]) -> Result {
    let word = data
        .split(|b| b.is_ascii_whitespace())
        .find(|w| !w.is_empty())
        .unwrap_or(&[]);
    let word = &word[..word.len().min(16)];
    let (cmd, name) = match (word.first(), word.get(1..)) {
        (Some(&c @ (b'+' | b'-')), Some(n)) if crate::bond_options::valid_ifname(n) => (c, n),
        _ => {
            pr_err!("no command found in bonding_masters - use +ifname or -ifname\n");
            return Err(EPERM);
        }
    };
    let shown = Shown(name);
    let rtnl = Rtnl::lock();
    if cmd == b'+' {
        pr_info!("{} is being created...\n", shown);
        let mut buf = [0u8; 16];
        buf.get_mut(..name.len())
            .ok_or(EINVAL)?
            .copy_from_slice(name);
        let cname = CStr::from_bytes_with_nul(buf.get(..=name.len()).ok_or(EINVAL)?)?;
        let params = DEFAULTS.get().unwrap_or_default();
        if let Err(e) = bonding::create_bond(net, cname, &params, &rtnl) {
            if e == EEXIST {
                pr_info!("{} already exists\n", shown);
            } else {
                pr_info!("{} creation failed\n", shown);
            }
            return Err(e);
        }
        return Ok(());
    }
    match net
        .device_by_name(name, &rtnl)
        .filter(|d| d.driver_data::<BondDriver>().is_some())
    {
        Some(d) => {
            pr_info!("{} is being deleted...\n", shown);
            d.unregister(&rtnl);
            Ok(())
        }
        None => {
            pr_err!("unable to delete non-existent {}\n", shown);
            Err(ENODEV)
        }
    }
}

/// `/sys/class/net/bonding_masters` in `net`; `None` (with the C driver's
/// message) if it cannot be made.
pub(crate) fn bonding_masters(net: &Net) -> Option<NetClassFile> {
    match NetClassFile::new(net, c_str!("bonding_masters"), show_bonds, store_bonds) {
        Ok(f) => Some(f),
        Err(_) => {
            pr_err!("network device named bonding_masters already exists in sysfs\n");
            None
        }
    }
}
