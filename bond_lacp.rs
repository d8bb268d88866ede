// SPDX-License-Identifier: GPL-2.0

//! 802.3ad's kernel side: the machines of `bond_3ad` stepped by a 100 ms
//! work (`bond_3ad_state_machine_handler()`), LACPDUs and marker PDUs in
//! (the rx handler) and out (on each slave, from its permanent address),
//! and what the machines decide applied to the slaves: which ones collect
//! and distribute, which transmit for the bond, and the bond's carrier.
//!
//! The machines' state sits under the bond's mode lock (a softirq-safe
//! spinlock, as the C driver's `mode_lock`): the rx handler feeds LACPDUs
//! in softirq, the work and configuration (under RTNL) step and change it
//! in process context. The transmit path never takes it: it hashes over the
//! snapshot's transmitting slaves, which the work republishes (under RTNL,
//! taken with trylock) whenever the machines change who distributes.

#![forbid(unsafe_code)]

use super::{
    modes::{ModeHooks, SlaveRole},
    slave::Slave,
    BondDriver, Bonding,
};
use crate::bond_3ad::{
    pdu::{
        Lacpdu, Marker, PortInfo, ETH_P_SLOW, PDU_LEN, SLOW_PROTOCOLS_MAC, SUBTYPE_LACP,
        SUBTYPE_MARKER,
    },
    AdInfo, AdNote, AdParams, AdSlave, AdStats, Churn, Lacp, LinkFacts, TICKS_PER_SEC,
};
use crate::net::ethtool::Duplex;
use crate::{
    bond_options::OptId,
    bond_params::{BondParams, Mode},
    bond_policy::Link,
    net::{
        device::{Device, MacAddr, Rearm, WorkId, KERN_ERR, KERN_WARNING},
        rcu::RcuGuard,
        rtnl::Rtnl,
        rx::{RxResult, RxSkb},
        skb,
        skb::{net_ratelimit, SkBuff},
        vec,
    },
};
use core::{fmt, fmt::Write, sync::atomic::Ordering::Relaxed};
use kernel::prelude::*;
use kernel::sync::Arc;

/// The 802.3ad state of a bond (`struct ad_bond_info` and the slaves'
/// `struct ad_slave_info`), under the mode lock.
pub(super) struct AdState {
    lacp: Lacp,
    /// One per slave, in enslave order.
    ports: KVec<AdSlave>,
    /// The slave of each port, in the same order.
    owners: KVec<Arc<Slave>>,
    /// `ad_actor_system` as last applied: the system follows the bond's
    /// MAC only while this is zero.
    configured_system: [u8; 6],
    /// A first slave came (`bond_3ad_initialize()` ran): before, /proc
    /// shows a zero system as the C driver does.
    initialized: bool,
    /// A commit the work could not make yet (RTNL was busy).
    commit_pending: bool,
    /// Jiffies of the last tick.
    last_tick: u64,
}

impl AdState {
    pub(super) fn new() -> Self {
        Self {
            lacp: Lacp::default(),
            ports: KVec::new(),
            owners: KVec::new(),
            configured_system: [0; 6],
            initialized: false,
            commit_pending: false,
            last_tick: 0,
        }
    }

    fn index_of(&self, s: &Slave) -> Option<usize> {
        self.owners.iter().position(|o| core::ptr::eq(&**o, s))
    }
}

/// What /proc and netlink show of a slave's port.
pub(crate) struct AdPortView {
    pub(crate) aggregator_id: Option<u16>,
    pub(crate) churn_actor: Churn,
    pub(crate) churn_partner: Churn,
    pub(crate) churn_actor_count: u32,
    pub(crate) churn_partner_count: u32,
    pub(crate) actor: PortInfo,
    pub(crate) partner: PortInfo,
}

/// The 802.3ad work (`ad_work`).
const AD_WORK: WorkId = WorkId(2);

/// A slave's link as the machines see it.
fn facts(s: &Slave) -> LinkFacts {
    LinkFacts {
        link_up: s.link() == Link::Up,
        dev_up: s.dev.is_running() && s.dev.carrier_ok(),
        mbps: s.speed().unwrap_or(0),
        full_duplex: s.duplex() == Some(Duplex::Full),
    }
}

/// Sends a slow-protocols PDU on `s`, from its permanent address
/// (`ad_lacpdu_send()`, `ad_marker_send()`); false without memory.
fn send_pdu(s: &Slave, pdu: &[u8; PDU_LEN]) -> bool {
    match SkBuff::control_frame(
        &s.dev,
        &s.perm_hwaddr.0,
        &SLOW_PROTOCOLS_MAC,
        ETH_P_SLOW,
        pdu,
    ) {
        Some(skb) => {
            skb.xmit_on(&s.dev);
            true
        }
        None => false,
    }
}

/// Logs what the machines report, as the C driver words it.
fn log_note(bond_dev: &Device, slave: Option<&Arc<Slave>>, port: u16, note: AdNote) {
    match (note, slave) {
        (AdNote::Loopback, Some(s)) => {
            // Rate limited, unlike the C driver: a looped cable would
            // otherwise log a line per received LACPDU.
            if net_ratelimit() {
                s.info(
                    &KERN_ERR,
                    format_args!(
                        "An illegal loopback occurred on slave\nCheck the configuration to verify that all adapters are connected to 802.3ad compliant switch ports\n"
                    ),
                );
            }
        }
        (AdNote::SpeedZero, Some(s)) => s.info(
            &KERN_ERR,
            format_args!("speed changed to 0 on port {}\n", port),
        ),
        (AdNote::NoPartner, _) => {
            if net_ratelimit() {
                bond_dev.log(
                    &KERN_WARNING,
                    format_args!("Warning: No 802.3ad response from the link partner for any adapters in the bond\n"),
                );
            }
        }
        _ => {}
    }
}

/// The actor system of a bond: `ad_actor_system`, or its MAC when zero.
fn actor_system(p: &BondParams, bond_dev: &Device) -> [u8; 6] {
    if p.ad_actor_system == [0; 6] {
        bond_dev.dev_addr().0
    } else {
        p.ad_actor_system
    }
}

/// 802.3ad.
impl Bonding {
    /// `bond_3ad_bind_slave()` at enslave (with `bond_3ad_initialize()` for
    /// the first slave): the slave gets a port, numbered after the last
    /// one, and an aggregator; it starts inactive.
    fn ad_bind(&self, bond_dev: &Device, rtnl: &Rtnl, slave: &Arc<Slave>) -> Result {
        let p = self.options(rtnl);
        let mut g = self.ad.lock();
        let AdState {
            lacp,
            ports,
            owners,
            configured_system,
            initialized,
            ..
        } = &mut *g;
        ports.reserve(1, GFP_ATOMIC)?;
        owners.reserve(1, GFP_ATOMIC)?;
        let mut params = AdParams {
            lacp_active: p.lacp_active,
            lacp_fast: p.lacp_fast,
            ad_select: p.ad_select,
            min_links: p.min_links,
            sys_prio: p.ad_actor_sys_prio,
            system: actor_system(&p, bond_dev),
            user_port_key: p.ad_user_port_key,
            coupled_control: p.coupled_control,
        };
        let number = match owners.last() {
            None => {
                lacp.initialize(params);
                *configured_system = p.ad_actor_system;
                *initialized = true;
                1
            }
            Some(last) => {
                // The system stays what it was set to at the first slave.
                params.system = lacp.params.system;
                params.sys_prio = lacp.params.sys_prio;
                lacp.params = params;
                last.ad_port.load(Relaxed).wrapping_add(1).max(1)
            }
        };
        let port = lacp.bind(number, facts(slave));
        // Within the capacity reserved above: these cannot fail.
        ports.push(port, GFP_ATOMIC)?;
        owners.push(slave.clone(), GFP_ATOMIC)?;
        slave.ad_port.store(number, Relaxed);
        slave.backup.store(true, Relaxed);
        slave.inactive.store(!p.all_slaves_active, Relaxed);
        Ok(())
    }

    /// `bond_3ad_unbind_slave()`: the port tells its partner it no longer
    /// aggregates, and leaves the machines. Allocates nothing but the
    /// farewell LACPDU, which is skipped without memory.
    fn ad_unbind(&self, slave: &Slave) {
        let mut g = self.ad.lock();
        let Some(i) = g.index_of(slave) else { return };
        let AdState {
            lacp,
            ports,
            owners,
            ..
        } = &mut *g;
        if let Some(bye) = lacp.unbind(ports, i) {
            if send_pdu(slave, &bye.to_bytes()) {
                lacp.lacpdu_sent();
            }
        }
        let _ = vec::remove(ports, i);
        drop(vec::remove(owners, i));
        slave.ad_port.store(0, Relaxed);
    }

    fn ad_port_event(
        &self,
        bond_dev: &Device,
        slave: &Slave,
        event: fn(&mut Lacp, &mut [AdSlave], usize, LinkFacts) -> Option<AdNote>,
    ) {
        let mut g = self.ad.lock();
        let Some(i) = g.index_of(slave) else { return };
        let AdState {
            lacp,
            ports,
            owners,
            ..
        } = &mut *g;
        if let Some(n) = event(lacp, ports, i, facts(slave)) {
            log_note(bond_dev, owners.get(i), slave.ad_port.load(Relaxed), n);
        }
    }

    /// The options changed: the machines take the 802.3ad ones
    /// (`bond_3ad_update_lacp_rate()`, `bond_3ad_update_lacp_active()`,
    /// `bond_3ad_update_ad_actor_settings()`).
    fn ad_options_changed(&self, bond_dev: &Device, p: &BondParams) {
        let mut g = self.ad.lock();
        let AdState {
            lacp,
            ports,
            configured_system,
            ..
        } = &mut *g;
        if lacp.params.lacp_fast != p.lacp_fast {
            lacp.set_lacp_fast(ports, p.lacp_fast);
        }
        if lacp.params.lacp_active != p.lacp_active {
            lacp.set_lacp_active(ports, p.lacp_active);
        }
        if lacp.params.sys_prio != p.ad_actor_sys_prio || *configured_system != p.ad_actor_system {
            *configured_system = p.ad_actor_system;
            lacp.set_actor_system(ports, p.ad_actor_sys_prio, actor_system(p, bond_dev));
        }
        lacp.params.ad_select = p.ad_select;
        lacp.params.min_links = p.min_links;
        lacp.params.user_port_key = p.ad_user_port_key;
        lacp.params.coupled_control = p.coupled_control;
    }

    /// `bond_option_actor_port_prio_set()` for `slave_dev` (netlink's
    /// IFLA_BOND_SLAVE_ACTOR_PORT_PRIO): the port's priority in its LACPDUs.
    pub(crate) fn set_actor_port_prio(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        slave_dev: &Device,
        prio: u16,
    ) -> Result {
        self.check_slave_option(bond_dev, rtnl, OptId::ActorPortPrio)?;
        let slave = self.slave_of(bond_dev, slave_dev, rtnl).ok_or(ENODEV)?;
        let mut g = self.ad.lock();
        let i = g.index_of(&slave).ok_or(ENODEV)?;
        g.ports
            .get_mut(i)
            .ok_or(ENODEV)?
            .port
            .set_port_priority(prio);
        Ok(())
    }

    /// `bond_open()` in 802.3ad: the slaves join the LACPDU group, the
    /// aggregator is chosen at the first tick, the machines run.
    fn ad_open(&self, bond_dev: &Device, rtnl: &Rtnl) {
        self.ad.lock().lacp.select_soon();
        self.each_slave(rtnl, |s| {
            let _ = s.dev.mc_add(rtnl, &SLOW_PROTOCOLS_MAC);
        });
        bond_dev.start_work::<BondDriver>(AD_WORK, 0);
    }

    /// `bond_close()` in 802.3ad.
    fn ad_stop(&self, bond_dev: &Device, rtnl: &Rtnl) {
        bond_dev.stop_work::<BondDriver>(AD_WORK);
        self.each_slave(rtnl, |s| s.dev.mc_del(rtnl, &SLOW_PROTOCOLS_MAC));
    }

    /// What the machines let `s` do: be an active slave (distributing),
    /// collect, and transmit for the bond (on the active aggregator).
    fn ad_slave_state(&self, s: &Slave) -> SlaveRole {
        let g = self.ad.lock();
        let port = g.index_of(s).and_then(|i| Some((i, &g.ports.get(i)?.port)));
        match port {
            Some((i, port)) => SlaveRole {
                active: port.distributing,
                collects: port.collecting,
                transmits: Lacp::tx_enabled(&g.ports, i),
            },
            None => SlaveRole {
                active: false,
                collects: false,
                transmits: false,
            },
        }
    }

    /// `bond_3ad_set_carrier()`: enough ports on the active aggregator.
    fn ad_carrier(&self) -> bool {
        let g = self.ad.lock();
        g.lacp.carrier(&g.ports).unwrap_or(false)
    }

    /// The active aggregator (`bond_3ad_get_active_agg_info()`).
    pub(crate) fn ad_info(&self) -> Option<AdInfo> {
        Lacp::active_info(&self.ad.lock().ports)
    }

    /// The actor system and its priority, as /proc shows them.
    pub(super) fn ad_system(&self) -> (u16, [u8; 6]) {
        let g = self.ad.lock();
        if !g.initialized {
            return (0, [0; 6]);
        }
        (g.lacp.params.sys_prio, g.lacp.params.system)
    }

    /// The LACPDU and marker counters of the bond, or of `slave`: `None`
    /// outside 802.3ad or for a device that is not this bond's slave.
    pub(crate) fn ad_stats(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        slave: Option<&Device>,
    ) -> Option<AdStats> {
        if self.options(rtnl).mode != Mode::Ieee8023ad {
            return None;
        }
        match slave {
            None => Some(self.ad.lock().lacp.stats),
            Some(d) => {
                let s = self.slave_of(bond_dev, d, rtnl)?;
                let g = self.ad.lock();
                g.index_of(&s)
                    .and_then(|i| g.ports.get(i))
                    .map(|p| p.port.stats)
            }
        }
    }

    /// A slave's port, for /proc and netlink.
    pub(crate) fn ad_port_view(&self, s: &Slave) -> Option<AdPortView> {
        let g = self.ad.lock();
        let i = g.index_of(s)?;
        let p = &g.ports.get(i)?.port;
        Some(AdPortView {
            aggregator_id: (p.agg_id != 0).then_some(p.agg_id),
            churn_actor: p.churn_actor,
            churn_partner: p.churn_partner,
            churn_actor_count: p.churn_actor_count,
            churn_partner_count: p.churn_partner_count,
            actor: p.actor,
            partner: p.partner,
        })
    }

    /// The LACP part of the rx handler (`bond_3ad_lacpdu_recv()`): LACPDUs
    /// and markers are the machines', consumed here; anything else goes on
    /// (`None`).
    fn ad_rx(&self, bond_dev: &Device, slave: &Slave, skb: &mut RxSkb<'_>) -> Option<RxResult> {
        // Every frame of an 802.3ad bond comes here: the EtherType first,
        // inline, before a buffer is zeroed or a helper called.
        if !skb.has_protocol(ETH_P_SLOW) || skb.eth_dest().0 != SLOW_PROTOCOLS_MAC {
            return None;
        }
        let mut buf = [0u8; PDU_LEN];
        let copied = skb.copy_payload(&mut buf);
        let mut g = self.ad.lock();
        let i = g.index_of(slave)?;
        let AdState {
            lacp,
            ports,
            owners,
            ..
        } = &mut *g;
        if !copied {
            lacp.rx_illegal(ports, i);
            return None;
        }
        match buf[0] {
            SUBTYPE_LACP => {
                if let Some(pdu) = Lacpdu::parse(&buf) {
                    if let Some(n) = lacp.rx_lacpdu(ports, i, &pdu) {
                        log_note(bond_dev, owners.get(i), slave.ad_port.load(Relaxed), n);
                    }
                }
            }
            SUBTYPE_MARKER => {
                if let Some(m) = Marker::parse(&buf) {
                    if let Some(resp) = lacp.rx_marker(ports, i, &m) {
                        if send_pdu(slave, &resp) {
                            lacp.marker_response_sent(ports, i);
                        }
                    }
                }
            }
            _ => {
                lacp.rx_unknown(ports, i);
                return None;
            }
        }
        drop(g);
        skb.consume();
        Some(RxResult::Consumed)
    }

    /// One run of the 802.3ad work: every 100 ms a tick of the machines,
    /// their LACPDUs sent, their decisions applied to the slaves; and when
    /// that changes which slaves transmit or the carrier, a commit under
    /// RTNL (retried at the next jiffy while RTNL is busy).
    fn ad_monitor(&self, bond_dev: &Device) -> Rearm {
        let tick_j = skb::ms_to_jiffies(1000 / u32::from(TICKS_PER_SEC)).max(1);
        let now = skb::jiffies();
        let (retry, last_tick) = {
            let g = self.ad.lock();
            (g.commit_pending, g.last_tick)
        };
        let mut dirty = retry;
        let mut last_tick = last_tick;
        if !retry || now.wrapping_sub(last_tick) >= tick_j {
            last_tick = now;
            self.ad.lock().last_tick = now;
            dirty |= self.ad_tick(bond_dev);
        }
        if dirty {
            match Rtnl::try_lock() {
                Some(rtnl) => {
                    if self.options(&rtnl).mode != Mode::Ieee8023ad {
                        return Rearm::Stop;
                    }
                    let failed = self.commit(bond_dev, &rtnl).is_err();
                    self.ad.lock().commit_pending = failed;
                }
                None => {
                    self.ad.lock().commit_pending = true;
                    return Rearm::Jiffies(1);
                }
            }
        }
        let since = skb::jiffies().wrapping_sub(last_tick);
        Rearm::Jiffies(
            u32::try_from(tick_j.saturating_sub(since))
                .unwrap_or(1)
                .max(1),
        )
    }

    /// One tick (`bond_3ad_state_machine_handler()`); whether the snapshot
    /// or the carrier must follow.
    fn ad_tick(&self, bond_dev: &Device) -> bool {
        let rcu = RcuGuard::lock();
        let Some(set) = self.slaves.read(&rcu) else {
            return false;
        };
        if set.params.mode != Mode::Ieee8023ad {
            return false;
        }
        let mut g = self.ad.lock();
        let AdState {
            lacp,
            ports,
            owners,
            ..
        } = &mut *g;
        let owners = &*owners;
        lacp.tick(
            ports,
            |i| owners.get(i).map_or(LinkFacts::default(), |s| facts(s)),
            |i, n| {
                let s = i.and_then(|i| owners.get(i));
                log_note(bond_dev, s, s.map_or(0, |s| s.ad_port.load(Relaxed)), n)
            },
        );
        let mut dirty = false;
        for (i, s) in owners.iter().enumerate() {
            let Some(port) = ports.get_mut(i).map(|p| &mut p.port) else {
                break;
            };
            if port.tx_due() && send_pdu(s, &port.lacpdu().to_bytes()) {
                port.sent();
                lacp.lacpdu_sent();
            }
            // __enable_port()/__disable_port(): the flags take effect now;
            // the list the transmit path hashes over follows at the commit.
            s.backup.store(!port.distributing, Relaxed);
            s.inactive
                .store(!port.collecting && !set.params.all_slaves_active, Relaxed);
            let tx = Lacp::tx_enabled(ports, i) && s.can_tx();
            dirty |= tx != set.tx.iter().any(|x| Arc::ptr_eq(x, s));
        }
        let carrier = lacp.carrier(ports).unwrap_or(false);
        dirty || carrier != bond_dev.carrier_ok()
    }
}

/// `Lacpdu` fields for /proc.
pub(super) fn show_port_info(
    out: &mut impl Write,
    which: &str,
    info: &PortInfo,
    key_name: &str,
) -> fmt::Result {
    writeln!(out, "details {} lacp pdu:", which)?;
    writeln!(out, "    system priority: {}", info.system_priority)?;
    writeln!(out, "    system mac address: {}", MacAddr(info.system))?;
    writeln!(out, "    {}: {}", key_name, info.key)?;
    writeln!(out, "    port priority: {}", info.port_priority)?;
    writeln!(out, "    port number: {}", info.port)?;
    writeln!(out, "    port state: {}", info.state)
}

/// 802.3ad's hooks into the core (`bond_modes.rs`).
pub(super) struct Lacp8023ad;

impl ModeHooks for Lacp8023ad {
    fn open(bond: &Bonding, dev: &Device, rtnl: &Rtnl) -> Result {
        bond.ad_open(dev, rtnl);
        Ok(())
    }

    fn stop(bond: &Bonding, dev: &Device, rtnl: &Rtnl) {
        bond.ad_stop(dev, rtnl);
    }

    fn bind(bond: &Bonding, dev: &Device, rtnl: &Rtnl, slave: &Arc<Slave>) -> Result {
        bond.ad_bind(dev, rtnl, slave)
    }

    fn unbind(bond: &Bonding, _dev: &Device, _rtnl: &Rtnl, slave: &Slave) {
        bond.ad_unbind(slave);
    }

    fn link_changed(bond: &Bonding, dev: &Device, _rtnl: &Rtnl, slave: &Slave) {
        bond.ad_port_event(dev, slave, Lacp::link_change);
    }

    fn speed_changed(bond: &Bonding, dev: &Device, slave: &Slave) {
        bond.ad_port_event(dev, slave, Lacp::speed_changed);
    }

    fn options_changed(bond: &Bonding, dev: &Device, p: &BondParams) {
        bond.ad_options_changed(dev, p);
    }

    fn slave_role(bond: &Bonding, slave: &Slave) -> Option<SlaveRole> {
        Some(bond.ad_slave_state(slave))
    }

    fn carrier(bond: &Bonding) -> Option<bool> {
        Some(bond.ad_carrier())
    }

    fn rx_filters(slave_dev: &Device, rtnl: &Rtnl, give: bool) {
        // As bond_enslave(), which ignores a failure here too.
        if give {
            let _ = slave_dev.mc_add(rtnl, &SLOW_PROTOCOLS_MAC);
        } else {
            slave_dev.mc_del(rtnl, &SLOW_PROTOCOLS_MAC);
        }
    }

    #[inline]
    fn receive(slave: &Slave, skb: &mut RxSkb<'_>, _rcu: &RcuGuard) -> Option<RxResult> {
        // The C driver's recv_probe, set while the bond is up: only a
        // slave with a port has one.
        if slave.ad_port.load(Relaxed) == 0 || !slave.bond.is_running() {
            return None;
        }
        let bond = slave.bond.driver_data::<BondDriver>()?;
        bond.ad_rx(&slave.bond, slave, skb)
    }

    fn work(bond: &Bonding, dev: &Device, id: WorkId) -> Option<Rearm> {
        (id == AD_WORK).then(|| bond.ad_monitor(dev))
    }
}
