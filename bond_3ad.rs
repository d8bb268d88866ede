// SPDX-License-Identifier: GPL-2.0

//! 802.3ad (IEEE 802.1AX, LACP): the frames. Pure Rust, host-tested.
//!
//! Mode 4, as bond_3ad.c does it: the LACPDU and marker PDU as they travel
//! in slow-protocol frames (`struct lacpdu`, `struct bond_marker`), decoded
//! without trusting the sender; and the protocol's state machines (receive,
//! periodic, mux, transmit, churn) with the selection logic and the
//! aggregators, stepped by a 100 ms tick.
//!
//! Nothing here knows the kernel. The bond's ports live in a slice the
//! caller owns (one [`AdSlave`] per slave, in enslave order, each with the
//! aggregator it brings, as in the C driver); the caller feeds in each
//! slave's link facts, runs [`Lacp::tick`] and [`Lacp::rx_lacpdu`] under one
//! lock, sends the LACPDUs the ports have due, and applies each port's
//! [`Port::active`] to its slave. The kernel side is `bond_lacp.rs`.

#![forbid(unsafe_code)]

#[path = "bond_3ad_pdu.rs"]
pub(crate) mod pdu;
use crate::bond_params::AdSelect;
use pdu::{state, Lacpdu, Marker, MarkerKind, PortInfo, PDU_LEN};

// ---------------------------------------------------------------------------
// The state machines (bond_3ad.c, IEEE 802.1AX-2014 clause 6.4).

/// State machine ticks per second (`AD_TIMER_INTERVAL`, 100 ms).
pub(crate) const TICKS_PER_SEC: u16 = 10;
const FAST_PERIODIC_TIME: u16 = 1;
const SLOW_PERIODIC_TIME: u16 = 30;
const SHORT_TIMEOUT_TIME: u16 = 3 * FAST_PERIODIC_TIME;
const LONG_TIMEOUT_TIME: u16 = 3 * SLOW_PERIODIC_TIME;
const CHURN_DETECTION_TIME: u16 = 60;
const AGGREGATE_WAIT_TIME: u16 = 2;
/// Seconds after the first slave before an aggregator is chosen
/// (`AD_AGGREGATOR_SELECTION_TIMER`).
const AGGREGATOR_SELECTION_TIME: u16 = 8;
const MAX_TX_IN_SECOND: u16 = 3;

/// Port variables (`AD_PORT_*`).
mod var {
    pub(super) const BEGIN: u16 = 0x1;
    pub(super) const LACP_ENABLED: u16 = 0x2;
    pub(super) const ACTOR_CHURN: u16 = 0x4;
    pub(super) const PARTNER_CHURN: u16 = 0x8;
    pub(super) const READY: u16 = 0x10;
    pub(super) const READY_N: u16 = 0x20;
    pub(super) const MATCHED: u16 = 0x40;
    pub(super) const STANDBY: u16 = 0x80;
    pub(super) const SELECTED: u16 = 0x100;
    pub(super) const CHURNED: u16 = ACTOR_CHURN | PARTNER_CHURN;
}

/// Bits of a port key (`AD_*_KEY_MASKS`).
const DUPLEX_KEY: u16 = 0x1;
const SPEED_KEY: u16 = 0x3e;

/// Receive machine states (`rx_states_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RxState {
    Dummy = 0,
    Initialize,
    PortDisabled,
    LacpDisabled,
    Expired,
    Defaulted,
    Current,
}

/// Periodic transmission machine states (`periodic_states_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PeriodicState {
    Dummy = 0,
    NoPeriodic,
    Fast,
    Slow,
    Tx,
}

/// Mux machine states (`mux_states_t`): COLLECTING_DISTRIBUTING under
/// coupled control (`coupled_control 1`), COLLECTING then DISTRIBUTING
/// under independent control (802.1AX-2014, `coupled_control 0`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MuxState {
    Dummy = 0,
    Detached,
    Waiting,
    Attached,
    Collecting,
    Distributing,
    CollectingDistributing,
}

/// Churn detection machine states (`churn_state_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)] // the C driver's names
pub(crate) enum Churn {
    Monitor = 0,
    Churned,
    NoChurn,
}

impl Churn {
    /// As /proc shows it (`bond_3ad_churn_desc()`).
    pub(crate) fn desc(self) -> &'static str {
        match self {
            Self::Monitor => "monitoring",
            Self::Churned => "churned",
            Self::NoChurn => "none",
        }
    }
}

/// The speed code of a port key (`__get_link_speed()`): 0 when unknown.
pub(crate) fn speed_code(mbps: u32) -> u16 {
    match mbps {
        10 => 2,
        100 => 3,
        1000 => 4,
        2500 => 5,
        5000 => 6,
        10000 => 7,
        14000 => 8,
        20000 => 9,
        25000 => 10,
        40000 => 11,
        50000 => 12,
        56000 => 13,
        100000 => 14,
        200000 => 15,
        400000 => 16,
        800000 => 17,
        _ => 0,
    }
}

/// Mbps of a speed code (`__get_agg_bandwidth()`'s table).
fn code_mbps(code: u16) -> u32 {
    match code {
        1 => 1,
        2 => 10,
        3 => 100,
        4 => 1000,
        5 => 2500,
        6 => 5000,
        7 => 10000,
        8 => 14000,
        9 => 20000,
        10 => 25000,
        11 => 40000,
        12 => 50000,
        13 => 56000,
        14 => 100000,
        15 => 200000,
        16 => 400000,
        17 => 800000,
        _ => 0,
    }
}

/// LACPDU and marker counters (`struct bond_3ad_stats`), per slave and per
/// bond.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AdStats {
    pub(crate) lacpdu_rx: u64,
    pub(crate) lacpdu_tx: u64,
    pub(crate) lacpdu_unknown_rx: u64,
    pub(crate) lacpdu_illegal_rx: u64,
    pub(crate) marker_rx: u64,
    pub(crate) marker_tx: u64,
    pub(crate) marker_resp_rx: u64,
    pub(crate) marker_resp_tx: u64,
    pub(crate) marker_unknown_rx: u64,
}

impl AdStats {
    /// In `BOND_3AD_STAT_*` order.
    pub(crate) fn fields(&self) -> [u64; 9] {
        [
            self.lacpdu_rx,
            self.lacpdu_tx,
            self.lacpdu_unknown_rx,
            self.lacpdu_illegal_rx,
            self.marker_rx,
            self.marker_tx,
            self.marker_resp_rx,
            self.marker_resp_tx,
            self.marker_unknown_rx,
        ]
    }
}

/// What a slave tells the machines about its link.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LinkFacts {
    /// The bond counts its link as up (`slave->link == BOND_LINK_UP`).
    pub(crate) link_up: bool,
    /// Running with carrier (`netif_running && netif_carrier_ok`).
    pub(crate) dev_up: bool,
    /// Mbps; 0 when unknown.
    pub(crate) mbps: u32,
    /// Full duplex.
    pub(crate) full_duplex: bool,
}

/// One port: the actor's and the partner's information and the state of
/// its machines (`struct port`).
#[derive(Clone, Debug)]
pub(crate) struct Port {
    /// What we send as the actor: system, oper key, port priority and
    /// number, oper state.
    pub(crate) actor: PortInfo,
    admin_key: u16,
    /// The partner as last heard (or defaulted): `partner_oper`.
    pub(crate) partner: PortInfo,
    partner_admin: PortInfo,
    /// `is_enabled`: the port's link is up.
    enabled: bool,
    vars: u16,
    pub(crate) rx: RxState,
    rx_timer: u16,
    pub(crate) periodic: PeriodicState,
    periodic_timer: u16,
    pub(crate) mux: MuxState,
    mux_timer: u16,
    tx_timer: u16,
    /// Need to transmit.
    ntt: bool,
    /// An LACPDU is due now: the caller sends [`Port::lacpdu`] and then
    /// calls [`Port::sent`].
    tx_due: bool,
    pub(crate) churn_actor: Churn,
    churn_actor_timer: u16,
    pub(crate) churn_actor_count: u32,
    pub(crate) churn_partner: Churn,
    churn_partner_timer: u16,
    pub(crate) churn_partner_count: u32,
    /// The aggregator the port is attached to; 0 for none.
    pub(crate) agg_id: u16,
    /// When it joined that aggregator: the latest is the head of the C
    /// driver's `lag_ports` list.
    join_seq: u32,
    link: LinkFacts,
    /// Distributing: the slave transmits for the bond (an active slave,
    /// `BOND_STATE_ACTIVE`); else it is a backup.
    pub(crate) distributing: bool,
    /// Collecting: frames the slave receives go up on the bond (not
    /// `inactive`).
    pub(crate) collecting: bool,
    /// The slave's `rx_disabled`, which only the mux machine reads: off once
    /// collecting is enabled, even while `collecting` is not.
    rx_disabled: bool,
    pub(crate) stats: AdStats,
}

/// An aggregator (`struct aggregator`): one per slave; a port attaches to
/// its own or another one's.
#[derive(Clone, Debug, Default)]
pub(crate) struct Aggregator {
    pub(crate) id: u16,
    is_individual: bool,
    actor_admin_key: u16,
    pub(crate) actor_key: u16,
    pub(crate) partner_system: [u8; 6],
    partner_system_priority: u16,
    pub(crate) partner_key: u16,
    pub(crate) is_active: bool,
    pub(crate) num_ports: u16,
}

/// A slave's share of mode 4: its port and its aggregator.
#[derive(Clone, Debug)]
pub(crate) struct AdSlave {
    pub(crate) port: Port,
    pub(crate) agg: Aggregator,
}

/// The bond's 802.3ad settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AdParams {
    /// `lacp_active`: send LACPDUs without being asked.
    pub(crate) lacp_active: bool,
    /// `lacp_rate fast`: ask the partner for one LACPDU a second.
    pub(crate) lacp_fast: bool,
    /// `ad_select`.
    pub(crate) ad_select: AdSelect,
    /// `min_links`.
    pub(crate) min_links: u32,
    /// `ad_actor_sys_prio`.
    pub(crate) sys_prio: u16,
    /// The actor system: `ad_actor_system`, or the bond's MAC when that is
    /// zero.
    pub(crate) system: [u8; 6],
    /// `ad_user_port_key`.
    pub(crate) user_port_key: u16,
    /// `coupled_control`: collecting and distributing switched together.
    pub(crate) coupled_control: bool,
}

impl Default for AdParams {
    fn default() -> Self {
        Self {
            lacp_active: true,
            lacp_fast: false,
            ad_select: AdSelect::Stable,
            min_links: 0,
            sys_prio: 65535,
            system: [0; 6],
            user_port_key: 0,
            coupled_control: true,
        }
    }
}

/// The active aggregator as /proc and IFLA_BOND_AD_INFO report it
/// (`struct ad_info`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AdInfo {
    pub(crate) aggregator_id: u16,
    pub(crate) ports: u16,
    pub(crate) actor_key: u16,
    pub(crate) partner_key: u16,
    pub(crate) partner_system: [u8; 6],
}

/// Something the caller logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AdNote {
    /// An LACPDU from our own system came back (`An illegal loopback`).
    Loopback,
    /// The selected aggregator has no partner (`No 802.3ad response from
    /// the link partner for any adapters in the bond`).
    NoPartner,
    /// Link speed 0 on a port whose link is up.
    SpeedZero,
}

/// The bond's mode 4 state besides its ports (`struct ad_bond_info`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Lacp {
    pub(crate) params: AdParams,
    /// Ticks until the first aggregator selection.
    agg_select_timer: u16,
    last_agg_id: u16,
    join_seq: u32,
    pub(crate) stats: AdStats,
}

#[path = "bond_3ad_port.rs"]
mod port;

impl Aggregator {
    /// `ad_clear_agg()`: keeps only its identity.
    fn clear(&mut self) {
        *self = Self {
            id: self.id,
            ..Self::default()
        };
    }

    fn has_partner(&self) -> bool {
        self.partner_system != [0; 6]
    }
}

/// The ports attached to aggregator `id`, latest first (the order of the
/// C driver's `lag_ports` list). No allocation: each step finds the next
/// lower join sequence.
fn members(ports: &[AdSlave], id: u16) -> impl Iterator<Item = usize> + '_ {
    let mut below: Option<u32> = None;
    let mut done = id == 0;
    core::iter::from_fn(move || {
        if done {
            return None;
        }
        let next = ports
            .iter()
            .enumerate()
            .filter(|(_, s)| s.port.agg_id == id && below.map_or(true, |b| s.port.join_seq < b))
            .max_by_key(|(_, s)| s.port.join_seq);
        match next {
            Some((i, s)) => {
                below = Some(s.port.join_seq);
                done = s.port.join_seq == 0;
                Some(i)
            }
            None => {
                done = true;
                None
            }
        }
    })
}

/// The index of aggregator `id`.
fn agg_index(ports: &[AdSlave], id: u16) -> Option<usize> {
    if id == 0 {
        return None;
    }
    ports.iter().position(|s| s.agg.id == id)
}

/// `__agg_active_ports()`: attached ports whose link is up.
fn active_ports(ports: &[AdSlave], id: u16) -> u16 {
    member_ports(ports, id).filter(|p| p.enabled).count() as u16
}

/// The ports attached to aggregator `id`, as [`members`] orders them.
fn member_ports(ports: &[AdSlave], id: u16) -> impl Iterator<Item = &Port> + '_ {
    members(ports, id).filter_map(|i| ports.get(i).map(|s| &s.port))
}

/// Slave `i`'s port, if there is a slave `i`.
fn port_mut(ports: &mut [AdSlave], i: usize) -> Option<&mut Port> {
    ports.get_mut(i).map(|s| &mut s.port)
}

/// The aggregator at index `a`, if there is one.
fn agg_mut(ports: &mut [AdSlave], a: usize) -> Option<&mut Aggregator> {
    ports.get_mut(a).map(|s| &mut s.agg)
}

/// The index of the active aggregator.
fn active_agg(ports: &[AdSlave]) -> Option<usize> {
    ports.iter().position(|s| s.agg.is_active)
}

/// Applies `f` to every port attached to aggregator `id`.
fn each_member(ports: &mut [AdSlave], id: u16, mut f: impl FnMut(&mut Port)) {
    for s in ports.iter_mut().filter(|s| s.port.agg_id == id) {
        f(&mut s.port);
    }
}

/// `__get_agg_bandwidth()`: the speed of the head port times the active
/// ports.
fn bandwidth(ports: &[AdSlave], id: u16) -> u32 {
    let n = u32::from(active_ports(ports, id));
    match member_ports(ports, id).next() {
        Some(head) if n > 0 => n.saturating_mul(code_mbps(head.speed())),
        _ => 0,
    }
}

/// `agg_device_up()`: some attached slave runs with carrier.
fn agg_device_up(ports: &[AdSlave], id: u16) -> bool {
    member_ports(ports, id).any(|p| p.link.dev_up)
}

/// `ad_agg_selection_test()`: whether `curr` beats `best`.
fn better(ports: &[AdSlave], mode: AdSelect, best: Option<usize>, curr: usize) -> usize {
    let Some(b) = best else { return curr };
    let (Some(ba), Some(ca)) = (
        ports.get(b).map(|s| &s.agg),
        ports.get(curr).map(|s| &s.agg),
    ) else {
        return curr;
    };
    if !ca.is_individual && ba.is_individual {
        return curr;
    }
    if ca.is_individual && !ba.is_individual {
        return b;
    }
    if ca.has_partner() && !ba.has_partner() {
        return curr;
    }
    if !ca.has_partner() && ba.has_partner() {
        return b;
    }
    if mode == AdSelect::Count {
        let (c, n) = (active_ports(ports, ca.id), active_ports(ports, ba.id));
        if c > n {
            return curr;
        }
        if c < n {
            return b;
        }
    }
    if bandwidth(ports, ca.id) > bandwidth(ports, ba.id) {
        return curr;
    }
    b
}

impl Lacp {
    /// `bond_3ad_initialize()`, at the first enslave: the system the ports
    /// speak for, and the wait before the first aggregator selection.
    pub(crate) fn initialize(&mut self, params: AdParams) {
        self.params = params;
        self.last_agg_id = 0;
        self.agg_select_timer = AGGREGATOR_SELECTION_TIME * TICKS_PER_SEC;
    }

    /// `bond_3ad_initiate_agg_selection(bond, 1)` at `ndo_open`: choose at
    /// the next tick.
    pub(crate) fn select_soon(&mut self) {
        self.agg_select_timer = 1;
    }

    /// `bond_3ad_bind_slave()`: the port and aggregator of a new slave,
    /// with port number `number`. Pushed by the caller at the end of the
    /// slice.
    pub(crate) fn bind(&mut self, number: u16, link: LinkFacts) -> AdSlave {
        let mut port = Port::new(number, &self.params);
        port.link = link;
        let _ = port.update_keys(false);
        port.disable();
        self.last_agg_id = self.last_agg_id.wrapping_add(1);
        AdSlave {
            port,
            agg: Aggregator {
                id: self.last_agg_id,
                ..Aggregator::default()
            },
        }
    }

    /// `bond_3ad_unbind_slave()`: takes slave `i` out of the machines. Its
    /// last LACPDU (no longer aggregating) is returned for the caller to
    /// send; then the caller removes `ports[i]`.
    pub(crate) fn unbind(&mut self, ports: &mut [AdSlave], i: usize) -> Option<Lacpdu> {
        let me = ports.get_mut(i)?;
        me.port.actor.state &= !(state::SYNCHRONIZATION
            | state::COLLECTING
            | state::DISTRIBUTING
            | state::AGGREGATION);
        let last = me.port.lacpdu();
        let own = me.agg.id;
        let alone = |ports: &[AdSlave], id: u16| {
            let mut m = members(ports, id);
            m.next() == Some(i) && m.next().is_none()
        };
        if members(ports, own).next().is_some() {
            if !alone(ports, own) {
                // Other ports use this slave's aggregator: move them to an
                // empty one (or to the one this port has to itself).
                let free = ports.iter().position(|s| {
                    members(ports, s.agg.id).next().is_none() || alone(ports, s.agg.id)
                });
                if let Some(j) = free {
                    self.move_aggregator(ports, i, j, own);
                }
            } else if let Some(me) = ports.get_mut(i) {
                let select = me.agg.is_active;
                me.agg.clear();
                me.port.agg_id = 0;
                if select {
                    self.agg_selection(ports);
                }
            }
        }
        // Detach the port from the aggregator it is attached to.
        let on = ports.get(i)?.port.agg_id;
        if let Some(a) = agg_index(ports, on) {
            if let Some(p) = port_mut(ports, i) {
                p.agg_id = 0;
            }
            if let Some(agg) = agg_mut(ports, a) {
                agg.num_ports = agg.num_ports.saturating_sub(1);
            }
            if active_ports(ports, on) == 0 {
                if let Some(agg) = agg_mut(ports, a) {
                    let select = agg.is_active;
                    if agg.num_ports == 0 {
                        agg.clear();
                    }
                    if select {
                        self.agg_selection(ports);
                    }
                }
            }
        }
        let me = ports.get_mut(i)?;
        me.port.agg_id = 0;
        me.port.disable();
        me.agg.clear();
        me.agg.id = 0;
        Some(last)
    }

    /// Part of [`Lacp::unbind`]: the ports on aggregator `own` (slave
    /// `i`'s) move to aggregator `j`, which takes over its state.
    fn move_aggregator(&mut self, ports: &mut [AdSlave], i: usize, j: usize, own: u16) {
        let (Some(me), Some(to)) = (ports.get(i), ports.get(j)) else {
            return;
        };
        let new_id = to.agg.id;
        let moved = Aggregator {
            id: new_id,
            ..me.agg.clone()
        };
        let select = {
            let mut m = members(ports, new_id);
            m.next() == Some(i) && m.next().is_none()
        } && to.agg.is_active;
        if let Some(p) = port_mut(ports, i) {
            if p.agg_id == new_id {
                p.agg_id = 0;
            }
        }
        if let Some(agg) = agg_mut(ports, j) {
            *agg = moved;
        }
        each_member(ports, own, |p| p.agg_id = new_id);
        if let Some(agg) = agg_mut(ports, i) {
            agg.clear();
        }
        if select {
            self.agg_selection(ports);
        }
    }

    /// One 100 ms step of every port's machines
    /// (`bond_3ad_state_machine_handler()`). `links` gives each slave's
    /// link facts now. Notes for the log go to `note(index, note)`.
    pub(crate) fn tick(
        &mut self,
        ports: &mut [AdSlave],
        links: impl Fn(usize) -> LinkFacts,
        mut note: impl FnMut(Option<usize>, AdNote),
    ) {
        if ports.is_empty() {
            return;
        }
        for (i, s) in ports.iter_mut().enumerate() {
            s.port.link = links(i);
            s.port.tx_due = false;
        }
        if self.agg_select_timer > 0 {
            self.agg_select_timer -= 1;
            if self.agg_select_timer == 0 {
                if let Some(n) = self.agg_selection(ports) {
                    note(None, n);
                }
            }
        }
        for i in 0..ports.len() {
            if let Some(p) = port_mut(ports, i) {
                if let Some(n) = p.rx_machine(None) {
                    note(Some(i), n);
                }
                p.periodic_machine();
            }
            if let Some(n) = self.port_selection(ports, i) {
                note(None, n);
            }
            self.mux_machine(ports, i);
            if let Some(p) = port_mut(ports, i) {
                p.tx_machine();
                p.churn_machine();
                p.vars &= !var::BEGIN;
            }
        }
    }

    /// `bond_3ad_rx_indication()` for an LACPDU on slave `i`.
    pub(crate) fn rx_lacpdu(
        &mut self,
        ports: &mut [AdSlave],
        i: usize,
        pdu: &Lacpdu,
    ) -> Option<AdNote> {
        self.stats.lacpdu_rx += 1;
        ports.get_mut(i)?.port.rx_machine(Some(pdu))
    }

    /// Counts a slow-protocol frame that was no LACPDU or marker.
    pub(crate) fn rx_unknown(&mut self, ports: &mut [AdSlave], i: usize) {
        self.stats.lacpdu_unknown_rx += 1;
        if let Some(s) = ports.get_mut(i) {
            s.port.stats.lacpdu_unknown_rx += 1;
        }
    }

    /// Counts an LACPDU too short to read (`lacpdu_illegal_rx`).
    pub(crate) fn rx_illegal(&mut self, ports: &mut [AdSlave], i: usize) {
        self.stats.lacpdu_illegal_rx += 1;
        if let Some(s) = ports.get_mut(i) {
            s.port.stats.lacpdu_illegal_rx += 1;
        }
    }

    /// A marker PDU on slave `i`: the response to send, if it asks for one.
    pub(crate) fn rx_marker(
        &mut self,
        ports: &mut [AdSlave],
        i: usize,
        m: &Marker,
    ) -> Option<[u8; PDU_LEN]> {
        let s = &mut ports.get_mut(i)?.port.stats;
        match m.kind {
            MarkerKind::Information => {
                s.marker_rx += 1;
                self.stats.marker_rx += 1;
                Some(m.response())
            }
            MarkerKind::Response => {
                s.marker_resp_rx += 1;
                self.stats.marker_resp_rx += 1;
                None
            }
            MarkerKind::Unknown(_) => {
                s.marker_unknown_rx += 1;
                self.stats.marker_unknown_rx += 1;
                None
            }
        }
    }

    /// Counts a marker response sent on slave `i`.
    pub(crate) fn marker_response_sent(&mut self, ports: &mut [AdSlave], i: usize) {
        self.stats.marker_resp_tx += 1;
        if let Some(s) = ports.get_mut(i) {
            s.port.stats.marker_resp_tx += 1;
        }
    }

    /// Counts an LACPDU sent on a port outside the transmit machine (the
    /// last one at unbind).
    pub(crate) fn lacpdu_sent(&mut self) {
        self.stats.lacpdu_tx += 1;
    }

    /// `bond_3ad_handle_link_change()`: the bond's view of slave `i`'s
    /// link changed.
    pub(crate) fn link_change(
        &mut self,
        ports: &mut [AdSlave],
        i: usize,
        link: LinkFacts,
    ) -> Option<AdNote> {
        let p = &mut ports.get_mut(i)?.port;
        p.link = link;
        p.enabled = link.link_up;
        let n = p.update_keys(!link.link_up);
        let m = self.agg_selection(ports);
        n.or(m)
    }

    /// `bond_3ad_adapter_speed_duplex_changed()`.
    pub(crate) fn speed_changed(
        &mut self,
        ports: &mut [AdSlave],
        i: usize,
        link: LinkFacts,
    ) -> Option<AdNote> {
        let p = &mut ports.get_mut(i)?.port;
        p.link = link;
        p.update_keys(false)
    }

    /// `lacp_rate` changed (`bond_3ad_update_lacp_rate()`).
    pub(crate) fn set_lacp_fast(&mut self, ports: &mut [AdSlave], fast: bool) {
        self.params.lacp_fast = fast;
        for s in ports.iter_mut() {
            s.port.set_state(state::LACP_TIMEOUT, fast);
        }
    }

    /// `lacp_active` changed (`bond_3ad_update_lacp_active()`).
    pub(crate) fn set_lacp_active(&mut self, ports: &mut [AdSlave], active: bool) {
        self.params.lacp_active = active;
        for s in ports.iter_mut() {
            s.port.set_state(state::LACP_ACTIVITY, active);
        }
    }

    /// The actor system or its priority changed
    /// (`bond_3ad_update_ad_actor_settings()`).
    pub(crate) fn set_actor_system(
        &mut self,
        ports: &mut [AdSlave],
        sys_prio: u16,
        system: [u8; 6],
    ) {
        self.params.sys_prio = sys_prio;
        self.params.system = system;
        for s in ports.iter_mut() {
            s.port.actor.system_priority = sys_prio;
            s.port.actor.system = system;
            s.port.ntt = true;
        }
    }

    /// The active aggregator (`__bond_3ad_get_active_agg_info()`).
    pub(crate) fn active_info(ports: &[AdSlave]) -> Option<AdInfo> {
        let agg = ports
            .iter()
            .filter_map(|s| agg_index(ports, s.port.agg_id))
            .filter_map(|a| ports.get(a).map(|s| &s.agg))
            .find(|agg| agg.is_active)?;
        Some(AdInfo {
            aggregator_id: agg.id,
            ports: active_ports(ports, agg.id),
            actor_key: agg.actor_key,
            partner_key: agg.partner_key,
            partner_system: agg.partner_system,
        })
    }

    /// `bond_3ad_set_carrier()`: whether the bond has carrier; `None` with
    /// no slaves (the caller decides).
    pub(crate) fn carrier(&self, ports: &[AdSlave]) -> Option<bool> {
        if ports.is_empty() {
            return None;
        }
        Some(Self::active_info(ports).is_some_and(|a| u32::from(a.ports) >= self.params.min_links))
    }

    /// Whether slave `i` transmits for the bond: distributing, on the
    /// active aggregator (`bond_update_slave_arr()`).
    pub(crate) fn tx_enabled(ports: &[AdSlave], i: usize) -> bool {
        let Some(s) = ports.get(i) else { return false };
        s.port.distributing
            && agg_index(ports, s.port.agg_id)
                .and_then(|a| ports.get(a))
                .is_some_and(|a| a.agg.is_active)
    }

    /// `ad_port_selection_logic()`: attaches an unselected port to the
    /// aggregator that matches its partner, or to a free one.
    fn port_selection(&mut self, ports: &mut [AdSlave], i: usize) -> Option<AdNote> {
        if ports.get(i)?.port.has(var::SELECTED) {
            return None;
        }
        // Detach from the former aggregator.
        let old = ports.get(i)?.port.agg_id;
        if let Some(a) = agg_index(ports, old) {
            if let Some(p) = port_mut(ports, i) {
                p.agg_id = 0;
            }
            let empty = members(ports, old).next().is_none();
            if let Some(agg) = agg_mut(ports, a) {
                agg.num_ports = agg.num_ports.saturating_sub(1);
                if empty {
                    agg.clear();
                }
            }
        }
        let p = port_mut(ports, i)?;
        p.agg_id = 0;
        let p = p.clone();
        let mut free = None;
        let mut found = None;
        for (j, s) in ports.iter().enumerate() {
            let agg = &s.agg;
            if members(ports, agg.id).next().is_none() {
                free = free.or(Some(j));
                continue;
            }
            if agg.actor_key == p.actor.key
                && agg.partner_system == p.partner.system
                && agg.partner_system_priority == p.partner.system_priority
                && agg.partner_key == p.partner.key
                && agg.has_partner()
                && !agg.is_individual
            {
                found = Some(j);
                break;
            }
        }
        let a = match (found, free) {
            (Some(j), _) => j,
            (None, Some(j)) => {
                let agg = agg_mut(ports, j)?;
                agg.is_individual = p.actor.key & DUPLEX_KEY == 0;
                agg.actor_admin_key = p.admin_key;
                agg.actor_key = p.actor.key;
                agg.partner_system = p.partner.system;
                agg.partner_system_priority = p.partner.system_priority;
                agg.partner_key = p.partner.key;
                j
            }
            // Cannot happen: the port's own aggregator is free once it left
            // it. The C driver logs "did not find a suitable aggregator".
            (None, None) => return None,
        };
        self.join_seq = self.join_seq.wrapping_add(1).max(1);
        let agg = agg_mut(ports, a)?;
        agg.num_ports += 1;
        let id = agg.id;
        let p = port_mut(ports, i)?;
        p.agg_id = id;
        p.join_seq = self.join_seq;
        p.vars |= var::SELECTED;
        set_agg_ready(ports, id);
        let n = self.agg_selection(ports);
        if !ports.get(a).is_some_and(|s| s.agg.is_active) {
            if let Some(p) = port_mut(ports, i) {
                p.set_state(state::SYNCHRONIZATION, false);
            }
        }
        n
    }

    /// `ad_agg_selection_logic()`: chooses the active aggregator by
    /// `ad_select`, then sets the bond's carrier (the caller reads
    /// [`Lacp::carrier`]).
    fn agg_selection(&mut self, ports: &mut [AdSlave]) -> Option<AdNote> {
        let mode = self.params.ad_select;
        let active = active_agg(ports);
        let active_id = active.and_then(|a| ports.get(a)).map(|s| s.agg.id);
        let mut best = active.filter(|_| active_id.is_some_and(|id| agg_device_up(ports, id)));
        for j in 0..ports.len() {
            let Some(agg) = agg_mut(ports, j) else { break };
            agg.is_active = false;
            let id = agg.id;
            if active_ports(ports, id) > 0 && agg_device_up(ports, id) {
                best = Some(better(ports, mode, best, j));
            }
        }
        if let (Some(b), Some(a)) = (best, active) {
            if let (Some(aa), Some(ba)) =
                (ports.get(a).map(|s| &s.agg), ports.get(b).map(|s| &s.agg))
            {
                // STABLE keeps an active aggregator that still has ports,
                // unless it lost its partner while the best has one, or
                // its key is 0.
                if mode == AdSelect::Stable
                    && members(ports, aa.id).next().is_some()
                    && active_ports(ports, aa.id) > 0
                    && (aa.has_partner() || !ba.has_partner())
                    && !(aa.actor_key == 0 && ba.actor_key != 0)
                {
                    best = None;
                    if let Some(agg) = agg_mut(ports, a) {
                        agg.is_active = true;
                    }
                }
            }
        }
        if best.is_some() && best == active {
            best = None;
            if let Some(agg) = active.and_then(|a| agg_mut(ports, a)) {
                agg.is_active = true;
            }
        }
        let mut note = None;
        if let Some(agg) = best.and_then(|b| agg_mut(ports, b)) {
            if agg.is_individual {
                note = Some(AdNote::NoPartner);
            }
            agg.is_active = true;
            if let Some(id) = active_id.filter(|&id| id != 0) {
                each_member(ports, id, Port::disable);
            }
        }
        // An aggregator of individuals (no partner) has all its ports on.
        if let Some(agg) = active_agg(ports).and_then(|a| ports.get(a)).map(|s| &s.agg) {
            if !agg.has_partner() {
                let id = agg.id;
                each_member(ports, id, Port::enable);
            }
        }
        note
    }

    /// `ad_mux_machine()`.
    fn mux_machine(&mut self, ports: &mut [AdSlave], i: usize) {
        let Some(me) = ports.get(i) else { return };
        let last = me.port.mux;
        let agg_id = me.port.agg_id;
        let agg = agg_index(ports, agg_id)
            .and_then(|a| ports.get(a))
            .map(|s| &s.agg);
        let agg_active = agg.is_some_and(|a| a.is_active);
        let has_partner = agg.is_some_and(|a| a.has_partner());
        let selecting = self.agg_select_timer != 0;
        let coupled = self.params.coupled_control;
        let Some(p) = port_mut(ports, i) else { return };
        if p.has(var::BEGIN) {
            p.mux = MuxState::Detached;
        } else {
            // Whether the ports of the aggregator are to be checked for
            // READY after this step (`__set_agg_ports_ready()`).
            let mut check_ready = false;
            match p.mux {
                MuxState::Detached => {
                    if p.has(var::SELECTED) || p.has(var::STANDBY) {
                        p.mux = MuxState::Waiting;
                    }
                }
                MuxState::Waiting => {
                    if !p.has(var::SELECTED) {
                        p.set(var::READY_N, false);
                        p.mux = MuxState::Detached;
                        check_ready = true;
                    } else {
                        if p.mux_timer != 0 {
                            p.mux_timer -= 1;
                            if p.mux_timer == 0 {
                                p.vars |= var::READY_N;
                            }
                        }
                        set_agg_ready(ports, agg_id);
                        let Some(p) = port_mut(ports, i) else { return };
                        if p.has(var::READY) && p.mux_timer == 0 {
                            p.mux = MuxState::Attached;
                        }
                    }
                }
                MuxState::Attached => {
                    if p.has(var::SELECTED) && p.partner_has(state::SYNCHRONIZATION) && !selecting {
                        if agg_active {
                            p.mux = if coupled {
                                MuxState::CollectingDistributing
                            } else {
                                MuxState::Collecting
                            };
                        }
                    } else if !p.has(var::SELECTED) || p.has(var::STANDBY) {
                        p.set(var::READY_N, false);
                        p.mux = MuxState::Detached;
                        check_ready = true;
                    } else if agg_active {
                        p.set_state(state::SYNCHRONIZATION, true);
                    }
                }
                MuxState::CollectingDistributing => {
                    if !p.move_to_attached() && agg_active && !p.distributing {
                        p.enable();
                    }
                }
                MuxState::Collecting => {
                    if !p.move_to_attached() {
                        if p.has(var::SELECTED)
                            && p.partner_has(state::SYNCHRONIZATION)
                            && p.partner_has(state::COLLECTING)
                        {
                            p.mux = MuxState::Distributing;
                        } else if agg_active && p.rx_disabled {
                            p.enable_collecting();
                        }
                    }
                }
                MuxState::Distributing => {
                    if !p.has(var::SELECTED)
                        || p.has(var::STANDBY)
                        || !p.partner_has(state::COLLECTING)
                        || !p.partner_has(state::SYNCHRONIZATION)
                        || !p.state(state::SYNCHRONIZATION)
                    {
                        p.mux = MuxState::Collecting;
                    } else if agg_active && !p.distributing {
                        p.enable();
                    }
                }
                MuxState::Dummy => {}
            }
            // The READY of the aggregator's ports does not depend on the
            // state this port just moved to (only on READY_N), so setting
            // it after the move is as the C driver's order.
            if check_ready {
                set_agg_ready(ports, agg_id);
            }
        }
        let Some(p) = port_mut(ports, i) else { return };
        if p.mux == last {
            return;
        }
        match p.mux {
            MuxState::Detached => {
                p.set_state(state::SYNCHRONIZATION, false);
                if has_partner {
                    p.disable();
                }
                p.set_state(state::COLLECTING | state::DISTRIBUTING, false);
                p.ntt = true;
            }
            MuxState::Waiting => p.mux_timer = AGGREGATE_WAIT_TIME * TICKS_PER_SEC,
            MuxState::Attached => {
                p.set_state(state::SYNCHRONIZATION, agg_active);
                p.set_state(state::COLLECTING | state::DISTRIBUTING, false);
                if has_partner {
                    p.disable();
                }
                p.ntt = true;
            }
            MuxState::CollectingDistributing => {
                p.set_state(
                    state::COLLECTING | state::DISTRIBUTING | state::SYNCHRONIZATION,
                    true,
                );
                if agg_active {
                    p.enable();
                }
                p.ntt = true;
            }
            MuxState::Collecting => {
                p.set_state(state::COLLECTING | state::SYNCHRONIZATION, true);
                p.set_state(state::DISTRIBUTING, false);
                if agg_active {
                    p.enable_collecting();
                }
                if has_partner {
                    p.disable_distributing();
                }
                p.ntt = true;
            }
            MuxState::Distributing => {
                p.set_state(state::DISTRIBUTING | state::SYNCHRONIZATION, true);
                if agg_active {
                    p.enable();
                }
            }
            MuxState::Dummy => {}
        }
    }
}

/// `__set_agg_ports_ready(agg, __agg_ports_are_ready(agg))`: READY on every
/// port of the aggregator once all of them are READY_N.
fn set_agg_ready(ports: &mut [AdSlave], id: u16) {
    if id == 0 {
        return;
    }
    let ready = member_ports(ports, id).all(|p| p.has(var::READY_N));
    each_member(ports, id, |p| p.set(var::READY, ready));
}

#[cfg(test)]
#[path = "tests/host/src/lacp_tests.rs"]
mod tests;
