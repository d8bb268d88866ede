// SPDX-License-Identifier: GPL-2.0

//! balance-tlb and balance-alb (modes 5 and 6): the transmit load table,
//! the receive client table and the decisions taken on them. Pure Rust,
//! host-tested; `bond_alb_mode.rs` applies them to devices.
//!
//! **Transmit (tlb).** Frames that may be balanced (unicast IPv4 and
//! IPv6, not neighbour discovery) hash into a table of 256 flows. A flow
//! without a slave takes the slave with the largest gap between its speed
//! and its load; the load of each flow is measured over 10 s and the
//! table is emptied then, so that every flow is placed again by the loads
//! of the last interval (the C driver's `tlb_*`). With `tlb_dynamic_lb 0`
//! the transmit hash picks among the usable slaves instead. Everything
//! else leaves through the current active slave, which alone receives.
//!
//! **Receive (alb).** ARP replies the bond sends are rewritten per client
//! so that each client sends to the MAC of the slave it was given: a
//! table of clients, hashed by the client's IPv4 address, remembers whom
//! each was given. Clients are told again (ARP replies, "client updates")
//! when their slave changes: a slave failing, a rebalance after a slave
//! comes up, a MAC swap (the C driver's `rlb_*`).
//!
//! A slave is named by a [`SlaveKey`] (its ifindex): the tables hold no
//! reference to it, and the caller maps a key back to a slave.

#![forbid(unsafe_code)]

use crate::bond_monitor::{ARPOP_REPLY, ARP_LEN, ETH_P_ARP, ETH_P_IP, ETH_P_IPV6};

/// A slave as the tables name it: its device's ifindex.
pub(crate) type SlaveKey = i32;

/// The monitor's tick: 10 a second (`ALB_TIMER_TICKS_PER_SEC`).
pub(crate) const TICK_MS: u32 = 100;
const TICKS_PER_SEC: u32 = 1000 / TICK_MS;
/// The transmit table is emptied every 10 s (`BOND_TLB_REBALANCE_INTERVAL`).
const REBALANCE_INTERVAL: u32 = 10;
/// ... that is, every 100 ticks (`BOND_TLB_REBALANCE_TICKS`).
pub(crate) const REBALANCE_TICKS: u32 = REBALANCE_INTERVAL * TICKS_PER_SEC;
/// Client updates wait 2 s after an ARP request the bond sent
/// (`RLB_UPDATE_DELAY`), so that they cancel its effect.
const RLB_UPDATE_DELAY: u32 = 2 * TICKS_PER_SEC;
/// ARP replies per client update (`RLB_ARP_BURST_SIZE`).
pub(crate) const RLB_ARP_BURST: u32 = 2;
/// Extra rounds of client updates after a slave left (`RLB_UPDATE_RETRY`).
const RLB_UPDATE_RETRY: u32 = 3;
/// Ticks the active slave stays promiscuous after it was taught a disabled
/// slave's MAC (`RLB_PROMISC_TIMEOUT`).
const RLB_PROMISC_TIMEOUT: u32 = 10 * TICKS_PER_SEC;
/// A learning packet's EtherType (`ETH_P_LOOPBACK`) and payload: zeros up
/// to the minimum frame (`struct learning_pkt`).
pub(crate) const LEARNING_ETHERTYPE: u16 = 0x9000;
pub(crate) const LEARNING_PAYLOAD: [u8; 46] = [0; 46];
/// The offset of the sender MAC in an ARP packet (`arp_pkt.mac_src`).
pub(crate) const ARP_SENDER_MAC: usize = 8;

const IPPROTO_IGMP: u8 = 2;
const IPPROTO_ICMPV6: u8 = 58;
const NDISC_NEIGHBOUR_SOLICITATION: u8 = 135;
const NDISC_NEIGHBOUR_ADVERTISEMENT: u8 = 136;
const IPV6_ALL_NODES_MAC: [u8; 6] = [0x33, 0x33, 0, 0, 0, 1];

/// `_simple_hash()`: the bytes XORed together.
pub(crate) fn simple_hash(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0, |h, b| h ^ b)
}

/// `is_valid_ether_addr()`: unicast and not all zeros.
pub(crate) fn is_valid_unicast(mac: &[u8; 6]) -> bool {
    mac[0] & 1 == 0 && *mac != [0; 6]
}

/// Where an outgoing frame goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TxPlan {
    /// Not balanced: the current active slave ("unbalanced load").
    Unbalanced,
    /// Balanced by the bond's transmit hash (`bond_xmit_hash()`).
    XmitHash,
    /// Balanced by this hash of the destination IP address (alb with
    /// `tlb_dynamic_lb`).
    Dest(u8),
    /// An ARP packet: receive load balancing decides (alb), or the active
    /// slave.
    Arp,
}

/// `alb_determine_nd()`: an ICMPv6 neighbour solicitation or
/// advertisement (or a header too short to tell, which counts as one).
fn is_neighbour_discovery(l3: &[u8]) -> bool {
    if l3.len() < 40 {
        return true;
    }
    if l3[6] != IPPROTO_ICMPV6 {
        return false;
    }
    match l3.get(40) {
        Some(&t) if l3.len() >= 48 => {
            t == NDISC_NEIGHBOUR_SOLICITATION || t == NDISC_NEIGHBOUR_ADVERTISEMENT
        }
        _ => true,
    }
}

/// `bond_xmit_tlb_slave_get()`: unicast IPv4, and IPv6 but neighbour
/// discovery, are balanced by the transmit hash; `l3` is the frame from
/// its network header, `proto` the buffer's protocol.
pub(crate) fn tlb_plan(dest: &[u8; 6], proto: u16, l3: &[u8]) -> TxPlan {
    if dest[0] & 1 != 0 {
        return TxPlan::Unbalanced;
    }
    match proto {
        ETH_P_IPV6 if is_neighbour_discovery(l3) => TxPlan::Unbalanced,
        ETH_P_IPV6 | ETH_P_IP => TxPlan::XmitHash,
        _ => TxPlan::Unbalanced,
    }
}

/// `bond_xmit_alb_slave_get()`: as tlb, but IPv4 broadcasts and IGMP,
/// IPv6 all-nodes, neighbour discovery and DAD probes are not balanced,
/// the others by their destination address (`dynamic`) or the transmit
/// hash; ARP goes to receive load balancing.
pub(crate) fn alb_plan(dest: &[u8; 6], proto: u16, l3: &[u8], dynamic: bool) -> TxPlan {
    let balance = |daddr: &[u8]| {
        if dynamic {
            TxPlan::Dest(simple_hash(daddr))
        } else {
            TxPlan::XmitHash
        }
    };
    let broadcast = *dest == [0xff; 6];
    match proto {
        ETH_P_IP => {
            if broadcast || l3.len() < 20 {
                return TxPlan::Unbalanced;
            }
            if l3[16..20] == [0xff; 4] || l3[9] == IPPROTO_IGMP {
                return TxPlan::Unbalanced;
            }
            balance(&l3[16..20])
        }
        ETH_P_IPV6 => {
            if broadcast || *dest == IPV6_ALL_NODES_MAC || is_neighbour_discovery(l3) {
                return TxPlan::Unbalanced;
            }
            // DAD probes (from ::) would find their own address taken.
            if l3[8..24] == [0; 16] {
                return TxPlan::Unbalanced;
            }
            balance(&l3[24..40])
        }
        ETH_P_ARP => TxPlan::Arp,
        _ => TxPlan::Unbalanced,
    }
}

/// The fields of an Ethernet/IPv4 ARP packet that the client table reads
/// (`struct arp_pkt`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ArpPkt {
    pub(crate) op: u16,
    pub(crate) mac_src: [u8; 6],
    pub(crate) ip_src: [u8; 4],
    pub(crate) mac_dst: [u8; 6],
    pub(crate) ip_dst: [u8; 4],
}

impl ArpPkt {
    /// The length the fields need.
    pub(crate) const LEN: usize = ARP_LEN;

    /// From the packet's first [`ArpPkt::LEN`] bytes; as the C driver, the
    /// hardware and protocol types are not checked.
    pub(crate) fn parse(b: &[u8]) -> Option<Self> {
        let b: &[u8; Self::LEN] = b.get(..Self::LEN)?.try_into().ok()?;
        let mut p = Self {
            op: u16::from_be_bytes([b[6], b[7]]),
            ..Self::default()
        };
        p.mac_src.copy_from_slice(&b[8..14]);
        p.ip_src.copy_from_slice(&b[14..18]);
        p.mac_dst.copy_from_slice(&b[18..24]);
        p.ip_dst.copy_from_slice(&b[24..28]);
        Some(p)
    }
}

/// A slave as a choice sees it: one that can transmit now
/// (`bond_slave_can_tx()`), with its speed (Mb/s) and transmit load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TxSlave {
    pub(crate) key: SlaveKey,
    pub(crate) speed: u32,
    pub(crate) load: u32,
}

/// `tlb_get_least_loaded_slave()`: the slave whose speed leaves the most
/// room above its load, the first of equals. As the C driver, the speed
/// in bits and the load in bits are computed in 32 bits.
pub(crate) fn least_loaded(slaves: impl Iterator<Item = TxSlave>) -> Option<SlaveKey> {
    let mut best = None;
    let mut max_gap = i64::MIN;
    for s in slaves {
        let gap = i64::from(s.speed.wrapping_shl(20)) - i64::from(s.load.wrapping_shl(3));
        if max_gap < gap {
            best = Some(s.key);
            max_gap = gap;
        }
    }
    best
}

/// One flow of the transmit table (`struct tlb_client_info`).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TlbFlow {
    slave: Option<SlaveKey>,
    /// Bytes sent in this interval.
    tx_bytes: u32,
    /// Bytes per second in the last interval, plus one.
    load_history: u32,
}

/// The flows of the transmit table: 256 (`tx_hashtbl`), one per value
/// of a byte-wide hash.
pub(crate) type TlbFlows = [TlbFlow; 256];

/// The transmit table, on flows that live where the caller keeps them.
pub(crate) struct TlbTable<'a> {
    flows: &'a mut TlbFlows,
}

impl<'a> TlbTable<'a> {
    pub(crate) fn new(flows: &'a mut TlbFlows) -> Self {
        Self { flows }
    }

    /// `__tlb_choose_channel()`: the flow's slave, or `pick()` (the least
    /// loaded slave) assigned to it; `len` bytes are counted to the flow.
    /// Returns the slave and the load to add to it (the flow's history,
    /// when the flow was just assigned; 0 otherwise).
    pub(crate) fn choose(
        &mut self,
        index: u8,
        len: u32,
        pick: impl FnOnce() -> Option<SlaveKey>,
    ) -> Option<(SlaveKey, u32)> {
        let flow = &mut self.flows[usize::from(index)];
        let (slave, added) = match flow.slave {
            Some(s) => (s, 0),
            None => {
                let s = pick()?;
                flow.slave = Some(s);
                (s, flow.load_history)
            }
        };
        flow.tx_bytes = flow.tx_bytes.wrapping_add(len);
        Some((slave, added))
    }

    /// `__tlb_clear_slave()`: the slave's flows lose it; with `save_load`
    /// each keeps what it sent as its history. The caller zeroes the
    /// slave's load.
    pub(crate) fn clear_slave(&mut self, key: SlaveKey, save_load: bool) {
        for f in self.flows.iter_mut().filter(|f| f.slave == Some(key)) {
            if save_load {
                f.load_history = 1 + f.tx_bytes / REBALANCE_INTERVAL;
                f.tx_bytes = 0;
            }
            f.slave = None;
        }
    }

    /// The slave a flow is assigned to.
    #[cfg(test)]
    pub(crate) fn slave_of(&self, index: u8) -> Option<SlaveKey> {
        self.flows[usize::from(index)].slave
    }
}

/// The monitor's counters shared by tlb and alb (`alb_bond_info`).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct AlbClock {
    /// Ticks since the transmit table was last emptied.
    pub(crate) tx_rebalance: u32,
    /// Ticks since learning packets were last sent.
    lp: u32,
}

/// What one tick of the monitor does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tick {
    /// Send learning packets on every slave.
    pub(crate) learning: bool,
    /// Empty the transmit table, each flow keeping its load.
    pub(crate) rebalance_tx: bool,
}

impl AlbClock {
    /// `bond_alb_monitor()`'s counting: learning packets every
    /// `lp_interval` s, a transmit rebalance every 10 s; a bond without
    /// slaves starts over.
    pub(crate) fn tick(&mut self, has_slaves: bool, lp_interval: u32) -> Tick {
        if !has_slaves {
            *self = Self::default();
            return Tick::default();
        }
        self.tx_rebalance += 1;
        self.lp += 1;
        let mut t = Tick::default();
        if self.lp >= lp_interval.saturating_mul(TICKS_PER_SEC) {
            t.learning = true;
            self.lp = 0;
        }
        if self.tx_rebalance >= REBALANCE_TICKS {
            t.rebalance_tx = true;
            self.tx_rebalance = 0;
        }
        t
    }

    /// A rebalance at the next tick (a slave came, or came up).
    pub(crate) fn rebalance_soon(&mut self) {
        self.tx_rebalance = REBALANCE_TICKS;
    }
}

/// `compute_gap()`'s other side after a rebalance: the active slave
/// starts the interval with the unbalanced traffic's rate.
pub(crate) fn unbalanced_rate(unbalanced_bytes: u32) -> u32 {
    unbalanced_bytes / REBALANCE_INTERVAL
}

const NONE: u16 = u16::MAX;

/// One client of the receive table (`struct rlb_client_info`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RlbClient {
    /// The bond's address the client talks to.
    pub(crate) ip_src: [u8; 4],
    /// The client's address.
    pub(crate) ip_dst: [u8; 4],
    /// The bond's MAC as the ARP said it.
    pub(crate) mac_src: [u8; 6],
    /// The client's MAC (broadcast until it replies).
    pub(crate) mac_dst: [u8; 6],
    /// The slave the client sends to.
    pub(crate) slave: Option<SlaveKey>,
    pub(crate) assigned: bool,
    /// The client is to be told its slave's MAC.
    ntt: bool,
    /// The VLAN the client was seen on.
    pub(crate) vlan_id: u16,
    used_next: u16,
    used_prev: u16,
}

impl RlbClient {
    /// A client never seen.
    pub(crate) const EMPTY: Self = Self {
        ip_src: [0; 4],
        ip_dst: [0; 4],
        mac_src: [0; 6],
        mac_dst: [0; 6],
        slave: None,
        assigned: false,
        ntt: false,
        vlan_id: 0,
        used_next: NONE,
        used_prev: NONE,
    };
}

/// What telling a client takes: ARP replies from `ip_src` with the
/// slave's MAC to the client at `ip_dst`/`mac_dst` (`rlb_update_client()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ClientUpdate {
    pub(crate) slave: SlaveKey,
    pub(crate) ip_src: [u8; 4],
    pub(crate) ip_dst: [u8; 4],
    pub(crate) mac_dst: [u8; 6],
    pub(crate) vlan_id: u16,
}

/// What one tick of the monitor does for receive load balancing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RlbTick {
    /// Reassign every client ([`RlbTable::rebalance`]).
    pub(crate) rebalance: bool,
    /// Tell the clients that need it ([`RlbTable::updates`]).
    pub(crate) update_clients: bool,
}

/// The clients of the receive table: 256 (`rx_hashtbl`), hashed by the
/// client's address.
pub(crate) type RlbClients = [RlbClient; 256];

/// The state of the receive table besides its clients (the `rlb_*`
/// fields of `alb_bond_info`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct RlbState {
    used_head: u16,
    /// The slave the last client was given (`rx_slave`).
    rx_slave: Option<SlaveKey>,
    /// Some client needs telling (`rx_ntt`).
    rx_ntt: bool,
    update_delay: u32,
    update_retry: u32,
    /// Reassign every client at the next tick.
    rebalance: bool,
}

impl RlbState {
    /// No client yet.
    pub(crate) const NEW: Self = Self {
        used_head: NONE,
        rx_slave: None,
        rx_ntt: false,
        update_delay: 0,
        update_retry: 0,
        rebalance: false,
    };

    /// The clients are gone (a new table): none is in use.
    pub(crate) fn forget_clients(&mut self) {
        self.used_head = NONE;
    }

    /// A rebalance at the next tick (`rlb_rebalance`).
    pub(crate) fn rebalance_soon(&mut self) {
        self.rebalance = true;
    }
}

/// The receive table: its clients, in use in the order they came (the
/// newest first), and the state of their updates.
pub(crate) struct RlbTable<'a> {
    clients: &'a mut RlbClients,
    st: &'a mut RlbState,
}

/// A slave as receive load balancing sees it: one that can transmit, and
/// its speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RxSlave {
    pub(crate) key: SlaveKey,
    pub(crate) speed: u32,
}

impl<'a> RlbTable<'a> {
    pub(crate) fn new(clients: &'a mut RlbClients, st: &'a mut RlbState) -> Self {
        Self { clients, st }
    }

    /// The clients in use, newest first, with their index.
    pub(crate) fn used(&self) -> impl Iterator<Item = (u8, &RlbClient)> + '_ {
        let mut i = self.st.used_head;
        core::iter::from_fn(move || {
            let c = self.clients.get(usize::from(i))?;
            let this = i as u8;
            i = c.used_next;
            Some((this, c))
        })
    }

    /// The indexes of the clients in use, newest first, into `out`;
    /// how many.
    fn used_indexes(&self, out: &mut [u8; 256]) -> usize {
        let mut n = 0;
        for ((i, _), slot) in self.used().zip(out.iter_mut()) {
            *slot = i;
            n += 1;
        }
        n
    }

    /// `__rlb_next_rx_slave()`: the fastest slave after the last one
    /// given, or before it (and it) if none after is as fast.
    pub(crate) fn next_rx_slave(
        &mut self,
        slaves: impl Iterator<Item = RxSlave>,
    ) -> Option<SlaveKey> {
        let (mut before, mut after): (Option<RxSlave>, Option<RxSlave>) = (None, None);
        let mut found = false;
        for s in slaves {
            if !found {
                if before.map_or(true, |b| b.speed < s.speed) {
                    before = Some(s);
                }
            } else if after.map_or(true, |a| a.speed < s.speed) {
                after = Some(s);
            }
            if Some(s.key) == self.st.rx_slave {
                found = true;
            }
        }
        let pick = match (after, before) {
            (Some(a), Some(b)) if a.speed < b.speed => Some(b),
            (None, b) => b,
            (a, _) => a,
        };
        if let Some(p) = pick {
            self.st.rx_slave = Some(p.key);
        }
        pick.map(|p| p.key)
    }

    /// The slave last given to a client forgets (a slave left).
    pub(crate) fn forget_rx_slave(&mut self) {
        self.st.rx_slave = None;
    }

    fn update_of(c: &RlbClient) -> Option<ClientUpdate> {
        let slave = c.slave?;
        is_valid_unicast(&c.mac_dst).then_some(ClientUpdate {
            slave,
            ip_src: c.ip_src,
            ip_dst: c.ip_dst,
            mac_dst: c.mac_dst,
            vlan_id: c.vlan_id,
        })
    }

    /// Puts a client on the list of those in use.
    fn link_used(&mut self, index: u8) {
        let head = self.st.used_head;
        if let Some(h) = self.clients.get_mut(usize::from(head)) {
            h.used_prev = u16::from(index);
        }
        let c = &mut self.clients[usize::from(index)];
        c.used_next = head;
        c.used_prev = NONE;
        c.assigned = true;
        self.st.used_head = u16::from(index);
    }

    /// `rlb_delete_table_entry()`: the client is no longer in use.
    fn delete(&mut self, index: u8) {
        let c = self.clients[usize::from(index)];
        if self.st.used_head == u16::from(index) {
            self.st.used_head = c.used_next;
        }
        if let Some(p) = self.clients.get_mut(usize::from(c.used_prev)) {
            p.used_next = c.used_next;
        }
        if let Some(n) = self.clients.get_mut(usize::from(c.used_next)) {
            n.used_prev = c.used_prev;
        }
        let c = &mut self.clients[usize::from(index)];
        c.used_next = NONE;
        c.used_prev = NONE;
        c.assigned = false;
        c.slave = None;
        c.vlan_id = 0;
    }

    /// `rlb_choose_channel()`, for an ARP the bond sends: the slave its
    /// target is (or now gets) assigned to, seen on VLAN `vlan_id`. A
    /// client that held the entry before is moved to the active slave;
    /// the update that tells it so is returned with the choice.
    pub(crate) fn choose<I>(
        &mut self,
        arp: &ArpPkt,
        vlan_id: u16,
        active: Option<SlaveKey>,
        slaves: I,
    ) -> (Option<SlaveKey>, Option<ClientUpdate>)
    where
        I: Iterator<Item = RxSlave>,
    {
        let index = simple_hash(&arp.ip_dst);
        let mut moved = None;
        let c = &mut self.clients[usize::from(index)];
        if c.assigned {
            if c.ip_src == arp.ip_src && c.ip_dst == arp.ip_dst {
                if arp.mac_dst != [0xff; 6] {
                    c.mac_dst = arp.mac_dst;
                }
                c.mac_src = arp.mac_src;
                if let Some(s) = c.slave {
                    return (Some(s), None);
                }
            } else if active.is_some() && c.slave != active {
                c.slave = active;
                moved = Self::update_of(c);
            }
        }
        let Some(slave) = self.next_rx_slave(slaves) else {
            return (None, moved);
        };
        let c = &mut self.clients[usize::from(index)];
        c.ip_src = arp.ip_src;
        c.ip_dst = arp.ip_dst;
        c.mac_dst = arp.mac_dst;
        c.mac_src = arp.mac_src;
        c.slave = Some(slave);
        c.ntt = is_valid_unicast(&c.mac_dst);
        c.vlan_id = vlan_id;
        if c.ntt {
            self.st.rx_ntt = true;
        }
        if !c.assigned {
            self.link_used(index);
        }
        (Some(slave), moved)
    }

    /// After the bond sent an ARP request from `ip_src`: replies wait, and
    /// the clients of `ip_src` given another slave than the one with the
    /// bond's MAC are told again, since the broadcast request taught them
    /// the bond's MAC (`rlb_req_update_subnet_clients()`). `has_bond_mac`
    /// says whether a slave has it. Returns how many clients had no slave
    /// (the C driver logs each).
    pub(crate) fn request_sent(
        &mut self,
        ip_src: [u8; 4],
        has_bond_mac: impl Fn(SlaveKey) -> bool,
    ) -> u32 {
        self.st.update_delay = RLB_UPDATE_DELAY;
        let mut orphans = 0;
        let mut i = self.st.used_head;
        while let Some(c) = self.clients.get_mut(usize::from(i)) {
            i = c.used_next;
            let Some(s) = c.slave else {
                orphans += 1;
                continue;
            };
            if c.ip_src == ip_src && !has_bond_mac(s) && is_valid_unicast(&c.mac_dst) {
                c.ntt = true;
                self.st.rx_ntt = true;
            }
        }
        orphans
    }

    /// An ARP received on a slave (`rlb_arp_recv()`): entries of its
    /// sender address learned from another MAC are dropped (another host
    /// took the address); a reply updates its client's MAC.
    pub(crate) fn arp_received(&mut self, arp: &ArpPkt) {
        // rlb_purge_src_ip().
        let mut i = self.st.used_head;
        while let Some(c) = self.clients.get(usize::from(i)) {
            let (this, next) = (i as u8, c.used_next);
            if c.ip_src == arp.ip_src && c.mac_src != arp.mac_src {
                self.delete(this);
            }
            i = next;
        }
        if arp.op != ARPOP_REPLY {
            return;
        }
        // rlb_update_entry_from_arp().
        let c = &mut self.clients[usize::from(simple_hash(&arp.ip_src))];
        if c.assigned
            && c.ip_src == arp.ip_dst
            && c.ip_dst == arp.ip_src
            && c.mac_dst != arp.mac_src
        {
            c.mac_dst = arp.mac_src;
            c.ntt = true;
            self.st.rx_ntt = true;
        }
    }

    /// `rlb_clear_slave()`: the clients of a slave that failed or left go
    /// to the next slave (`slaves`, without it), and are told, more than
    /// once; with no slave left, to none.
    pub(crate) fn clear_slave<I>(&mut self, key: SlaveKey, slaves: I)
    where
        I: Iterator<Item = RxSlave> + Clone,
    {
        let mut i = self.st.used_head;
        while let Some(c) = self.clients.get(usize::from(i)) {
            let (this, next) = (usize::from(i), c.used_next);
            if c.slave == Some(key) {
                let to = self.next_rx_slave(slaves.clone());
                let c = &mut self.clients[this];
                c.slave = to;
                if to.is_some() && is_valid_unicast(&c.mac_dst) {
                    c.ntt = true;
                    self.st.rx_ntt = true;
                    self.st.update_retry = RLB_UPDATE_RETRY;
                }
            }
            i = next;
        }
    }

    /// `rlb_req_update_slave_clients()`: a slave's MAC changed; its
    /// clients are told, more than once.
    pub(crate) fn slave_mac_changed(&mut self, key: SlaveKey) {
        let mut any = false;
        let mut i = self.st.used_head;
        while let Some(c) = self.clients.get_mut(usize::from(i)) {
            i = c.used_next;
            if c.slave == Some(key) && is_valid_unicast(&c.mac_dst) {
                c.ntt = true;
                any = true;
            }
        }
        if any {
            self.st.rx_ntt = true;
            self.st.update_retry = RLB_UPDATE_RETRY;
        }
    }

    /// `rlb_rebalance()`: every client is given a slave again, in turn.
    pub(crate) fn rebalance<I>(&mut self, slaves: I)
    where
        I: Iterator<Item = RxSlave> + Clone,
    {
        let mut order = [0u8; 256];
        let n = self.used_indexes(&mut order);
        let mut ntt = false;
        for &i in order.iter().take(n) {
            let Some(to) = self.next_rx_slave(slaves.clone()) else {
                continue;
            };
            let c = &mut self.clients[usize::from(i)];
            if c.slave != Some(to) {
                c.slave = Some(to);
                if c.mac_dst != [0; 6] {
                    c.ntt = true;
                    ntt = true;
                }
            }
        }
        if ntt {
            self.st.rx_ntt = true;
        }
    }

    /// `rlb_clear_vlan()`: the clients seen on a VLAN that the bond no
    /// longer has are forgotten.
    pub(crate) fn clear_vlan(&mut self, vlan_id: u16) {
        let mut order = [0u8; 256];
        let n = self.used_indexes(&mut order);
        for &i in order.iter().take(n) {
            if self.clients[usize::from(i)].vlan_id == vlan_id {
                self.delete(i);
            }
        }
    }

    /// `bond_alb_monitor()`'s receive part: a rebalance if one was asked
    /// for; client updates once none is held back.
    pub(crate) fn tick(&mut self) -> RlbTick {
        let mut t = RlbTick {
            rebalance: core::mem::take(&mut self.st.rebalance),
            update_clients: false,
        };
        if self.st.rx_ntt {
            if self.st.update_delay > 0 {
                self.st.update_delay -= 1;
            } else {
                t.update_clients = true;
            }
        }
        t
    }

    /// `rlb_update_rx_clients()`: the indexes of the clients to tell now,
    /// into `out` (how many); the clients stay to be told again while
    /// retries are left. Then updates wait [`RLB_UPDATE_DELAY`] ticks, and
    /// the retries count down.
    pub(crate) fn updates(&mut self, out: &mut [u8; 256]) -> usize {
        let mut order = [0u8; 256];
        let n = self.used_indexes(&mut order);
        let mut k = 0;
        for &i in order.iter().take(n) {
            let c = &mut self.clients[usize::from(i)];
            if !c.ntt {
                continue;
            }
            if let Some(slot) = out.get_mut(k) {
                *slot = i;
                k += 1;
            }
            if self.st.update_retry == 0 {
                c.ntt = false;
            }
        }
        self.st.update_delay = RLB_UPDATE_DELAY;
        if self.st.update_retry > 0 {
            self.st.update_retry -= 1;
        } else {
            self.st.rx_ntt = false;
        }
        k
    }

    /// The update for client `index`, if it can be told (a slave, a
    /// unicast MAC).
    pub(crate) fn update(&self, index: u8) -> Option<ClientUpdate> {
        Self::update_of(&self.clients[usize::from(index)])
    }
}

/// Whether the active slave may leave promiscuous mode: it was made
/// promiscuous to learn a disabled slave's MAC, and
/// [`RLB_PROMISC_TIMEOUT`] ticks passed (`rlb_promisc_timeout_counter`).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PromiscTimer {
    /// The active slave holds a promiscuity count of ours.
    pub(crate) on: bool,
    ticks: u32,
}

impl PromiscTimer {
    /// The active slave was made promiscuous (`on`) or the timer restarts.
    pub(crate) fn restart(&mut self, on: bool) {
        self.on = on;
        self.ticks = 0;
    }

    /// One tick; whether the count is to be given back now (the caller
    /// then calls [`PromiscTimer::restart`] with `false`).
    pub(crate) fn tick(&mut self) -> bool {
        if !self.on {
            return false;
        }
        self.ticks += 1;
        self.ticks >= RLB_PROMISC_TIMEOUT
    }
}

#[cfg(test)]
#[path = "tests/host/src/alb_tests.rs"]
mod tests;
