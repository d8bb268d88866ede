// SPDX-License-Identifier: GPL-2.0

//! Unit tests of the LACPDU codec and the 802.3ad machines.

use super::{pdu::SUBTYPE_MARKER, *};

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
    assert!(a.ports[1].port.distributing, "the other port carries on");
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
fn two_partners(
    select: AdSelect,
    speeds: (u32, u32),
    n_b: usize,
    n_c: usize,
) -> (Side, Side, Side) {
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
    let (a, _, _) = two_partners(AdSelect::Stable, (10000, 10000), 2, 2);
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
    let (a, _, _) = two_partners(AdSelect::Count, (10000, 10000), 1, 2);
    assert_eq!(a.tx_ports(), vec![2, 3]);
    assert_eq!(
        Lacp::active_info(&a.ports).unwrap().partner_system,
        [2, 0, 0, 0, 0, 3]
    );
}

#[test]
fn ad_select_bandwidth_picks_the_faster_aggregator() {
    // One 10G port to b against two 1G ports to c.
    let (a, _, _) = two_partners(AdSelect::Bandwidth, (10000, 1000), 1, 2);
    assert_eq!(a.tx_ports(), vec![0]);
    let (a, _, _) = two_partners(AdSelect::Count, (10000, 1000), 1, 2);
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
        !Lacp::tx_enabled(&a.ports, 0) || !a.ports[0].port.distributing || a.tx_ports().len() <= 3
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

fn independent() -> AdParams {
    AdParams {
        coupled_control: false,
        ..AdParams::default()
    }
}

#[test]
fn independent_control_collects_first_then_distributes_once_the_partner_collects() {
    // a under independent control, b coupled (as teamd): a says
    // COLLECTING without DISTRIBUTING first, transmits nothing, then
    // distributes once b's LACPDU says b collects.
    let (mut a, mut b) = (
        Side::new(1, 2, independent()),
        Side::new(2, 2, AdParams::default()),
    );
    let w = straight(2);
    let seen = run_until(&mut a, &mut b, &w, 200, |a, _| {
        a.ports[0].port.mux == MuxState::Collecting
    });
    assert!(seen.is_some(), "never COLLECTING");
    let p = &a.ports[0].port;
    assert!(p.state(state::COLLECTING) && !p.state(state::DISTRIBUTING));
    assert!(
        !p.distributing && !Lacp::tx_enabled(&a.ports, 0),
        "no transmit while collecting"
    );
    run_until(&mut a, &mut b, &w, 200, |a, _| a.tx_ports().len() == 2).expect("never distributing");
    for i in 0..2 {
        assert_eq!(a.ports[i].port.mux, MuxState::Distributing);
        assert_eq!(a.ports[i].port.actor.state, FORMED);
        assert_eq!(b.ports[i].port.mux, MuxState::CollectingDistributing);
    }
    assert_eq!(a.lacp.carrier(&a.ports), Some(true));
    // The partner stops collecting: back to COLLECTING, no transmit.
    b.ports[1].port.actor.state &= !state::COLLECTING;
    let pdu = b.ports[1].port.lacpdu();
    a.rx(1, &pdu);
    let _ = a.tick();
    assert_eq!(a.ports[1].port.mux, MuxState::Collecting);
    assert!(!Lacp::tx_enabled(&a.ports, 1));
}

#[test]
fn both_sides_under_independent_control_aggregate() {
    let (mut a, mut b) = (
        Side::new(1, 2, independent()),
        Side::new(2, 2, independent()),
    );
    let w = straight(2);
    run_until(&mut a, &mut b, &w, 300, |a, b| {
        a.tx_ports().len() == 2 && b.tx_ports().len() == 2
    })
    .expect("never distributing");
    for s in [&a, &b] {
        assert!(s.ports.iter().all(|p| p.port.mux == MuxState::Distributing));
    }
}
