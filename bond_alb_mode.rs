// SPDX-License-Identifier: GPL-2.0

//! balance-tlb and balance-alb on the bond (`bond_alb.c`): the tables of
//! `bond_alb` applied to the slaves. Transmit picks a slave per flow (and,
//! in alb, rewrites the ARP replies the bond sends so that each client
//! learns its own slave's MAC); the monitor sends learning packets every
//! `lp_interval` s, rebalances every 10 s and tells clients; each slave
//! keeps a MAC of its own, the current active slave (the only one that
//! receives in tlb) has the bond's, and addresses are swapped at failover
//! so that this stays so.
//!
//! Lock order: the mode lock (`Bonding::alb`) is never held while a frame
//! is sent or a device changed, so a bond stacked on another takes its own
//! mode lock with none held.

#![forbid(unsafe_code)]

use super::{
    holds,
    linkmon::{device_path, MAX_NEST_DEV},
    modes::ModeHooks,
    slave::Slave,
    xmit::{drop_packet, transmit_hash},
    BondDriver, Bonding, SlaveSet,
};
use crate::{
    bond_alb::{
        alb_plan, least_loaded, tlb_plan, unbalanced_rate, AlbClock, ArpPkt, ClientUpdate,
        PromiscTimer, RlbClient, RlbClients, RlbState, RlbTable, RxSlave, SlaveKey, TlbFlow,
        TlbFlows, TlbTable, TxPlan, TxSlave, ARP_SENDER_MAC, LEARNING_ETHERTYPE, LEARNING_PAYLOAD,
        RLB_ARP_BURST, TICK_MS,
    },
    bond_monitor::{ARPOP_REPLY, ARPOP_REQUEST, ETH_P_ARP},
    bond_params::Mode,
    net::{
        device::{
            Device, MacAddr, Rearm, TxOutcome, WorkId, KERN_ERR, KERN_WARNING, NET_ADDR_STOLEN,
        },
        error::eopnotsupp,
        rcu::RcuGuard,
        route::VlanTag,
        rtnl::Rtnl,
        rtnl_link::ExtAck,
        rx::{RxResult, RxSkb},
        skb::SkBuff,
    },
};
use core::sync::atomic::Ordering::Relaxed;
use kernel::{prelude::*, sync::Arc};

/// The monitor's work (`alb_work`); 802.3ad's has the same number, and a
/// bond has one mode.
const ALB_WORK: WorkId = WorkId(2);

/// tlb/alb's state under the mode lock (`alb_bond_info`). The tables
/// exist while the bond is up (`bond_alb_initialize()` at open).
pub(super) struct AlbState {
    flows: KVec<TlbFlow>,
    clients: KVec<RlbClient>,
    rlb: RlbState,
    clock: AlbClock,
    promisc: PromiscTimer,
}

impl AlbState {
    pub(super) fn new() -> Self {
        Self {
            flows: KVec::new(),
            clients: KVec::new(),
            rlb: RlbState::NEW,
            clock: AlbClock::default(),
            promisc: PromiscTimer::default(),
        }
    }

    fn tlb(&mut self) -> Option<TlbTable<'_>> {
        let flows: &mut TlbFlows = self.flows.as_mut_slice().try_into().ok()?;
        Some(TlbTable::new(flows))
    }

    fn rlb(&mut self) -> Option<RlbTable<'_>> {
        let clients: &mut RlbClients = self.clients.as_mut_slice().try_into().ok()?;
        Some(RlbTable::new(clients, &mut self.rlb))
    }
}

fn key(s: &Slave) -> SlaveKey {
    s.dev.ifindex()
}

/// The slave named `key` in the snapshot.
fn by_key(set: &SlaveSet, k: SlaveKey) -> Option<&Arc<Slave>> {
    set.all.iter().find(|s| key(s) == k)
}

/// The slaves that can transmit, as the transmit table weighs them.
fn tx_slaves(set: &SlaveSet) -> impl Iterator<Item = TxSlave> + '_ {
    set.all.iter().filter(|s| s.can_tx()).map(|s| TxSlave {
        key: key(s),
        speed: s.speed().unwrap_or(u32::MAX),
        load: s.tlb_load.load(Relaxed),
    })
}

/// The slaves that can transmit but `except`, as the client table sees
/// them.
fn rx_slaves<'a>(
    set: &'a SlaveSet,
    except: Option<SlaveKey>,
) -> impl Iterator<Item = RxSlave> + Clone + 'a {
    set.all
        .iter()
        .filter(move |s| s.can_tx() && Some(key(s)) != except)
        .map(|s| RxSlave {
            key: key(s),
            speed: s.speed().unwrap_or(u32::MAX),
        })
}

/// A learning packet from and to `mac` on `slave`, tagged if `tag`
/// (`alb_send_lp_vid()`): switches learn the MAC on that port.
fn send_learning_packet(slave: &Slave, mac: MacAddr, tag: Option<VlanTag>) {
    let Some(mut skb) = SkBuff::control_frame(
        &slave.dev,
        &mac.0,
        &mac.0,
        LEARNING_ETHERTYPE,
        &LEARNING_PAYLOAD,
    ) else {
        return;
    };
    if let Some(t) = tag.filter(|t| t.id != 0) {
        skb.put_vlan_tag(t.proto, t.id);
    }
    skb.xmit_on(&slave.dev);
}

/// `rlb_update_client()`: ARP replies that tell a client its slave's MAC.
fn send_client_update(set: &SlaveSet, u: &ClientUpdate) {
    let Some(s) = by_key(set, u.slave) else {
        return;
    };
    let mac = s.dev.dev_addr();
    for _ in 0..RLB_ARP_BURST {
        if s.dev
            .send_arp_reply(
                u.ip_dst,
                &u.mac_dst,
                u.ip_src,
                &mac.0,
                &[VlanTag::dot1q(u.vlan_id)],
            )
            .is_err()
        {
            s.info(&KERN_ERR, format_args!("failed to create an ARP packet\n"));
        }
    }
}

/// The packet paths.
impl Bonding {
    /// `bond_tlb_xmit()` and `bond_alb_xmit()`.
    pub(super) fn alb_transmit(
        &self,
        dev: &Device,
        mut skb: SkBuff,
        set: &SlaveSet,
        _rcu: &RcuGuard,
    ) -> TxOutcome {
        let p = &set.params;
        let Some(dest) = skb
            .linear()
            .get(..6)
            .and_then(|d| <[u8; 6]>::try_from(d).ok())
        else {
            return drop_packet(dev, skb);
        };
        let (proto, l3) = (skb.ethertype(), skb.network_header());
        let plan = if p.mode == Mode::Alb {
            alb_plan(&dest, proto, l3, p.tlb_dynamic_lb)
        } else {
            tlb_plan(&dest, proto, l3)
        };
        let mut update = None;
        let chosen = match plan {
            TxPlan::Unbalanced => None,
            TxPlan::Arp if p.mode == Mode::Alb => {
                let (s, u) = self.rlb_arp_xmit(dev, &mut skb, set);
                update = u;
                s
            }
            TxPlan::Arp => None,
            TxPlan::XmitHash | TxPlan::Dest(_) if p.tlb_dynamic_lb => {
                let index = match plan {
                    TxPlan::Dest(h) => h,
                    _ => transmit_hash(p.xmit_policy, &skb) as u8,
                };
                self.tlb_choose(set, index, skb.len())
            }
            TxPlan::XmitHash | TxPlan::Dest(_) => {
                let n = set.tx.len();
                (n > 0)
                    .then(|| set.tx.get(transmit_hash(p.xmit_policy, &skb) as usize % n))
                    .flatten()
            }
        };
        if let Some(u) = &update {
            send_client_update(set, u);
        }
        // bond_do_alb_xmit(): what is not balanced leaves through the
        // active slave, and counts as its load.
        let tx = match chosen {
            Some(s) => Some(s),
            None => {
                if p.tlb_dynamic_lb {
                    // A racy add, as the C driver's: a statistic, not
                    // worth a locked instruction per packet.
                    let n = self.alb_unbalanced.load(Relaxed);
                    self.alb_unbalanced
                        .store(n.wrapping_add(skb.len()), Relaxed);
                }
                set.active.as_ref()
            }
        };
        let Some(s) = tx else {
            return drop_packet(dev, skb);
        };
        if !s.can_tx() {
            if p.tlb_dynamic_lb {
                let mut st = self.alb.lock();
                if let Some(mut t) = st.tlb() {
                    t.clear_slave(key(s), false);
                    s.tlb_load.store(0, Relaxed);
                }
            }
            return drop_packet(dev, skb);
        }
        if !holds(&set.active, s) && !skb.write_linear(6, &s.dev.dev_addr().0) {
            return drop_packet(dev, skb);
        }
        s.dev_xmit(skb);
        TxOutcome::Consumed
    }

    /// `tlb_choose_channel()`: the flow's slave, the least loaded one if
    /// it has none.
    fn tlb_choose<'a>(&self, set: &'a SlaveSet, index: u8, len: u32) -> Option<&'a Arc<Slave>> {
        let key = {
            let mut st = self.alb.lock();
            let mut t = st.tlb()?;
            let (key, added) = t.choose(index, len, || least_loaded(tx_slaves(set)))?;
            if let Some(s) = by_key(set, key).filter(|_| added != 0) {
                s.tlb_load.fetch_add(added, Relaxed);
            }
            key
        };
        by_key(set, key)
    }

    /// `rlb_arp_xmit()`: an ARP reply the bond sends leaves through the
    /// slave its target is given, with that slave's MAC as the sender; a
    /// request reserves its target's entry and holds updates back. Only
    /// the bond's own ARPs (or a VLAN's on it), not a bridge's above it.
    fn rlb_arp_xmit<'a>(
        &self,
        dev: &Device,
        skb: &mut SkBuff,
        set: &'a SlaveSet,
    ) -> (Option<&'a Arc<Slave>>, Option<ClientUpdate>) {
        let Some(arp) = ArpPkt::parse(skb.network_header()) else {
            return (None, None);
        };
        if !set.all.iter().any(|s| s.dev.dev_addr().0 == arp.mac_src) {
            return (None, None);
        }
        if dev.address_is_on_bridge(arp.ip_src) {
            return (None, None);
        }
        if arp.op != ARPOP_REPLY && arp.op != ARPOP_REQUEST {
            return (None, None);
        }
        let active = set.active.as_ref().map(|s| key(s));
        let bond_mac = dev.dev_addr();
        let (chosen, update, orphans) = {
            let mut st = self.alb.lock();
            let Some(mut t) = st.rlb() else {
                return (None, None);
            };
            let (chosen, update) = t.choose(&arp, skb.vlan_tag(), active, rx_slaves(set, None));
            let orphans = if arp.op == ARPOP_REQUEST {
                t.request_sent(arp.ip_src, |k| {
                    by_key(set, k).is_some_and(|s| s.dev.dev_addr() == bond_mac)
                })
            } else {
                0
            };
            (chosen, update, orphans)
        };
        for _ in 0..orphans {
            dev.log(
                &KERN_ERR,
                format_args!("found a client with no channel in the client's hash table\n"),
            );
        }
        let tx = chosen.and_then(|k| by_key(set, k));
        if arp.op == ARPOP_REPLY {
            if let Some(s) = tx {
                let mac = s.dev.dev_addr();
                let at = skb.linear().len() - skb.network_header().len() + ARP_SENDER_MAC;
                if mac.0 != arp.mac_src && !skb.write_linear(at, &mac.0) {
                    return (None, update);
                }
            }
        }
        (tx, update)
    }

    /// `rlb_arp_recv()`: every ARP a slave receives keeps the client table
    /// true (another host on an address, a client's MAC).
    fn rlb_arp_rcv(&self, skb: &RxSkb<'_>) {
        let mut buf = [0u8; ArpPkt::LEN];
        if !skb.copy_payload(&mut buf) {
            return;
        }
        let Some(arp) = ArpPkt::parse(&buf) else {
            return;
        };
        if let Some(mut t) = self.alb.lock().rlb() {
            t.arp_received(&arp);
        }
    }
}

/// MAC handling, under RTNL.
impl Bonding {
    /// `alb_set_slave_mac_addr()`: in tlb only the address the slave sends
    /// from changes (its hardware keeps receiving the bond's); in alb
    /// each slave must receive on its own.
    fn alb_set_slave_mac(&self, rtnl: &Rtnl, s: &Slave, mac: MacAddr) -> Result {
        if self.options(rtnl).mode == Mode::Tlb {
            s.dev.set_dev_addr_only(rtnl, mac);
            return Ok(());
        }
        if s.dev
            .set_mac_address(rtnl, mac, &mut ExtAck::none())
            .is_err()
        {
            s.info(
                &KERN_ERR,
                format_args!("dev_set_mac_address on slave failed! ALB mode requires that the base driver support setting the hw address also when the network device's interface is open\n"),
            );
            return Err(eopnotsupp());
        }
        Ok(())
    }

    /// `alb_swap_mac_addr()`.
    fn alb_swap_macs(&self, rtnl: &Rtnl, a: &Slave, b: &Slave) {
        let mac_a = a.dev.dev_addr();
        let _ = self.alb_set_slave_mac(rtnl, a, b.dev.dev_addr());
        let _ = self.alb_set_slave_mac(rtnl, b, mac_a);
    }

    /// `alb_send_learning_packets()`: untagged, then for each VLAN right
    /// above the bond and (unless `strict`) each macvlan above it.
    fn alb_learning_packets(&self, bond_dev: &Device, s: &Slave, mac: MacAddr, strict: bool) {
        send_learning_packet(s, mac, None);
        let rcu = RcuGuard::lock();
        let level = bond_dev.lower_level();
        bond_dev.any_upper(&rcu, |upper| {
            if let Some(tag) = upper.vlan() {
                if upper.lower_level() == level.wrapping_add(1) {
                    let from = if upper.addr_assign_type() == NET_ADDR_STOLEN {
                        mac
                    } else {
                        upper.dev_addr()
                    };
                    send_learning_packet(s, from, Some(tag));
                }
            }
            if upper.is_macvlan() && !strict {
                let mut path = [VlanTag::default(); MAX_NEST_DEV];
                if device_path(bond_dev, upper, &rcu, 0, &mut path).is_some() {
                    send_learning_packet(s, upper.dev_addr(), Some(path[0]));
                }
            }
            false
        });
    }

    /// `rlb_teach_disabled_mac_on_primary()`: the active slave goes
    /// promiscuous for a while and the switch learns `mac` on it.
    fn rlb_teach_on_active(&self, bond_dev: &Device, rtnl: &Rtnl, mac: MacAddr) {
        let Some(active) = self.config.borrow(rtnl).ok().and_then(|c| c.active.clone()) else {
            return;
        };
        let was_on = self.alb.lock().promisc.on;
        let on = was_on || active.dev.set_promiscuity(rtnl, 1).is_ok();
        self.alb.lock().promisc.restart(on);
        self.alb_learning_packets(bond_dev, &active, mac, true);
    }

    /// `alb_fasten_mac_swap()`: after a swap, the switch and the clients
    /// learn where each MAC is now.
    fn alb_fasten_swap(&self, bond_dev: &Device, rtnl: &Rtnl, a: &Slave, b: &Slave) {
        let alb = self.options(rtnl).mode == Mode::Alb;
        let mut disabled = None;
        for s in [a, b] {
            if s.can_tx() {
                self.alb_learning_packets(bond_dev, s, s.dev.dev_addr(), false);
                if alb {
                    if let Some(mut t) = self.alb.lock().rlb() {
                        t.slave_mac_changed(key(s));
                    }
                }
            } else {
                disabled = Some(s);
            }
        }
        if alb && a.can_tx() != b.can_tx() {
            if let Some(d) = disabled {
                self.rlb_teach_on_active(bond_dev, rtnl, d.dev.dev_addr());
            }
        }
    }

    /// `bond_alb_handle_active_change()`, once the new active slave is
    /// published: the old one gives back the promiscuity it was lent, and
    /// the new one takes the bond's MAC, from whichever slave has it.
    pub(super) fn alb_active_change(&self, bond_dev: &Device, rtnl: &Rtnl) -> Result {
        let (old, new) = {
            let mut guard = self.config.borrow_mut(rtnl)?;
            let cfg = &mut *guard;
            let Some(change) = super::follow_active(&mut cfg.mac_active, &cfg.active) else {
                return Ok(());
            };
            change
        };
        if let Some(o) = &old {
            if self.alb.lock().promisc.on {
                let _ = o.dev.set_promiscuity(rtnl, -1);
                self.alb.lock().promisc.restart(false);
            }
        }
        let Some(new) = new else {
            return Ok(());
        };
        let slaves = self.slaves_now(rtnl)?;
        let bond_mac = bond_dev.dev_addr();
        let swap = old
            .filter(|o| slaves.iter().any(|s| Arc::ptr_eq(s, o)))
            .or_else(|| {
                slaves
                    .iter()
                    .find(|s| s.dev.dev_addr() == bond_mac)
                    .cloned()
            });
        {
            let mut st = self.alb.lock();
            if let Some(mut t) = st.tlb() {
                for s in Iterator::chain(swap.iter(), core::iter::once(&new)) {
                    t.clear_slave(key(s), true);
                    s.tlb_load.store(0, Relaxed);
                }
            }
        }
        // In tlb the new active slave's hardware must receive the bond's
        // MAC whatever it was given before.
        if self.options(rtnl).mode == Mode::Tlb {
            let own = new.dev.dev_addr();
            let _ = new.dev.set_mac_address(rtnl, bond_mac, &mut ExtAck::none());
            new.dev.set_dev_addr_only(rtnl, own);
        }
        match swap {
            Some(s) => {
                self.alb_swap_macs(rtnl, &s, &new);
                self.alb_fasten_swap(bond_dev, rtnl, &s, &new);
            }
            None => {
                let _ = self.alb_set_slave_mac(rtnl, &new, bond_mac);
                self.alb_learning_packets(bond_dev, &new, bond_mac, false);
            }
        }
        Ok(())
    }

    /// `bond_alb_set_mac_address()`: the bond's new MAC goes to the active
    /// slave, swapped from a slave that had it.
    pub(super) fn alb_set_mac_address(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        mac: MacAddr,
    ) -> Result<bool> {
        bond_dev.set_dev_addr_only(rtnl, mac);
        let Some(active) = self.config.borrow(rtnl)?.active.clone() else {
            return Ok(true);
        };
        let slaves = self.slaves_now(rtnl)?;
        match slaves.iter().find(|s| s.dev.dev_addr() == mac) {
            Some(swap) => {
                self.alb_swap_macs(rtnl, swap, &active);
                self.alb_fasten_swap(bond_dev, rtnl, swap, &active);
            }
            None => {
                let _ = self.alb_set_slave_mac(rtnl, &active, mac);
                self.alb_learning_packets(bond_dev, &active, mac, false);
                if let Some(mut t) = self.alb.lock().rlb() {
                    t.slave_mac_changed(key(&active));
                }
            }
        }
        Ok(true)
    }

    /// `bond_alb_init_slave()`: a new slave takes back its own MAC, then
    /// a free one if that is taken; a rebalance follows.
    fn alb_bind(&self, bond_dev: &Device, rtnl: &Rtnl, slave: &Slave) -> Result {
        self.alb_set_slave_mac(rtnl, slave, slave.perm_hwaddr)?;
        self.alb_collision_on_attach(bond_dev, rtnl, slave)?;
        slave.tlb_load.store(0, Relaxed);
        let mut st = self.alb.lock();
        st.clock.rebalance_soon();
        st.rlb.rebalance_soon();
        Ok(())
    }

    /// `alb_handle_addr_collision_on_attach()`: a new slave whose MAC is
    /// the bond's or another slave's takes the own MAC of a slave that no
    /// slave uses.
    fn alb_collision_on_attach(&self, bond_dev: &Device, rtnl: &Rtnl, slave: &Slave) -> Result {
        let slaves = self.slaves_now(rtnl)?;
        let bond_mac = bond_dev.dev_addr();
        let in_use = |mac: MacAddr| slaves.iter().any(|s| s.dev.dev_addr() == mac);
        if slaves.is_empty() || (slave.perm_hwaddr != bond_mac && !in_use(slave.dev.dev_addr())) {
            return Ok(());
        }
        if slave.perm_hwaddr != bond_mac {
            let _ = self.alb_set_slave_mac(rtnl, slave, bond_mac);
        }
        let mut has_bond_mac = self.config.borrow(rtnl)?.active.is_some();
        let mut free = None;
        for s in slaves.iter() {
            if !in_use(s.perm_hwaddr) {
                free = Some(s);
                break;
            }
            has_bond_mac |= s.dev.dev_addr() == bond_mac;
        }
        if let Some(f) = free {
            let _ = self.alb_set_slave_mac(rtnl, slave, f.perm_hwaddr);
            slave.info(
                &KERN_WARNING,
                format_args!(
                    "the slave hw address is in use by the bond; giving it the hw address of {}\n",
                    f.dev.name()
                ),
            );
        } else if has_bond_mac {
            slave.info(
                &KERN_ERR,
                format_args!("the slave hw address is in use by the bond; couldn't find a slave with a free hw address to give it (this should not have happened)\n"),
            );
            return Err(EFAULT);
        }
        Ok(())
    }

    /// `bond_alb_deinit_slave()`: a leaving slave gives back a MAC of
    /// another slave it holds, and its flows and clients go elsewhere.
    fn alb_unbind(&self, bond_dev: &Device, rtnl: &Rtnl, slave: &Slave) {
        let Ok(slaves) = self.slaves_now(rtnl) else {
            return;
        };
        let others = || slaves.iter().filter(|s| !core::ptr::eq(&***s, slave));
        let (cur, perm) = (slave.dev.dev_addr(), slave.perm_hwaddr);
        if others().next().is_some() && perm != cur && perm != bond_dev.dev_addr() {
            if let Some(found) = others().find(|s| s.dev.dev_addr() == perm) {
                self.alb_swap_macs(rtnl, slave, found);
                self.alb_fasten_swap(bond_dev, rtnl, slave, found);
            }
        }
        self.alb_forget_slave(bond_dev, rtnl, slave, true);
    }

    /// `tlb_clear_slave()` and `rlb_clear_slave()`: a slave that failed or
    /// leaves loses its flows and clients; a disabled one's MAC is taught
    /// on the active slave.
    fn alb_forget_slave(&self, bond_dev: &Device, rtnl: &Rtnl, slave: &Slave, leaving: bool) {
        let alb = self.options(rtnl).mode == Mode::Alb;
        RcuGuard::lock_with(|rcu| {
            let Some(set) = self.slaves.read(rcu) else {
                return;
            };
            let mut st = self.alb.lock();
            if let Some(mut t) = st.tlb() {
                t.clear_slave(key(slave), false);
            }
            slave.tlb_load.store(0, Relaxed);
            if alb {
                if let Some(mut t) = st.rlb() {
                    if leaving {
                        t.forget_rx_slave();
                    }
                    t.clear_slave(key(slave), rx_slaves(set, Some(key(slave))));
                }
            }
        });
        let active = self.config.borrow(rtnl).ok().and_then(|c| c.active.clone());
        if alb && !holds(&active, slave) {
            self.rlb_teach_on_active(bond_dev, rtnl, slave.dev.dev_addr());
        }
    }

    /// `bond_alb_handle_link_change()`.
    fn alb_link_changed(&self, bond_dev: &Device, rtnl: &Rtnl, slave: &Slave) {
        match slave.link() {
            crate::bond_policy::Link::Down => self.alb_forget_slave(bond_dev, rtnl, slave, false),
            crate::bond_policy::Link::Up => {
                let mut st = self.alb.lock();
                st.clock.rebalance_soon();
                st.rlb.rebalance_soon();
            }
            _ => {}
        }
    }

    /// `bond_alb_clear_vlan()`: the clients seen on a VLAN the bond lost.
    pub(super) fn alb_vlan_gone(&self, vid: u16) {
        if let Some(mut t) = self.alb.lock().rlb() {
            t.clear_vlan(vid);
        }
    }
}

/// The monitor (`bond_alb_monitor()`).
impl Bonding {
    fn alb_monitor(&self, bond_dev: &Device) -> Rearm {
        let again = Rearm::Ms(TICK_MS);
        // The promiscuity lent to the active slave times out (RTNL,
        // taken with no RCU section open).
        if self.alb.lock().promisc.tick() {
            let Some(rtnl) = Rtnl::try_lock() else {
                return again;
            };
            // No borrow of the configuration is held across the call: the
            // slave's NETDEV_CHANGE comes back to the bond.
            let active = self
                .config
                .borrow(&rtnl)
                .ok()
                .and_then(|c| c.active.clone());
            if let Some(active) = active {
                if self.alb.lock().promisc.on {
                    let _ = active.dev.set_promiscuity(&rtnl, -1);
                }
            }
            self.alb.lock().promisc.restart(false);
        }
        let rcu = RcuGuard::lock();
        let Some(set) = self.slaves.read(&rcu) else {
            return again;
        };
        let p = set.params;
        let tick = self
            .alb
            .lock()
            .clock
            .tick(!set.all.is_empty(), p.lp_interval);
        if tick.learning {
            for s in set.all.iter() {
                let strict = !holds(&set.active, s) || p.mode == Mode::Alb;
                self.alb_learning_packets(bond_dev, s, s.dev.dev_addr(), strict);
            }
        }
        if tick.rebalance_tx {
            let mut st = self.alb.lock();
            if let Some(mut t) = st.tlb() {
                for s in set.all.iter() {
                    t.clear_slave(key(s), true);
                    s.tlb_load.store(0, Relaxed);
                    if holds(&set.active, s) {
                        let bytes = self.alb_unbalanced.swap(0, Relaxed);
                        s.tlb_load.store(unbalanced_rate(bytes), Relaxed);
                    }
                }
            }
        }
        if p.mode != Mode::Alb {
            return again;
        }
        let rt = match self.alb.lock().rlb() {
            Some(mut t) => t.tick(),
            None => return again,
        };
        if rt.rebalance {
            if let Some(mut t) = self.alb.lock().rlb() {
                t.rebalance(rx_slaves(set, None));
            }
        }
        if rt.update_clients {
            let mut todo = [0u8; 256];
            let n = self
                .alb
                .lock()
                .rlb()
                .map_or(0, |mut t| t.updates(&mut todo));
            for &i in todo.iter().take(n) {
                let u = self.alb.lock().rlb().and_then(|t| t.update(i));
                if let Some(u) = u {
                    send_client_update(set, &u);
                }
            }
        }
        again
    }

    /// `bond_alb_initialize()`: the tables, allocated before the lock.
    fn alb_open(&self, bond_dev: &Device, rtnl: &Rtnl) -> Result {
        let p = self.options(rtnl);
        let mut flows = KVec::with_capacity(256, GFP_KERNEL)?;
        for _ in 0..256 {
            flows.push(TlbFlow::default(), GFP_KERNEL)?;
        }
        let mut clients = KVec::new();
        if p.mode == Mode::Alb {
            clients = KVec::with_capacity(256, GFP_KERNEL)?;
            for _ in 0..256 {
                clients.push(RlbClient::EMPTY, GFP_KERNEL)?;
            }
        }
        {
            let mut st = self.alb.lock();
            core::mem::swap(&mut st.flows, &mut flows);
            core::mem::swap(&mut st.clients, &mut clients);
            st.rlb.forget_clients();
        }
        if p.tlb_dynamic_lb || p.mode == Mode::Alb {
            bond_dev.start_work::<BondDriver>(ALB_WORK, 0);
        }
        // Whatever a previous opening left is freed outside the lock.
        drop((flows, clients));
        Ok(())
    }

    /// `bond_alb_deinitialize()`.
    fn alb_stop(&self, bond_dev: &Device) {
        bond_dev.stop_work::<BondDriver>(ALB_WORK);
        let (flows, clients) = {
            let mut st = self.alb.lock();
            (
                core::mem::take(&mut st.flows),
                core::mem::take(&mut st.clients),
            )
        };
        drop((flows, clients));
    }
}

/// balance-tlb's and balance-alb's hooks into the core (`bond_modes.rs`).
pub(super) struct AlbMode;

impl ModeHooks for AlbMode {
    fn open(bond: &Bonding, dev: &Device, rtnl: &Rtnl) -> Result {
        bond.alb_open(dev, rtnl)
    }

    fn stop(bond: &Bonding, dev: &Device, _rtnl: &Rtnl) {
        bond.alb_stop(dev);
    }

    fn bind(bond: &Bonding, dev: &Device, rtnl: &Rtnl, slave: &Arc<Slave>) -> Result {
        bond.alb_bind(dev, rtnl, slave)
    }

    fn unbind(bond: &Bonding, dev: &Device, rtnl: &Rtnl, slave: &Slave) {
        bond.alb_unbind(dev, rtnl, slave);
    }

    fn link_changed(bond: &Bonding, dev: &Device, rtnl: &Rtnl, slave: &Slave) {
        bond.alb_link_changed(dev, rtnl, slave);
    }

    #[inline]
    fn receive(slave: &Slave, skb: &mut RxSkb<'_>, _rcu: &RcuGuard) -> Option<RxResult> {
        // The C driver's recv_probe, set while an alb bond is up.
        if !slave.alb_rx.load(Relaxed) || !skb.has_protocol(ETH_P_ARP) || !slave.bond.is_running() {
            return None;
        }
        slave.bond.driver_data::<BondDriver>()?.rlb_arp_rcv(skb);
        None
    }

    fn work(bond: &Bonding, dev: &Device, id: WorkId) -> Option<Rearm> {
        (id == ALB_WORK).then(|| bond.alb_monitor(dev))
    }
}
