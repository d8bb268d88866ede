// SPDX-License-Identifier: GPL-2.0

//! /proc/net/bonding/<bond> (`bond_procfs.c`).

#![forbid(unsafe_code)]

use super::{lacp, Bonding};
use crate::net::capable_net_admin;
use crate::{
    bond_params::{FailOverMac, Mode},
    net::{
        device::{Device, MacAddr},
        modparam,
        rcu::RcuGuard,
    },
};
use core::{fmt, fmt::Write, sync::atomic::Ordering::Relaxed};

/// The proc file.
impl Bonding {
    /// Writes /proc/net/bonding/<bond> in the C driver's layout
    /// (bond_procfs.c: bond_info_seq_show).
    pub(super) fn show(&self, dev: &Device, out: &mut impl Write) -> fmt::Result {
        let rcu = RcuGuard::lock();
        let set = self.slaves.read(&rcu);
        let Some(p) = set.map(|s| &s.params) else {
            return Ok(());
        };
        writeln!(
            out,
            "Ethernet Channel Bonding Driver: v{}\n",
            modparam::uts_release()
        )?;
        write!(out, "Bonding Mode: {}", p.mode.description())?;
        if p.fail_over_mac_in_force() != FailOverMac::None {
            write!(out, " (fail_over_mac {})", p.fail_over_mac.name())?;
        }
        writeln!(out)?;
        if p.uses_xmit_hash() {
            writeln!(
                out,
                "Transmit Hash Policy: {} ({})",
                p.xmit_policy.name(),
                p.xmit_policy.value()
            )?;
        }
        if p.mode.uses_primary() {
            match set.and_then(|s| s.primary.as_ref()) {
                Some(s) => write!(
                    out,
                    "Primary Slave: {} (primary_reselect {})",
                    s.dev.name(),
                    p.primary_reselect.name()
                )?,
                None => write!(out, "Primary Slave: None")?,
            }
            match set.and_then(|s| s.active.as_ref()) {
                Some(a) => writeln!(out, "\nCurrently Active Slave: {}", a.dev.name())?,
                None => writeln!(out, "\nCurrently Active Slave: None")?,
            }
        }
        writeln!(
            out,
            "MII Status: {}",
            if dev.carrier_ok() { "up" } else { "down" }
        )?;
        writeln!(out, "MII Polling Interval (ms): {}", p.miimon)?;
        writeln!(out, "Up Delay (ms): {}", p.updelay_ms())?;
        writeln!(out, "Down Delay (ms): {}", p.downdelay_ms())?;
        writeln!(
            out,
            "Peer Notification Delay (ms): {}",
            p.peer_notif_delay_ms()
        )?;
        if p.arp_interval > 0 {
            writeln!(out, "ARP Polling Interval (ms): {}", p.arp_interval)?;
            writeln!(out, "ARP Missed Max: {}", p.missed_max)?;
            write!(out, "ARP IP target/s (n.n.n.n form):")?;
            for (i, ip) in p.arp_targets.as_slice().iter().enumerate() {
                write!(out, "{} {}", if i > 0 { "," } else { "" }, ip)?;
            }
            writeln!(out)?;
            write!(out, "NS IPv6 target/s (xx::xx form):")?;
            for (i, ip) in p.ns_targets.as_slice().iter().enumerate() {
                write!(out, "{} {}", if i > 0 { "," } else { "" }, ip)?;
            }
            writeln!(out)?;
        }
        if p.mode == Mode::Ieee8023ad {
            writeln!(out, "\n802.3ad info")?;
            writeln!(
                out,
                "LACP active: {}",
                if p.lacp_active { "on" } else { "off" }
            )?;
            writeln!(
                out,
                "LACP rate: {}",
                if p.lacp_fast { "fast" } else { "slow" }
            )?;
            writeln!(out, "Min links: {}", p.min_links)?;
            writeln!(
                out,
                "Aggregator selection policy (ad_select): {}",
                p.ad_select.name()
            )?;
            if capable_net_admin() {
                let (prio, system) = self.ad_system();
                writeln!(out, "System priority: {}", prio)?;
                writeln!(out, "System MAC address: {}", MacAddr(system))?;
                match self.ad_info() {
                    None => writeln!(out, "bond {} has no active aggregator", dev.name())?,
                    Some(i) => {
                        writeln!(out, "Active Aggregator Info:")?;
                        writeln!(out, "\tAggregator ID: {}", i.aggregator_id)?;
                        writeln!(out, "\tNumber of ports: {}", i.ports)?;
                        writeln!(out, "\tActor Key: {}", i.actor_key)?;
                        writeln!(out, "\tPartner Key: {}", i.partner_key)?;
                        writeln!(out, "\tPartner Mac Address: {}", MacAddr(i.partner_system))?;
                    }
                }
            }
        }
        for s in set.map(|s| &s.all[..]).unwrap_or(&[]) {
            writeln!(out, "\nSlave Interface: {}", s.dev.name())?;
            writeln!(out, "MII Status: {}", s.link().proc_name())?;
            match s.speed() {
                None => writeln!(out, "Speed: Unknown")?,
                Some(v) => writeln!(out, "Speed: {} Mbps", v)?,
            }
            match s.duplex() {
                Some(d) => writeln!(out, "Duplex: {}", d.name())?,
                None => writeln!(out, "Duplex: Unknown")?,
            }
            writeln!(
                out,
                "Link Failure Count: {}",
                s.link_failure_count.load(Relaxed)
            )?;
            writeln!(out, "Permanent HW addr: {}", s.perm_hwaddr)?;
            writeln!(out, "Slave queue ID: {}", s.queue_id.load(Relaxed))?;
            if p.mode == Mode::Ieee8023ad {
                match self.ad_port_view(s) {
                    Some(v) if v.aggregator_id.is_some() => {
                        writeln!(out, "Aggregator ID: {}", v.aggregator_id.unwrap_or(0))?;
                        writeln!(out, "Actor Churn State: {}", v.churn_actor.desc())?;
                        writeln!(out, "Partner Churn State: {}", v.churn_partner.desc())?;
                        writeln!(out, "Actor Churned Count: {}", v.churn_actor_count)?;
                        writeln!(out, "Partner Churned Count: {}", v.churn_partner_count)?;
                        if capable_net_admin() {
                            lacp::show_port_info(out, "actor", &v.actor, "port key")?;
                            lacp::show_port_info(out, "partner", &v.partner, "oper key")?;
                        }
                    }
                    _ => writeln!(out, "Aggregator ID: N/A")?,
                }
            }
        }
        Ok(())
    }
}
