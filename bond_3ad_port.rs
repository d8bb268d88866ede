// SPDX-License-Identifier: GPL-2.0

//! 802.3ad: the per-port machines (receive, periodic, transmit, churn;
//! IEEE 802.1AX-2014 clause 6.4, bond_3ad.c's `ad_rx_machine()` and the
//! others), on one [`Port`]. The machines that span ports (selection, mux)
//! are in `bond_3ad.rs`, the parent module. Pure Rust, host-tested.

#![forbid(unsafe_code)]

use super::{
    speed_code, state, var, AdNote, AdParams, AdStats, Churn, Lacpdu, LinkFacts, MuxState,
    PeriodicState, Port, PortInfo, RxState, CHURN_DETECTION_TIME, DUPLEX_KEY, FAST_PERIODIC_TIME,
    LONG_TIMEOUT_TIME, MAX_TX_IN_SECOND, SHORT_TIMEOUT_TIME, SLOW_PERIODIC_TIME, SPEED_KEY,
    TICKS_PER_SEC,
};
const PARTNER_TEMPLATE: PortInfo = PortInfo {
    system_priority: 0xffff,
    system: [0; 6],
    key: 1,
    port_priority: 0xff,
    port: 1,
    state: 0,
};

impl Port {
    pub(super) fn new(number: u16, p: &AdParams) -> Self {
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
            distributing: false,
            collecting: false,
            rx_disabled: true,
            stats: AdStats::default(),
        }
    }

    pub(super) fn has(&self, v: u16) -> bool {
        self.vars & v != 0
    }

    pub(super) fn set(&mut self, v: u16, on: bool) {
        if on {
            self.vars |= v;
        } else {
            self.vars &= !v;
        }
    }

    pub(super) fn state(&self, bit: u8) -> bool {
        self.actor.state & bit != 0
    }

    pub(super) fn set_state(&mut self, bit: u8, on: bool) {
        if on {
            self.actor.state |= bit;
        } else {
            self.actor.state &= !bit;
        }
    }

    pub(super) fn partner_has(&self, bit: u8) -> bool {
        self.partner.state & bit != 0
    }

    /// `__get_link_speed()`: 0 unless the link is up.
    pub(super) fn speed(&self) -> u16 {
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
    pub(super) fn enable(&mut self) {
        if self.link.link_up && self.link.dev_up {
            (self.distributing, self.collecting, self.rx_disabled) = (true, true, false);
        }
    }

    /// `__disable_port()`.
    pub(super) fn disable(&mut self) {
        (self.distributing, self.collecting, self.rx_disabled) = (false, false, true);
    }

    /// `__enable_collecting_port()`: the slave's `rx_disabled` goes, as
    /// the C driver's: a slave disabled before stays `inactive` until it
    /// distributes too.
    pub(super) fn enable_collecting(&mut self) {
        if self.link.link_up && self.link.dev_up {
            self.rx_disabled = false;
        }
    }

    /// `__disable_distributing_port()`: a backup, collecting or not.
    pub(super) fn disable_distributing(&mut self) {
        self.distributing = false;
    }

    /// `__port_move_to_attached_state()`: back to ATTACHED when no longer
    /// selected, on standby, or either side out of sync; whether it went.
    pub(super) fn move_to_attached(&mut self) -> bool {
        if !self.has(var::SELECTED)
            || self.has(var::STANDBY)
            || !self.partner_has(state::SYNCHRONIZATION)
            || !self.state(state::SYNCHRONIZATION)
        {
            self.mux = MuxState::Attached;
        }
        self.mux == MuxState::Attached
    }

    /// `ad_update_actor_keys()`: the key follows speed and duplex; only a
    /// full-duplex port takes part in LACP, and a speed change restarts its
    /// machines.
    pub(super) fn update_keys(&mut self, reset: bool) -> Option<AdNote> {
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
    pub(super) fn choose_matched(&mut self, pdu: &Lacpdu) {
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
    pub(super) fn record_pdu(&mut self, pdu: &Lacpdu) {
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
    pub(super) fn record_default(&mut self) {
        self.partner = self.partner_admin;
        self.set_state(state::DEFAULTED, true);
    }

    /// `__update_selected()`: a partner that changed unselects the port.
    pub(super) fn update_selected(&mut self, pdu: &Lacpdu) {
        if !same_partner(&pdu.actor, &self.partner) {
            self.set(var::SELECTED, false);
        }
    }

    /// `__update_default_selected()`.
    pub(super) fn update_default_selected(&mut self) {
        if !same_partner(&self.partner_admin, &self.partner) {
            self.set(var::SELECTED, false);
        }
    }

    /// `__update_ntt()`: the partner has a wrong view of us: tell it.
    pub(super) fn update_ntt(&mut self, pdu: &Lacpdu) {
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
    pub(super) fn rx_machine(&mut self, pdu: Option<&Lacpdu>) -> Option<AdNote> {
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
    pub(super) fn periodic_machine(&mut self) {
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
    pub(super) fn tx_machine(&mut self) {
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
    pub(super) fn churn_machine(&mut self) {
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
pub(super) fn same_partner(a: &PortInfo, b: &PortInfo) -> bool {
    a.port == b.port
        && a.port_priority == b.port_priority
        && a.system == b.system
        && a.system_priority == b.system_priority
        && a.key == b.key
        && (a.state & state::AGGREGATION) == (b.state & state::AGGREGATION)
}
