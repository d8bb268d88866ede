// SPDX-License-Identifier: GPL-2.0
//! balance-tlb/alb's tables, against what bond_alb.c does.

use super::*;
use crate::bond_monitor::ARPOP_REQUEST;

const BCAST: [u8; 6] = [0xff; 6];
const US: [u8; 6] = [2, 0, 0, 0, 0, 1];

fn ipv4(proto: u8, daddr: [u8; 4]) -> [u8; 20] {
    let mut h = [0u8; 20];
    h[0] = 0x45;
    h[9] = proto;
    h[16..20].copy_from_slice(&daddr);
    h
}

fn ipv6(next: u8, saddr_zero: bool, icmp_type: u8) -> [u8; 48] {
    let mut h = [0u8; 48];
    h[0] = 0x60;
    h[6] = next;
    if !saddr_zero {
        h[8] = 0xfe;
        h[9] = 0x80;
        h[23] = 1;
    }
    h[24] = 0x20;
    h[39] = 7;
    h[40] = icmp_type;
    h
}

#[test]
fn simple_hash_xors_the_bytes() {
    assert_eq!(simple_hash(&[10, 0, 0, 2]), 10 ^ 2);
    assert_eq!(simple_hash(&[]), 0);
}

#[test]
fn tlb_balances_unicast_ip_but_not_neighbour_discovery() {
    let uni = [2, 0, 0, 0, 0, 9];
    assert_eq!(
        tlb_plan(&uni, 0x0800, &ipv4(17, [10, 0, 0, 2])),
        TxPlan::XmitHash
    );
    assert_eq!(
        tlb_plan(&BCAST, 0x0800, &ipv4(17, [10, 0, 0, 2])),
        TxPlan::Unbalanced
    );
    assert_eq!(tlb_plan(&uni, 0x0806, &[0; 28]), TxPlan::Unbalanced);
    assert_eq!(
        tlb_plan(&uni, 0x86dd, &ipv6(17, false, 0)),
        TxPlan::XmitHash
    );
    assert_eq!(
        tlb_plan(&uni, 0x86dd, &ipv6(58, false, 135)),
        TxPlan::Unbalanced
    );
    assert_eq!(
        tlb_plan(&uni, 0x86dd, &ipv6(58, false, 136)),
        TxPlan::Unbalanced
    );
    assert_eq!(
        tlb_plan(&uni, 0x86dd, &ipv6(58, false, 128)),
        TxPlan::XmitHash
    );
    // Too short to tell: counts as neighbour discovery.
    assert_eq!(tlb_plan(&uni, 0x86dd, &[0x60; 30]), TxPlan::Unbalanced);
}

#[test]
fn alb_balances_by_destination_and_keeps_broadcasts_igmp_dad_on_the_active_slave() {
    let uni = [2, 0, 0, 0, 0, 9];
    let h = simple_hash(&[10, 0, 0, 2]);
    assert_eq!(
        alb_plan(&uni, 0x0800, &ipv4(17, [10, 0, 0, 2]), true),
        TxPlan::Dest(h)
    );
    assert_eq!(
        alb_plan(&uni, 0x0800, &ipv4(17, [10, 0, 0, 2]), false),
        TxPlan::XmitHash
    );
    assert_eq!(
        alb_plan(&uni, 0x0800, &ipv4(2, [10, 0, 0, 2]), true),
        TxPlan::Unbalanced
    );
    assert_eq!(
        alb_plan(&uni, 0x0800, &ipv4(17, [255; 4]), true),
        TxPlan::Unbalanced
    );
    assert_eq!(
        alb_plan(&BCAST, 0x0800, &ipv4(17, [10, 0, 0, 2]), true),
        TxPlan::Unbalanced
    );
    // IPv4 multicast is balanced by alb (only broadcast is not).
    let mc = [1, 0, 0x5e, 0, 0, 5];
    assert!(matches!(
        alb_plan(&mc, 0x0800, &ipv4(17, [224, 0, 0, 5]), true),
        TxPlan::Dest(_)
    ));
    assert_eq!(
        alb_plan(&[0x33, 0x33, 0, 0, 0, 1], 0x86dd, &ipv6(17, false, 0), true),
        TxPlan::Unbalanced
    );
    assert_eq!(
        alb_plan(&uni, 0x86dd, &ipv6(17, true, 0), true),
        TxPlan::Unbalanced
    );
    let d6 = simple_hash(&ipv6(17, false, 0)[24..40]);
    assert_eq!(
        alb_plan(&uni, 0x86dd, &ipv6(17, false, 0), true),
        TxPlan::Dest(d6)
    );
    assert_eq!(alb_plan(&uni, 0x0806, &[0; 28], true), TxPlan::Arp);
    assert_eq!(
        alb_plan(&uni, 0x0800, &[0x45; 10], true),
        TxPlan::Unbalanced
    );
}

#[test]
fn the_least_loaded_slave_has_the_largest_gap_computed_in_32_bits() {
    let s = |key, speed, load| TxSlave { key, speed, load };
    // 10000 << 20 wraps in 32 bits, as `slave->speed << 20` does: a
    // 10 Gb/s slave looks faster than a 1 Gb/s one but slower than a
    // 2 Gb/s one.
    for (a, b, best) in [
        (s(1, 1000, 500), s(2, 1000, 100), 2),
        (s(1, 1000, 0), s(2, 1000, 0), 1),
        (s(1, 1000, 0), s(2, 10000, 0), 2),
        (s(1, 2000, 0), s(2, 10000, 0), 1),
        (s(1, 4000, 0), s(2, 10000, 0), 1),
    ] {
        assert_eq!(least_loaded([a, b].into_iter()), Some(best), "{a:?} {b:?}");
    }
    assert_eq!(least_loaded(core::iter::empty()), None);
}

#[test]
fn a_flow_keeps_its_slave_until_cleared_and_carries_its_load_to_the_next() {
    let mut flows = [TlbFlow::default(); 256];
    let mut t = TlbTable::new(&mut flows);
    assert_eq!(t.choose(7, 100, || Some(1)), Some((1, 0)));
    assert_eq!(t.choose(7, 100, || Some(2)), Some((1, 0)));
    assert_eq!(t.slave_of(7), Some(1));
    t.choose(7, 800, || None);
    // 1000 bytes in the interval: a history of 1 + 1000 / 10.
    t.clear_slave(1, true);
    assert_eq!(t.slave_of(7), None);
    assert_eq!(t.choose(7, 1, || Some(2)), Some((2, 101)));
    // Without saving, the history stays.
    t.clear_slave(2, false);
    assert_eq!(t.choose(7, 1, || Some(3)), Some((3, 101)));
    assert_eq!(t.choose(8, 1, || None), None);
    assert_eq!(t.slave_of(8), None);
}

#[test]
fn the_clock_sends_learning_packets_every_lp_interval_and_rebalances_every_10_s() {
    let mut c = AlbClock::default();
    let mut learning = 0;
    let mut rebalances = 0;
    for _ in 0..200 {
        let t = c.tick(true, 2);
        learning += u32::from(t.learning);
        rebalances += u32::from(t.rebalance_tx);
    }
    assert_eq!((learning, rebalances), (10, 2));
    c.rebalance_soon();
    assert!(c.tick(true, 2).rebalance_tx);
    // A bond without slaves starts over.
    c.tick(false, 2);
    assert_eq!(c.tx_rebalance, 0);
    assert_eq!(unbalanced_rate(1000), 100);
}

fn arp(op: u16, mac_src: [u8; 6], ip_src: [u8; 4], mac_dst: [u8; 6], ip_dst: [u8; 4]) -> ArpPkt {
    ArpPkt {
        op,
        mac_src,
        ip_src,
        mac_dst,
        ip_dst,
    }
}

fn rx(keys: &[SlaveKey]) -> impl Iterator<Item = RxSlave> + Clone + '_ {
    keys.iter().map(|&key| RxSlave { key, speed: 1000 })
}

const BOND_IP: [u8; 4] = [10, 0, 0, 1];

fn client(n: u8) -> ([u8; 4], [u8; 6]) {
    ([10, 0, 0, n], [2, 0, 0, 0, 1, n])
}

#[test]
fn arp_parse_reads_the_fields_unchecked() {
    let mut b = [0u8; 28];
    b[7] = 2;
    b[8..14].copy_from_slice(&US);
    b[14..18].copy_from_slice(&BOND_IP);
    b[24..28].copy_from_slice(&[10, 0, 0, 9]);
    let p = ArpPkt::parse(&b).unwrap();
    assert_eq!(p, arp(ARPOP_REPLY, US, BOND_IP, [0; 6], [10, 0, 0, 9]));
    assert_eq!(ArpPkt::parse(&b[..27]), None);
}

#[test]
fn clients_are_given_the_slaves_in_turn_and_keep_them() {
    let (mut clients, mut st) = ([RlbClient::EMPTY; 256], RlbState::NEW);
    let mut t = RlbTable::new(&mut clients, &mut st);
    let keys = [1, 2];
    let mut got = [0; 4];
    for n in 2..6u8 {
        let (ip, mac) = client(n);
        let (s, moved) = t.choose(
            &arp(ARPOP_REPLY, US, BOND_IP, mac, ip),
            0,
            Some(1),
            rx(&keys),
        );
        assert_eq!(moved, None);
        got[usize::from(n - 2)] = s.unwrap();
    }
    assert_eq!(got, [1, 2, 1, 2]);
    // The same client again: the same slave.
    let (ip, mac) = client(3);
    assert_eq!(
        t.choose(
            &arp(ARPOP_REPLY, US, BOND_IP, mac, ip),
            0,
            Some(1),
            rx(&keys)
        )
        .0,
        Some(2)
    );
    // Newest first.
    let order: Vec<u8> = t.used().map(|(_, c)| c.ip_dst[3]).collect();
    assert_eq!(order, [5, 4, 3, 2]);
    // The fastest slave is preferred.
    let fast = [
        RxSlave { key: 1, speed: 100 },
        RxSlave {
            key: 2,
            speed: 1000,
        },
    ];
    assert_eq!(t.next_rx_slave(fast.into_iter()), Some(2));
    assert_eq!(t.next_rx_slave(fast.into_iter()), Some(2));
}

#[test]
fn a_client_hashing_onto_a_taken_entry_moves_the_old_one_to_the_active_slave() {
    let (mut clients, mut st) = ([RlbClient::EMPTY; 256], RlbState::NEW);
    let mut t = RlbTable::new(&mut clients, &mut st);
    let keys = [1, 2];
    let (ip, mac) = client(2);
    t.choose(
        &arp(ARPOP_REPLY, US, BOND_IP, mac, ip),
        0,
        Some(1),
        rx(&keys),
    );
    // 10.0.1.3 hashes like 10.0.0.2.
    let other = [10, 0, 1, 3];
    assert_eq!(simple_hash(&other), simple_hash(&ip));
    let (s, moved) = t.choose(
        &arp(ARPOP_REPLY, US, BOND_IP, [2, 0, 0, 0, 2, 2], other),
        0,
        Some(2),
        rx(&keys),
    );
    assert_eq!(
        moved,
        Some(ClientUpdate {
            slave: 2,
            ip_src: BOND_IP,
            ip_dst: ip,
            mac_dst: mac,
            vlan_id: 0
        })
    );
    assert_eq!(s, Some(2));
    assert_eq!(t.used().count(), 1);
}

#[test]
fn requests_hold_updates_back_and_a_reply_teaches_the_clients_mac() {
    let (mut clients, mut st) = ([RlbClient::EMPTY; 256], RlbState::NEW);
    let mut t = RlbTable::new(&mut clients, &mut st);
    let keys = [1, 2];
    let (ip, mac) = client(2);
    // A request: broadcast target, nothing to tell yet.
    t.choose(
        &arp(ARPOP_REQUEST, US, BOND_IP, BCAST, ip),
        0,
        Some(1),
        rx(&keys),
    );
    assert_eq!(t.request_sent(BOND_IP, |_| false), 0);
    assert_eq!(t.tick(), RlbTick::default());
    // The client's reply: its MAC, and an update once the delay is over.
    t.arp_received(&arp(ARPOP_REPLY, mac, ip, US, BOND_IP));
    let mut ticks = 0;
    while !t.tick().update_clients {
        ticks += 1;
    }
    assert_eq!(ticks, 20);
    let mut out = [0u8; 256];
    assert_eq!(t.updates(&mut out), 1);
    let u = t.update(out[0]).unwrap();
    assert_eq!((u.slave, u.ip_dst, u.mac_dst), (1, ip, mac));
    // Told once: nothing more.
    for _ in 0..40 {
        assert!(!t.tick().update_clients);
    }
}

#[test]
fn another_host_taking_the_address_purges_its_entries() {
    let (mut clients, mut st) = ([RlbClient::EMPTY; 256], RlbState::NEW);
    let mut t = RlbTable::new(&mut clients, &mut st);
    let (ip, mac) = client(2);
    t.choose(
        &arp(ARPOP_REPLY, US, BOND_IP, mac, ip),
        0,
        Some(1),
        rx(&[1, 2]),
    );
    // Same sender MAC: kept.
    t.arp_received(&arp(ARPOP_REQUEST, US, BOND_IP, [0; 6], ip));
    assert_eq!(t.used().count(), 1);
    // BOND_IP from another MAC: gone.
    t.arp_received(&arp(ARPOP_REQUEST, [2, 9, 9, 9, 9, 9], BOND_IP, [0; 6], ip));
    assert_eq!(t.used().count(), 0);
}

#[test]
fn a_failed_slaves_clients_go_to_the_others_and_are_told_with_retries() {
    let (mut clients, mut st) = ([RlbClient::EMPTY; 256], RlbState::NEW);
    let mut t = RlbTable::new(&mut clients, &mut st);
    for n in 2..6u8 {
        let (ip, mac) = client(n);
        t.choose(
            &arp(ARPOP_REPLY, US, BOND_IP, mac, ip),
            0,
            Some(1),
            rx(&[1, 2]),
        );
    }
    let mut out = [0u8; 256];
    // The initial updates.
    while !t.tick().update_clients {}
    t.updates(&mut out);
    t.clear_slave(2, rx(&[1]));
    assert!(t.used().all(|(_, c)| c.slave == Some(1)));
    // Told now, and on three more rounds.
    let mut rounds = 0;
    for _ in 0..200 {
        if t.tick().update_clients {
            assert_eq!(t.updates(&mut out), 2);
            rounds += 1;
        }
    }
    assert_eq!(rounds, 4);
    // No slave left: none.
    t.clear_slave(1, rx(&[]));
    assert!(t.used().all(|(_, c)| c.slave.is_none()));
    assert_eq!(t.update(out[0]), None);
}

#[test]
fn a_rebalance_spreads_clients_again_and_vlans_are_forgotten() {
    let (mut clients, mut st) = ([RlbClient::EMPTY; 256], RlbState::NEW);
    let mut t = RlbTable::new(&mut clients, &mut st);
    for n in 2..6u8 {
        let (ip, mac) = client(n);
        t.choose(
            &arp(ARPOP_REPLY, US, BOND_IP, mac, ip),
            u16::from(n % 2) * 100,
            Some(1),
            rx(&[1]),
        );
    }
    assert!(t.used().all(|(_, c)| c.slave == Some(1)));
    st.rebalance_soon();
    let mut t = RlbTable::new(&mut clients, &mut st);
    assert!(t.tick().rebalance);
    t.rebalance(rx(&[1, 2]));
    let on2 = t.used().filter(|(_, c)| c.slave == Some(2)).count();
    assert_eq!(on2, 2);
    t.slave_mac_changed(2);
    t.clear_vlan(100);
    assert_eq!(t.used().count(), 2);
    assert!(t.used().all(|(_, c)| c.vlan_id == 0));
}

#[test]
fn the_promiscuity_timer_runs_10_s() {
    let mut p = PromiscTimer::default();
    assert!(!p.tick());
    p.restart(true);
    let mut n = 1;
    while !p.tick() {
        n += 1;
    }
    assert_eq!(n, 100);
    p.restart(false);
    assert!(!p.tick());
}
