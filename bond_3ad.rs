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

/// The slow-protocols EtherType (`ETH_P_SLOW`).
pub(crate) const ETH_P_SLOW: u16 = 0x8809;
/// The slow-protocols multicast address LACPDUs go to (`lacpdu_mcast_addr`).
pub(crate) const SLOW_PROTOCOLS_MAC: [u8; 6] = [0x01, 0x80, 0xc2, 0x00, 0x00, 0x02];

/// Subtype of an LACPDU (`AD_TYPE_LACPDU`).
pub(crate) const SUBTYPE_LACP: u8 = 1;
/// Subtype of a marker PDU (`AD_TYPE_MARKER`).
pub(crate) const SUBTYPE_MARKER: u8 = 2;

/// Bits of an actor or partner state (`LACP_STATE_*`, if_bonding.h).
pub(crate) mod state {
    /// Active LACP (else passive).
    pub(crate) const LACP_ACTIVITY: u8 = 0x1;
    /// Short timeout (fast LACPDUs wanted).
    pub(crate) const LACP_TIMEOUT: u8 = 0x2;
    /// The port may aggregate.
    pub(crate) const AGGREGATION: u8 = 0x4;
    /// In sync with the aggregator.
    pub(crate) const SYNCHRONIZATION: u8 = 0x8;
    /// Collecting frames.
    pub(crate) const COLLECTING: u8 = 0x10;
    /// Distributing frames.
    pub(crate) const DISTRIBUTING: u8 = 0x20;
    /// Using defaulted partner information.
    pub(crate) const DEFAULTED: u8 = 0x40;
    /// The receive machine is in EXPIRED.
    pub(crate) const EXPIRED: u8 = 0x80;
}

/// One side's information in an LACPDU (actor or partner TLV).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PortInfo {
    pub(crate) system_priority: u16,
    pub(crate) system: [u8; 6],
    pub(crate) key: u16,
    pub(crate) port_priority: u16,
    pub(crate) port: u16,
    pub(crate) state: u8,
}

impl PortInfo {
    /// The 18 bytes after a TLV's type and length (network byte order,
    /// then 3 reserved bytes).
    fn read(b: &[u8; 18]) -> Self {
        let u = |i: usize| u16::from_be_bytes([b[i], b[i + 1]]);
        let mut system = [0u8; 6];
        system.copy_from_slice(&b[2..8]);
        Self {
            system_priority: u(0),
            system,
            key: u(8),
            port_priority: u(10),
            port: u(12),
            state: b[14],
        }
    }

    fn write(&self, b: &mut [u8; 18]) {
        b[0..2].copy_from_slice(&self.system_priority.to_be_bytes());
        b[2..8].copy_from_slice(&self.system);
        b[8..10].copy_from_slice(&self.key.to_be_bytes());
        b[10..12].copy_from_slice(&self.port_priority.to_be_bytes());
        b[12..14].copy_from_slice(&self.port.to_be_bytes());
        b[14] = self.state;
        b[15..18].fill(0);
    }
}

/// An LACPDU (`struct lacpdu`), without the Ethernet header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Lacpdu {
    pub(crate) version: u8,
    pub(crate) actor: PortInfo,
    pub(crate) partner: PortInfo,
    pub(crate) collector_max_delay: u16,
}

/// The size of `struct lacpdu` (and of `struct bond_marker`).
pub(crate) const PDU_LEN: usize = 110;

impl Lacpdu {
    /// Decodes an LACPDU: `None` when it is shorter than `struct lacpdu`
    /// (the C driver's `skb_header_pointer` check) or not an LACPDU. As the
    /// C driver, the TLV types and lengths are not checked: 802.1AX asks
    /// receivers to accept future versions with longer TLVs.
    pub(crate) fn parse(b: &[u8]) -> Option<Self> {
        let b: &[u8; PDU_LEN] = b.get(..PDU_LEN)?.try_into().ok()?;
        if b[0] != SUBTYPE_LACP {
            return None;
        }
        let tlv = |at: usize| -> &[u8; 18] {
            // In bounds: `at + 18` is at most 42 + 18 of 110 bytes.
            b[at..at + 18].try_into().unwrap_or(&[0; 18])
        };
        Some(Self {
            version: b[1],
            actor: PortInfo::read(tlv(4)),
            partner: PortInfo::read(tlv(24)),
            collector_max_delay: u16::from_be_bytes([b[44], b[45]]),
        })
    }

    /// Encodes as the C driver sends it (`ad_lacpdu_send()`): version 1,
    /// TLV types 1, 2, 3 and the terminator, lengths 20, 20, 16, 0.
    pub(crate) fn to_bytes(self) -> [u8; PDU_LEN] {
        let mut b = [0u8; PDU_LEN];
        b[0] = SUBTYPE_LACP;
        b[1] = 1;
        b[2] = 1;
        b[3] = 20;
        let mut info = [0u8; 18];
        self.actor.write(&mut info);
        b[4..22].copy_from_slice(&info);
        b[22] = 2;
        b[23] = 20;
        self.partner.write(&mut info);
        b[24..42].copy_from_slice(&info);
        b[42] = 3;
        b[43] = 16;
        b[44..46].copy_from_slice(&self.collector_max_delay.to_be_bytes());
        // Terminator TLV (type 0, length 0) and reserved bytes: zeroes.
        b
    }
}

/// Marker PDU TLV types (`AD_MARKER_*_SUBTYPE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MarkerKind {
    /// A marker the partner asks to be answered.
    Information,
    /// The answer to one of ours.
    Response,
    /// Anything else (counted as unknown).
    Unknown(u8),
}

/// A marker PDU (`struct bond_marker`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Marker {
    pub(crate) kind: MarkerKind,
    /// The rest, echoed unchanged in a response: requester port, system,
    /// transaction id (in the sender's byte order, as the C driver keeps it).
    body: [u8; 12],
}

impl Marker {
    /// Decodes a marker PDU; `None` when short or not a marker.
    pub(crate) fn parse(b: &[u8]) -> Option<Self> {
        let b: &[u8; PDU_LEN] = b.get(..PDU_LEN)?.try_into().ok()?;
        if b[0] != SUBTYPE_MARKER {
            return None;
        }
        let kind = match b[2] {
            1 => MarkerKind::Information,
            2 => MarkerKind::Response,
            t => MarkerKind::Unknown(t),
        };
        let mut body = [0u8; 12];
        body.copy_from_slice(&b[4..16]);
        Some(Self { kind, body })
    }

    /// `ad_marker_info_received()`: the response to a marker information
    /// PDU is the same PDU with the TLV type changed.
    pub(crate) fn response(&self) -> [u8; PDU_LEN] {
        let mut b = [0u8; PDU_LEN];
        b[0] = SUBTYPE_MARKER;
        b[1] = 1;
        b[2] = 2;
        b[3] = 0x10;
        b[4..16].copy_from_slice(&self.body);
        b
    }
}

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

/// `ad_select` values.
pub(crate) const AD_SELECT_STABLE: u8 = 0;
pub(crate) const AD_SELECT_BANDWIDTH: u8 = 1;
pub(crate) const AD_SELECT_COUNT: u8 = 2;

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

/// Mux machine states (`mux_states_t`); this driver couples collecting and
/// distributing (`coupled_control` 1), so it has no separate COLLECTING and
/// DISTRIBUTING states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MuxState {
    Dummy = 0,
    Detached,
    Waiting,
    Attached,
    CollectingDistributing = 6,
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
    /// Collecting and distributing: the slave receives for the bond and
    /// transmits (`bond_set_slave_active_flags()`); else it is inactive.
    pub(crate) active: bool,
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
    pub(crate) ad_select: u8,
    /// `min_links`.
    pub(crate) min_links: u32,
    /// `ad_actor_sys_prio`.
    pub(crate) sys_prio: u16,
    /// The actor system: `ad_actor_system`, or the bond's MAC when that is
    /// zero.
    pub(crate) system: [u8; 6],
    /// `ad_user_port_key`.
    pub(crate) user_port_key: u16,
}

impl Default for AdParams {
    fn default() -> Self {
        Self {
            lacp_active: true,
            lacp_fast: false,
            ad_select: AD_SELECT_STABLE,
            min_links: 0,
            sys_prio: 65535,
            system: [0; 6],
            user_port_key: 0,
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

const PARTNER_TEMPLATE: PortInfo = PortInfo {
    system_priority: 0xffff,
    system: [0; 6],
    key: 1,
    port_priority: 0xff,
    port: 1,
    state: 0,
};

impl Port {
    fn new(number: u16, p: &AdParams) -> Self {
        let mut state = state::AGGREGATION;
        if p.lacp_active {
            state |= state::LACP_ACTIVITY;
        }
        if p.lacp_fast {
            state |= state::LACP_TIMEOUT;
        }
        Self {
            actor: PortInfo {
                system_priority: p.sys_prio,
                system: p.system,
                key: 0,
                port_priority: 0xff,
                port: number,
                state,
            },
            admin_key: p.user_port_key << 6,
            partner: PARTNER_TEMPLATE,
            partner_admin: PARTNER_TEMPLATE,
            enabled: true,
            vars: var::BEGIN | var::LACP_ENABLED,
            rx: RxState::Dummy,
            rx_timer: 0,
            periodic: PeriodicState::Dummy,
            periodic_timer: 0,
            mux: MuxState::Dummy,
            mux_timer: 0,
            tx_timer: TICKS_PER_SEC / MAX_TX_IN_SECOND,
            ntt: false,
            tx_due: false,
            churn_actor: Churn::Monitor,
            churn_actor_timer: 0,
            churn_actor_count: 0,
            churn_partner: Churn::Monitor,
            churn_partner_timer: 0,
            churn_partner_count: 0,
            agg_id: 0,
            join_seq: 0,
            link: LinkFacts::default(),
            active: false,
            stats: AdStats::default(),
        }
    }

    fn has(&self, v: u16) -> bool {
        self.vars & v != 0
    }

    fn set(&mut self, v: u16, on: bool) {
        if on {
            self.vars |= v;
        } else {
            self.vars &= !v;
        }
    }

    fn state(&self, bit: u8) -> bool {
        self.actor.state & bit != 0
    }

    fn set_state(&mut self, bit: u8, on: bool) {
        if on {
            self.actor.state |= bit;
        } else {
            self.actor.state &= !bit;
        }
    }

    fn partner_has(&self, bit: u8) -> bool {
        self.partner.state & bit != 0
    }

    /// `__get_link_speed()`: 0 unless the link is up.
    fn speed(&self) -> u16 {
        if self.link.link_up {
            speed_code(self.link.mbps)
        } else {
            0
        }
    }

    /// The LACPDU this port sends now (`__update_lacpdu_from_port()`).
    pub(crate) fn lacpdu(&self) -> Lacpdu {
        Lacpdu {
            version: 1,
            actor: self.actor,
            partner: self.partner,
            collector_max_delay: 0,
        }
    }

    /// Whether an LACPDU is due (the transmit machine's timer ran out with
    /// something to say).
    pub(crate) fn tx_due(&self) -> bool {
        self.tx_due
    }

    /// The due LACPDU went out: nothing more to say until something
    /// changes or the periodic machine asks.
    pub(crate) fn sent(&mut self) {
        self.tx_due = false;
        self.ntt = false;
        self.stats.lacpdu_tx += 1;
    }

    /// The port's priority (`actor_port_prio`).
    pub(crate) fn set_port_priority(&mut self, prio: u16) {
        self.actor.port_priority = prio;
        self.ntt = true;
    }

    /// `__enable_port()`: only a slave whose link is up and that runs with
    /// carrier collects and distributes.
    fn enable(&mut self) {
        if self.link.link_up && self.link.dev_up {
            self.active = true;
        }
    }

    /// `__disable_port()`.
    fn disable(&mut self) {
        self.active = false;
    }

    /// `ad_update_actor_keys()`: the key follows speed and duplex; only a
    /// full-duplex port takes part in LACP, and a speed change restarts its
    /// machines.
    fn update_keys(&mut self, reset: bool) -> Option<AdNote> {
        let old = self.actor.key;
        self.admin_key &= !(SPEED_KEY | DUPLEX_KEY);
        let (mut speed, mut duplex) = (0, 0);
        let ospeed = (old & SPEED_KEY) >> 1;
        if !reset {
            speed = self.speed();
            duplex = u16::from(self.link.link_up && self.link.full_duplex);
            self.admin_key |= (speed << 1) | duplex;
        }
        self.actor.key = self.admin_key;
        if old == self.actor.key {
            return None;
        }
        self.set(var::LACP_ENABLED, duplex != 0);
        if reset {
            return None;
        }
        if speed == 0 {
            return Some(AdNote::SpeedZero);
        }
        if duplex != 0 && ospeed != speed {
            self.vars |= var::BEGIN;
        }
        None
    }

    /// `__choose_matched()`.
    fn choose_matched(&mut self, pdu: &Lacpdu) {
        let p = &pdu.partner;
        let a = &self.actor;
        let matched = (p.port == a.port
            && p.port_priority == a.port_priority
            && p.system == a.system
            && p.system_priority == a.system_priority
            && p.key == a.key
            && (p.state & state::AGGREGATION) == (a.state & state::AGGREGATION))
            || pdu.actor.state & state::AGGREGATION == 0;
        self.set(var::MATCHED, matched);
    }

    /// `__record_pdu()`.
    fn record_pdu(&mut self, pdu: &Lacpdu) {
        self.choose_matched(pdu);
        self.partner = pdu.actor;
        self.set_state(state::DEFAULTED, false);
        let sync = self.has(var::MATCHED) && pdu.actor.state & state::SYNCHRONIZATION != 0;
        if sync {
            self.partner.state |= state::SYNCHRONIZATION;
        } else {
            self.partner.state &= !state::SYNCHRONIZATION;
        }
    }

    /// `__record_default()`.
    fn record_default(&mut self) {
        self.partner = self.partner_admin;
        self.set_state(state::DEFAULTED, true);
    }

    /// `__update_selected()`: a partner that changed unselects the port.
    fn update_selected(&mut self, pdu: &Lacpdu) {
        if !same_partner(&pdu.actor, &self.partner) {
            self.set(var::SELECTED, false);
        }
    }

    /// `__update_default_selected()`.
    fn update_default_selected(&mut self) {
        if !same_partner(&self.partner_admin, &self.partner) {
            self.set(var::SELECTED, false);
        }
    }

    /// `__update_ntt()`: the partner has a wrong view of us: tell it.
    fn update_ntt(&mut self, pdu: &Lacpdu) {
        let p = &pdu.partner;
        let a = &self.actor;
        const BITS: u8 = state::LACP_ACTIVITY
            | state::LACP_TIMEOUT
            | state::SYNCHRONIZATION
            | state::AGGREGATION;
        if p.port != a.port
            || p.port_priority != a.port_priority
            || p.system != a.system
            || p.system_priority != a.system_priority
            || p.key != a.key
            || (p.state & BITS) != (a.state & BITS)
        {
            self.ntt = true;
        }
    }

    /// `ad_rx_machine()`, with a received LACPDU or on a tick.
    fn rx_machine(&mut self, pdu: Option<&Lacpdu>) -> Option<AdNote> {
        let last = self.rx;
        if pdu.is_some() {
            self.stats.lacpdu_rx += 1;
        }
        if self.has(var::BEGIN) {
            self.rx = RxState::Initialize;
            self.vars |= var::CHURNED;
        } else if !self.enabled {
            self.rx = RxState::PortDisabled;
        } else if pdu.is_some()
            && matches!(
                self.rx,
                RxState::Expired | RxState::Defaulted | RxState::Current
            )
        {
            if self.rx != RxState::Current {
                self.vars |= var::CHURNED;
            }
            self.rx_timer = 0;
            self.rx = RxState::Current;
        } else if self.rx_timer != 0 && {
            self.rx_timer -= 1;
            self.rx_timer == 0
        } {
            match self.rx {
                RxState::Expired => self.rx = RxState::Defaulted,
                RxState::Current => self.rx = RxState::Expired,
                _ => {}
            }
        } else if self.rx == RxState::PortDisabled && self.enabled {
            self.rx = if self.has(var::LACP_ENABLED) {
                RxState::Expired
            } else {
                RxState::LacpDisabled
            };
        }

        if self.rx == last && pdu.is_none() {
            return None;
        }
        match self.rx {
            RxState::Initialize => {
                self.set(var::LACP_ENABLED, self.actor.key & DUPLEX_KEY != 0);
                self.set(var::SELECTED, false);
                self.record_default();
                self.set_state(state::EXPIRED, false);
                self.rx = RxState::PortDisabled;
                self.set(var::MATCHED, false);
                self.partner.state &= !state::SYNCHRONIZATION;
            }
            RxState::PortDisabled => {
                self.set(var::MATCHED, false);
                self.partner.state &= !state::SYNCHRONIZATION;
            }
            RxState::LacpDisabled => {
                self.set(var::SELECTED, false);
                self.record_default();
                self.partner.state &= !state::AGGREGATION;
                self.vars |= var::MATCHED;
                self.set_state(state::EXPIRED, false);
            }
            RxState::Expired => {
                self.set(var::MATCHED, false);
                self.partner.state &= !state::SYNCHRONIZATION;
                self.partner.state |= state::LACP_TIMEOUT;
                self.rx_timer = SHORT_TIMEOUT_TIME * TICKS_PER_SEC;
                self.set_state(state::EXPIRED, true);
                self.vars |= var::CHURNED;
            }
            RxState::Defaulted => {
                self.update_default_selected();
                self.record_default();
                self.vars |= var::MATCHED;
                self.set_state(state::EXPIRED, false);
            }
            RxState::Current => {
                let pdu = pdu?;
                if pdu.actor.system == self.actor.system {
                    return Some(AdNote::Loopback);
                }
                self.update_selected(pdu);
                self.update_ntt(pdu);
                self.record_pdu(pdu);
                let t = if self.state(state::LACP_TIMEOUT) {
                    SHORT_TIMEOUT_TIME
                } else {
                    LONG_TIMEOUT_TIME
                };
                self.rx_timer = t * TICKS_PER_SEC;
                self.set_state(state::EXPIRED, false);
            }
            RxState::Dummy => {}
        }
        None
    }

    /// `ad_periodic_machine()`.
    fn periodic_machine(&mut self) {
        let last = self.periodic;
        let partner_fast = self.partner_has(state::LACP_TIMEOUT);
        if self.has(var::BEGIN)
            || !self.has(var::LACP_ENABLED)
            || !self.enabled
            || (!self.state(state::LACP_ACTIVITY) && !self.partner_has(state::LACP_ACTIVITY))
        {
            self.periodic = PeriodicState::NoPeriodic;
        } else if self.periodic_timer != 0 {
            self.periodic_timer -= 1;
            if self.periodic_timer == 0 {
                self.periodic = PeriodicState::Tx;
            } else {
                match self.periodic {
                    PeriodicState::Fast if !partner_fast => self.periodic = PeriodicState::Slow,
                    PeriodicState::Slow if partner_fast => {
                        self.periodic_timer = 0;
                        self.periodic = PeriodicState::Tx;
                    }
                    _ => {}
                }
            }
        } else {
            match self.periodic {
                PeriodicState::NoPeriodic => self.periodic = PeriodicState::Fast,
                PeriodicState::Tx => {
                    self.periodic = if partner_fast {
                        PeriodicState::Fast
                    } else {
                        PeriodicState::Slow
                    }
                }
                _ => {}
            }
        }
        if self.periodic == last {
            return;
        }
        match self.periodic {
            PeriodicState::NoPeriodic => self.periodic_timer = 0,
            // One tick less: the one spent in PERIODIC_TX.
            PeriodicState::Fast => self.periodic_timer = FAST_PERIODIC_TIME * TICKS_PER_SEC - 1,
            PeriodicState::Slow => self.periodic_timer = SLOW_PERIODIC_TIME * TICKS_PER_SEC - 1,
            PeriodicState::Tx => self.ntt = true,
            PeriodicState::Dummy => {}
        }
    }

    /// `ad_tx_machine()`: at most MAX_TX_IN_SECOND LACPDUs a second.
    fn tx_machine(&mut self) {
        if self.tx_timer != 0 {
            self.tx_timer -= 1;
            if self.tx_timer == 0 {
                if self.ntt && self.has(var::LACP_ENABLED) {
                    self.tx_due = true;
                }
                self.tx_timer = TICKS_PER_SEC / MAX_TX_IN_SECOND;
            }
        }
    }

    /// `ad_churn_machine()`.
    fn churn_machine(&mut self) {
        if self.has(var::CHURNED) {
            self.vars &= !var::CHURNED;
            self.churn_actor = Churn::Monitor;
            self.churn_partner = Churn::Monitor;
            self.churn_actor_timer = CHURN_DETECTION_TIME * TICKS_PER_SEC;
            self.churn_partner_timer = CHURN_DETECTION_TIME * TICKS_PER_SEC;
            return;
        }
        if self.churn_actor_timer != 0 {
            self.churn_actor_timer -= 1;
            if self.churn_actor_timer == 0 && self.churn_actor == Churn::Monitor {
                if self.state(state::SYNCHRONIZATION) {
                    self.churn_actor = Churn::NoChurn;
                } else {
                    self.churn_actor_count += 1;
                    self.churn_actor = Churn::Churned;
                }
            }
        }
        if self.churn_partner_timer != 0 {
            self.churn_partner_timer -= 1;
            if self.churn_partner_timer == 0 && self.churn_partner == Churn::Monitor {
                if self.partner_has(state::SYNCHRONIZATION) {
                    self.churn_partner = Churn::NoChurn;
                } else {
                    self.churn_partner_count += 1;
                    self.churn_partner = Churn::Churned;
                }
            }
        }
    }
}

/// The fields `__update_selected()` compares.
fn same_partner(a: &PortInfo, b: &PortInfo) -> bool {
    a.port == b.port
        && a.port_priority == b.port_priority
        && a.system == b.system
        && a.system_priority == b.system_priority
        && a.key == b.key
        && (a.state & state::AGGREGATION) == (b.state & state::AGGREGATION)
}

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
            .filter(|(_, s)| s.port.agg_id == id && below.is_none_or(|b| s.port.join_seq < b))
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
fn better(ports: &[AdSlave], mode: u8, best: Option<usize>, curr: usize) -> usize {
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
    if mode == AD_SELECT_COUNT {
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
        me.port.active = false;
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
        s.port.active
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
                if mode == AD_SELECT_STABLE
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

    /// `ad_mux_machine()` (coupled control).
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
                            p.mux = MuxState::CollectingDistributing;
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
                    if !p.has(var::SELECTED)
                        || p.has(var::STANDBY)
                        || !p.partner_has(state::SYNCHRONIZATION)
                        || !p.state(state::SYNCHRONIZATION)
                    {
                        p.mux = MuxState::Attached;
                    } else if agg_active && !p.active {
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
mod tests {
    use super::*;

    fn sample() -> Lacpdu {
        Lacpdu {
            version: 1,
            actor: PortInfo {
                system_priority: 0xffff,
                system: [0x02, 0, 0, 0, 0x10, 0],
                key: 9,
                port_priority: 0xff,
                port: 1,
                state: state::LACP_ACTIVITY | state::AGGREGATION | state::DEFAULTED,
            },
            partner: PortInfo {
                system_priority: 0xffff,
                ..PortInfo::default()
            },
            collector_max_delay: 0,
        }
    }

    #[test]
    fn an_lacpdu_has_the_layout_of_struct_lacpdu() {
        let b = sample().to_bytes();
        assert_eq!(b.len(), 110);
        assert_eq!(&b[0..4], &[1, 1, 1, 20], "subtype, version, actor TLV");
        assert_eq!(&b[4..6], &[0xff, 0xff], "actor system priority, big-endian");
        assert_eq!(&b[6..12], &[0x02, 0, 0, 0, 0x10, 0]);
        assert_eq!(&b[12..14], &[0, 9], "actor key");
        assert_eq!(&b[16..18], &[0, 1], "actor port");
        assert_eq!(b[18], 0x45, "actor state");
        assert_eq!(&b[22..24], &[2, 20], "partner TLV");
        assert_eq!(&b[42..44], &[3, 16], "collector TLV");
        assert_eq!(&b[58..60], &[0, 0], "terminator");
        assert_eq!(Lacpdu::parse(&b), Some(sample()));
    }

    #[test]
    fn short_or_foreign_frames_are_not_lacpdus() {
        let b = sample().to_bytes();
        assert_eq!(Lacpdu::parse(&b[..109]), None);
        assert_eq!(Lacpdu::parse(&[]), None);
        let mut m = b;
        m[0] = SUBTYPE_MARKER;
        assert_eq!(Lacpdu::parse(&m), None);
        // Longer frames (Ethernet padding, future versions) are fine.
        let mut long = [0u8; 200];
        long[..110].copy_from_slice(&b);
        assert_eq!(Lacpdu::parse(&long), Some(sample()));
    }

    #[test]
    fn a_marker_is_answered_with_its_own_body() {
        let mut b = [0u8; 110];
        b[..4].copy_from_slice(&[2, 1, 1, 0x10]);
        b[4..16].copy_from_slice(&[0, 3, 2, 0, 0, 0, 0, 9, 0xde, 0xad, 0xbe, 0xef]);
        let m = Marker::parse(&b).unwrap();
        assert_eq!(m.kind, MarkerKind::Information);
        let r = m.response();
        assert_eq!(&r[..4], &[2, 1, 2, 0x10]);
        assert_eq!(&r[4..16], &b[4..16]);
        assert!(r[16..].iter().all(|&x| x == 0));
        b[2] = 7;
        assert_eq!(
            Marker::parse(&b).map(|m| m.kind),
            Some(MarkerKind::Unknown(7))
        );
        assert_eq!(Marker::parse(&b[..20]), None);
    }

    // ---- The state machines, against each other ----

    const UP: LinkFacts = LinkFacts {
        link_up: true,
        dev_up: true,
        mbps: 10000,
        full_duplex: true,
    };
    const DOWN: LinkFacts = LinkFacts {
        link_up: false,
        dev_up: false,
        mbps: 0,
        full_duplex: false,
    };

    /// One system: a bond with its ports.
    struct Side {
        lacp: Lacp,
        ports: Vec<AdSlave>,
        links: Vec<LinkFacts>,
        notes: Vec<AdNote>,
    }

    impl Side {
        fn new(mac: u8, n: usize, params: AdParams) -> Self {
            let mut lacp = Lacp::default();
            lacp.initialize(AdParams {
                system: [2, 0, 0, 0, 0, mac],
                ..params
            });
            let mut s = Side {
                lacp,
                ports: Vec::new(),
                links: Vec::new(),
                notes: Vec::new(),
            };
            for _ in 0..n {
                s.add(UP);
            }
            // ndo_open after the enslaves.
            s.lacp.select_soon();
            s
        }

        fn add(&mut self, link: LinkFacts) {
            let number = self.ports.len() as u16 + 1;
            let p = self.lacp.bind(number, link);
            self.ports.push(p);
            self.links.push(link);
            let i = self.ports.len() - 1;
            let _ = self.lacp.link_change(&mut self.ports, i, link);
        }

        fn set_link(&mut self, i: usize, link: LinkFacts) {
            self.links[i] = link;
            if let Some(n) = self.lacp.link_change(&mut self.ports, i, link) {
                self.notes.push(n);
            }
        }

        fn tick(&mut self) -> Vec<(usize, Lacpdu)> {
            let links = self.links.clone();
            let mut notes = Vec::new();
            self.lacp
                .tick(&mut self.ports, |i| links[i], |_, n| notes.push(n));
            self.notes.extend(notes);
            let mut out = Vec::new();
            for (i, s) in self.ports.iter_mut().enumerate() {
                if s.port.tx_due() {
                    out.push((i, s.port.lacpdu()));
                    s.port.sent();
                }
            }
            out
        }

        fn rx(&mut self, i: usize, pdu: &Lacpdu) {
            if let Some(n) = self.lacp.rx_lacpdu(&mut self.ports, i, pdu) {
                self.notes.push(n);
            }
        }

        fn tx_ports(&self) -> Vec<usize> {
            (0..self.ports.len())
                .filter(|&i| Lacp::tx_enabled(&self.ports, i))
                .collect()
        }
    }

    /// Port `a_port` of `a` is wired to port `b_port` of `b`; `cut` wires
    /// carry nothing.
    struct Wire {
        a: usize,
        b: usize,
        cut: bool,
    }

    fn step(a: &mut Side, b: &mut Side, wires: &[Wire]) {
        let (ta, tb) = (a.tick(), b.tick());
        for (i, pdu) in ta {
            if let Some(w) = wires.iter().find(|w| w.a == i && !w.cut) {
                b.rx(w.b, &pdu);
            }
        }
        for (i, pdu) in tb {
            if let Some(w) = wires.iter().find(|w| w.b == i && !w.cut) {
                a.rx(w.a, &pdu);
            }
        }
    }

    fn straight(n: usize) -> Vec<Wire> {
        (0..n)
            .map(|i| Wire {
                a: i,
                b: i,
                cut: false,
            })
            .collect()
    }

    /// Ticks until `done` holds; the tick count, or None after `max`.
    fn run_until(
        a: &mut Side,
        b: &mut Side,
        wires: &[Wire],
        max: u32,
        done: impl Fn(&Side, &Side) -> bool,
    ) -> Option<u32> {
        for t in 1..=max {
            step(a, b, wires);
            if done(a, b) {
                return Some(t);
            }
        }
        None
    }

    fn fast() -> AdParams {
        AdParams {
            lacp_fast: true,
            ..AdParams::default()
        }
    }

    const FORMED: u8 = state::LACP_ACTIVITY
        | state::AGGREGATION
        | state::SYNCHRONIZATION
        | state::COLLECTING
        | state::DISTRIBUTING;

    #[test]
    fn two_active_systems_aggregate_every_port() {
        let (mut a, mut b) = (
            Side::new(1, 3, fast()),
            Side::new(2, 3, AdParams::default()),
        );
        let w = straight(3);
        let t = run_until(&mut a, &mut b, &w, 100, |a, b| {
            a.tx_ports().len() == 3 && b.tx_ports().len() == 3
        });
        // Two seconds of wait_while (AGGREGATE_WAIT_TIME), plus the
        // exchanges: well within a few fast periods.
        assert!(t.is_some_and(|t| t <= 40), "formed after {t:?} ticks");
        // The last state changes reach the partner within a second.
        for _ in 0..10 {
            step(&mut a, &mut b, &w);
        }
        let info = Lacp::active_info(&a.ports).unwrap();
        assert_eq!(info.ports, 3);
        assert_eq!(
            info.actor_key, 15,
            "10 Gb/s full duplex: speed code 7 << 1 | 1"
        );
        assert_eq!(info.partner_system, [2, 0, 0, 0, 0, 2]);
        for i in 0..3 {
            let (pa, pb) = (&a.ports[i].port, &b.ports[i].port);
            assert_eq!(pa.partner.system, pb.actor.system);
            assert_eq!(pa.partner.port, pb.actor.port);
            assert_eq!(
                pa.actor.state,
                FORMED | state::LACP_TIMEOUT,
                "a asks for fast"
            );
            assert_eq!(pb.actor.state, FORMED);
            assert_eq!(
                pa.partner.state & !state::LACP_TIMEOUT,
                pb.actor.state & !state::LACP_TIMEOUT
            );
            assert_eq!(pa.agg_id, info.aggregator_id, "one aggregator for all");
            assert_eq!(pa.mux, MuxState::CollectingDistributing);
        }
        assert_eq!(a.lacp.carrier(&a.ports), Some(true));
        assert!(a.notes.is_empty(), "{:?}", a.notes);
    }

    #[test]
    fn periodic_lacpdus_follow_the_partners_rate() {
        let (mut a, mut b) = (
            Side::new(1, 1, fast()),
            Side::new(2, 1, AdParams::default()),
        );
        let w = straight(1);
        run_until(&mut a, &mut b, &w, 100, |a, _| a.tx_ports().len() == 1).unwrap();
        for _ in 0..20 {
            step(&mut a, &mut b, &w);
        }
        let (a0, b0) = (
            a.ports[0].port.stats.lacpdu_tx,
            b.ports[0].port.stats.lacpdu_tx,
        );
        for _ in 0..600 {
            step(&mut a, &mut b, &w);
        }
        // b sends every second (a asked for fast), a every 30 s.
        let (da, db) = (
            a.ports[0].port.stats.lacpdu_tx - a0,
            b.ports[0].port.stats.lacpdu_tx - b0,
        );
        assert!((59..=64).contains(&db), "fast partner sent {db} in 60 s");
        assert!((2..=4).contains(&da), "slow partner sent {da} in 60 s");
    }

    /// Ticks from cutting the wire until the port stops distributing.
    fn expiry_ticks(params: AdParams) -> u32 {
        let (mut a, mut b) = (
            Side::new(1, 2, params),
            Side::new(2, 2, AdParams::default()),
        );
        let mut w = straight(2);
        run_until(&mut a, &mut b, &w, 200, |a, _| a.tx_ports().len() == 2).unwrap();
        // Let the LACPDU timing settle to a random phase: the latest
        // LACPDU has just arrived.
        let before = a.ports[0].port.stats.lacpdu_rx;
        run_until(&mut a, &mut b, &w, 400, |a, _| {
            a.ports[0].port.stats.lacpdu_rx > before
        })
        .unwrap();
        w[0].cut = true;
        let t = run_until(&mut a, &mut b, &w, 2000, |a, _| a.tx_ports() == [1]).unwrap();
        assert_eq!(a.ports[0].port.rx, RxState::Expired);
        assert!(a.ports[0].port.actor.state & state::EXPIRED != 0);
        assert!(a.ports[1].port.active, "the other port carries on");
        t
    }

    #[test]
    fn a_silent_partner_expires_in_3_s_with_lacp_rate_fast() {
        let t = expiry_ticks(fast());
        assert!((29..=31).contains(&t), "expired after {t} ticks");
    }

    #[test]
    fn a_silent_partner_expires_in_90_s_with_lacp_rate_slow() {
        let t = expiry_ticks(AdParams::default());
        assert!((899..=901).contains(&t), "expired after {t} ticks");
    }

    #[test]
    fn an_expired_port_comes_back_when_the_partner_speaks_again() {
        let (mut a, mut b) = (Side::new(1, 2, fast()), Side::new(2, 2, fast()));
        let mut w = straight(2);
        run_until(&mut a, &mut b, &w, 200, |a, _| a.tx_ports().len() == 2).unwrap();
        w[0].cut = true;
        run_until(&mut a, &mut b, &w, 200, |a, _| {
            a.ports[0].port.rx == RxState::Defaulted
        })
        .unwrap();
        assert!(a.ports[0].port.actor.state & state::DEFAULTED != 0);
        w[0].cut = false;
        // Both ends defaulted their partner to slow: the first periodic
        // LACPDU (within 30 s) restarts the exchange.
        let t = run_until(&mut a, &mut b, &w, 400, |a, b| {
            a.tx_ports().len() == 2 && b.tx_ports().len() == 2
        });
        assert!(t.is_some_and(|t| t <= 340), "{t:?}");
        assert_eq!(Lacp::active_info(&a.ports).unwrap().ports, 2);
    }

    #[test]
    fn passive_on_both_sides_never_holds_an_aggregation() {
        // Neither side runs the periodic machine: the LACPDUs that state
        // changes cause let the ports aggregate, the partner information
        // then times out (current_while, 3 s with lacp_rate fast), the
        // ports leave the aggregation, and the cycle starts again. This is
        // what the C driver does with two passive ends.
        let passive = AdParams {
            lacp_active: false,
            lacp_fast: true,
            ..AdParams::default()
        };
        let (mut a, mut b) = (Side::new(1, 2, passive), Side::new(2, 2, passive));
        let w = straight(2);
        let (mut drops, mut was) = (0, false);
        let mut longest = 0;
        let mut run = 0;
        for _ in 0..600 {
            step(&mut a, &mut b, &w);
            let on = Lacp::tx_enabled(&a.ports, 0)
                && a.ports[0].port.mux == MuxState::CollectingDistributing;
            drops += u32::from(was && !on);
            run = if on { run + 1 } else { 0 };
            longest = longest.max(run);
            was = on;
        }
        assert!(drops >= 15, "{drops} drops in 60 s");
        assert!(longest <= 35, "held for {longest} ticks");
        assert!(a
            .ports
            .iter()
            .all(|s| s.port.periodic == PeriodicState::NoPeriodic));
    }

    #[test]
    fn passive_on_one_side_forms_driven_by_the_active_partner() {
        let passive = AdParams {
            lacp_active: false,
            ..AdParams::default()
        };
        let (mut a, mut b) = (Side::new(1, 2, passive), Side::new(2, 2, fast()));
        let w = straight(2);
        let t = run_until(&mut a, &mut b, &w, 100, |a, b| {
            a.tx_ports().len() == 2 && b.tx_ports().len() == 2
        });
        assert!(t.is_some(), "did not form");
        assert_eq!(a.ports[0].port.actor.state & state::LACP_ACTIVITY, 0);
        // It answers the fast partner every second.
        let before = a.ports[0].port.stats.lacpdu_tx;
        for _ in 0..100 {
            step(&mut a, &mut b, &w);
        }
        assert!((9..=11).contains(&(a.ports[0].port.stats.lacpdu_tx - before)));
    }

    /// `a` with four ports: ports 0-1 to system `b`, 2-3 to `c` (another
    /// partner key); `n_b`/`n_c` of them are up.
    fn two_partners(select: u8, speeds: (u32, u32), n_b: usize, n_c: usize) -> (Side, Side, Side) {
        let mut a = Side::new(
            1,
            0,
            AdParams {
                ad_select: select,
                lacp_fast: true,
                ..AdParams::default()
            },
        );
        let mut b = Side::new(2, 0, fast());
        let mut c = Side::new(
            3,
            0,
            AdParams {
                user_port_key: 5,
                ..fast()
            },
        );
        for k in 0..4 {
            let mbps = if k < 2 { speeds.0 } else { speeds.1 };
            let up = if k < 2 { k < n_b } else { k - 2 < n_c };
            a.add(if up { LinkFacts { mbps, ..UP } } else { DOWN });
        }
        for k in 0..2 {
            b.add(if k < n_b {
                LinkFacts {
                    mbps: speeds.0,
                    ..UP
                }
            } else {
                DOWN
            });
            c.add(if k < n_c {
                LinkFacts {
                    mbps: speeds.1,
                    ..UP
                }
            } else {
                DOWN
            });
        }
        a.lacp.select_soon();
        b.lacp.select_soon();
        c.lacp.select_soon();
        let wb = straight(2);
        let wc: Vec<Wire> = (0..2)
            .map(|k| Wire {
                a: k + 2,
                b: k,
                cut: false,
            })
            .collect();
        for _ in 0..200 {
            let ta = a.tick();
            let (tb, tc) = (b.tick(), c.tick());
            for (i, pdu) in ta {
                if i < 2 && i < n_b {
                    b.rx(i, &pdu);
                } else if i >= 2 && i - 2 < n_c {
                    c.rx(i - 2, &pdu);
                }
            }
            for (i, pdu) in tb {
                if i < n_b {
                    a.rx(wb[i].a, &pdu);
                }
            }
            for (i, pdu) in tc {
                if i < n_c {
                    a.rx(wc[i].a, &pdu);
                }
            }
        }
        (a, b, c)
    }

    #[test]
    fn ports_to_two_partners_form_two_aggregators_and_one_is_active() {
        let (a, _, _) = two_partners(AD_SELECT_STABLE, (10000, 10000), 2, 2);
        let ids: Vec<u16> = a.ports.iter().map(|s| s.port.agg_id).collect();
        assert_eq!(ids[0], ids[1]);
        assert_eq!(ids[2], ids[3]);
        assert_ne!(ids[0], ids[2]);
        assert_eq!(
            a.tx_ports(),
            vec![0, 1],
            "the first aggregator formed stays (stable)"
        );
    }

    #[test]
    fn ad_select_count_picks_the_aggregator_with_more_ports() {
        let (a, _, _) = two_partners(AD_SELECT_COUNT, (10000, 10000), 1, 2);
        assert_eq!(a.tx_ports(), vec![2, 3]);
        assert_eq!(
            Lacp::active_info(&a.ports).unwrap().partner_system,
            [2, 0, 0, 0, 0, 3]
        );
    }

    #[test]
    fn ad_select_bandwidth_picks_the_faster_aggregator() {
        // One 10G port to b against two 1G ports to c.
        let (a, _, _) = two_partners(AD_SELECT_BANDWIDTH, (10000, 1000), 1, 2);
        assert_eq!(a.tx_ports(), vec![0]);
        let (a, _, _) = two_partners(AD_SELECT_COUNT, (10000, 1000), 1, 2);
        assert_eq!(a.tx_ports(), vec![2, 3], "count ignores speed");
    }

    #[test]
    fn min_links_drops_the_carrier_below_it_and_raises_it_again() {
        let (mut a, mut b) = (
            Side::new(
                1,
                3,
                AdParams {
                    min_links: 2,
                    ..fast()
                },
            ),
            Side::new(2, 3, fast()),
        );
        let w = straight(3);
        run_until(&mut a, &mut b, &w, 100, |a, _| a.tx_ports().len() == 3).unwrap();
        assert_eq!(a.lacp.carrier(&a.ports), Some(true));
        a.set_link(0, DOWN);
        b.set_link(0, DOWN);
        assert_eq!(a.lacp.carrier(&a.ports), Some(true), "2 of 3 left");
        assert!(
            !Lacp::tx_enabled(&a.ports, 0) || !a.ports[0].port.active || a.tx_ports().len() <= 3
        );
        a.set_link(1, DOWN);
        b.set_link(1, DOWN);
        assert_eq!(
            a.lacp.carrier(&a.ports),
            Some(false),
            "1 of 3: below min_links"
        );
        a.set_link(1, UP);
        b.set_link(1, UP);
        assert_eq!(a.lacp.carrier(&a.ports), Some(true));
    }

    #[test]
    fn a_port_whose_link_fails_stops_distributing_at_once() {
        let (mut a, mut b) = (Side::new(1, 2, fast()), Side::new(2, 2, fast()));
        let mut w = straight(2);
        run_until(&mut a, &mut b, &w, 100, |a, b| {
            a.tx_ports().len() == 2 && b.tx_ports().len() == 2
        })
        .unwrap();
        w[1].cut = true;
        a.set_link(1, DOWN);
        b.set_link(1, DOWN);
        step(&mut a, &mut b, &w);
        assert_eq!(a.tx_ports(), vec![0]);
        step(&mut a, &mut b, &w);
        assert_eq!(b.tx_ports(), vec![0]);
        assert_eq!(Lacp::active_info(&a.ports).unwrap().ports, 1);
        w[1].cut = false;
        a.set_link(1, UP);
        b.set_link(1, UP);
        let t = run_until(&mut a, &mut b, &w, 100, |a, b| {
            a.tx_ports().len() == 2 && b.tx_ports().len() == 2
        });
        assert!(t.is_some());
    }

    #[test]
    fn unbinding_a_port_says_goodbye_and_keeps_the_others_aggregated() {
        let (mut a, mut b) = (Side::new(1, 3, fast()), Side::new(2, 3, fast()));
        let w = straight(3);
        run_until(&mut a, &mut b, &w, 100, |a, _| a.tx_ports().len() == 3).unwrap();
        // Port 0's aggregator carries all three: releasing it moves them.
        let agg = a.ports[0].port.agg_id;
        assert!(a.ports.iter().all(|s| s.port.agg_id == agg));
        let bye = a.lacp.unbind(&mut a.ports, 0).unwrap();
        assert_eq!(
            bye.actor.state & (state::AGGREGATION | state::SYNCHRONIZATION | state::DISTRIBUTING),
            0
        );
        a.ports.remove(0);
        a.links.remove(0);
        b.rx(0, &bye);
        let info = Lacp::active_info(&a.ports).unwrap();
        assert_eq!(info.ports, 2);
        assert_ne!(info.aggregator_id, agg, "moved to a free aggregator");
        assert_eq!(a.tx_ports(), vec![0, 1]);
        let w2: Vec<Wire> = vec![
            Wire {
                a: 0,
                b: 1,
                cut: false,
            },
            Wire {
                a: 1,
                b: 2,
                cut: false,
            },
        ];
        for _ in 0..100 {
            step(&mut a, &mut b, &w2);
        }
        assert_eq!(a.tx_ports(), vec![0, 1]);
        assert!(
            !Lacp::tx_enabled(&b.ports, 0),
            "the partner took its port out"
        );
        // Releasing everything leaves nothing active.
        a.lacp.unbind(&mut a.ports, 1).unwrap();
        a.ports.remove(1);
        a.lacp.unbind(&mut a.ports, 0).unwrap();
        a.ports.remove(0);
        assert_eq!(Lacp::active_info(&a.ports), None);
        assert_eq!(a.lacp.carrier(&a.ports), None);
    }

    #[test]
    fn a_port_that_hears_itself_reports_a_loopback() {
        let mut a = Side::new(1, 2, fast());
        for _ in 0..100 {
            let out = a.tick();
            for (i, pdu) in out {
                // Port 0 and 1 wired to each other.
                a.rx(1 - i, &pdu);
            }
        }
        assert!(a.notes.contains(&AdNote::Loopback));
        assert!(a
            .ports
            .iter()
            .all(|s| s.port.partner.system != a.ports[0].port.actor.system));
    }

    #[test]
    fn without_a_partner_one_port_still_carries_the_traffic() {
        // A switch without LACP: the ports default, form individual
        // aggregators, and the first stays active (the C driver's "No
        // 802.3ad response" case).
        let mut a = Side::new(1, 2, fast());
        for _ in 0..200 {
            a.tick();
        }
        assert_eq!(a.tx_ports().len(), 1, "one individual port transmits");
        assert_eq!(a.lacp.carrier(&a.ports), Some(true));
        assert!(a.ports.iter().all(|s| s.port.rx == RxState::Defaulted));
    }

    #[test]
    fn marker_information_is_counted_and_answered() {
        let mut a = Side::new(1, 1, fast());
        let mut m = [0u8; 110];
        m[..4].copy_from_slice(&[2, 1, 1, 0x10]);
        let r = a
            .lacp
            .rx_marker(&mut a.ports, 0, &Marker::parse(&m).unwrap())
            .unwrap();
        assert_eq!(r[2], 2);
        m[2] = 2;
        assert!(a
            .lacp
            .rx_marker(&mut a.ports, 0, &Marker::parse(&m).unwrap())
            .is_none());
        m[2] = 9;
        assert!(a
            .lacp
            .rx_marker(&mut a.ports, 0, &Marker::parse(&m).unwrap())
            .is_none());
        assert_eq!(a.ports[0].port.stats.marker_rx, 1);
        assert_eq!(a.ports[0].port.stats.marker_resp_rx, 1);
        assert_eq!(a.ports[0].port.stats.marker_unknown_rx, 1);
        assert_eq!(a.lacp.stats.marker_rx, 1);
        // Out-of-range slave indexes are ignored, not a panic.
        assert!(a
            .lacp
            .rx_marker(&mut a.ports, 7, &Marker::parse(&m).unwrap())
            .is_none());
        assert!(a
            .lacp
            .rx_lacpdu(&mut a.ports, 7, &Lacpdu::default())
            .is_none());
        assert!(a.lacp.unbind(&mut a.ports, 7).is_none());
    }

    #[test]
    fn the_port_key_follows_speed_duplex_and_user_key() {
        let mut a = Side::new(
            1,
            0,
            AdParams {
                user_port_key: 3,
                ..AdParams::default()
            },
        );
        a.add(LinkFacts { mbps: 1000, ..UP });
        assert_eq!(a.ports[0].port.actor.key, 3 << 6 | 4 << 1 | 1);
        a.add(LinkFacts {
            full_duplex: false,
            ..UP
        });
        assert_eq!(a.ports[1].port.actor.key, 3 << 6 | 7 << 1);
        a.set_link(0, DOWN);
        assert_eq!(a.ports[0].port.actor.key, 3 << 6);
        assert_eq!(speed_code(123), 0);
        assert_eq!(Churn::Churned.desc(), "churned");
    }
}
