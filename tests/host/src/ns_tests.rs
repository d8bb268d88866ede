//! The IPv6 NS monitor's pure parts: addresses as the kernel prints them,
//! solicited-node groups, and which received NS/NA shows a target alive.

use super::*;

fn v6(s: &str) -> Ipv6 {
    let a: std::net::Ipv6Addr = s.parse().unwrap();
    Ipv6(a.octets())
}

#[test]
fn addresses_print_as_the_kernels_pi6c() {
    // Expected strings as lib/vsprintf.c's ip6_compressed_string() gives them.
    for (addr, shown) in [
        ("2001:db8::1", "2001:db8::1"),
        ("fe80::1", "fe80::1"),
        ("::", "::"),
        ("::1", "::1"),
        ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2:3:4:5:6"),
        ("2001:db8:0:2:3:4:5:6", "2001:db8:0:2:3:4:5:6"),
        ("ff02::1:ff00:1", "ff02::1:ff00:1"),
        ("fd00:a:b:c:d::", "fd00:a:b:c:d::"),
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("fe80::5efe:192.0.2.1", "fe80::5efe:192.0.2.1"),
        ("fe80::200:5efe:192.0.2.1", "fe80::200:5efe:192.0.2.1"),
        ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
        ("1:0:0:0:2:0:0:3", "1::2:0:0:3"),
    ] {
        assert_eq!(v6(addr).to_string(), shown, "{addr}");
    }
}

#[test]
fn solicited_node_group_and_its_mac() {
    let t = v6("2001:db8::12:3456");
    assert_eq!(t.solicited_node(), v6("ff02::1:ff12:3456"));
    assert_eq!(
        t.solicited_node().eth_mc_mac(),
        [0x33, 0x33, 0xff, 0x12, 0x34, 0x56]
    );
}

fn packet(nexthdr: u8, icmp_type: u8, saddr: &str, daddr: &str) -> [u8; ND_LEN] {
    let mut b = [0u8; ND_LEN];
    b[0] = 0x60;
    b[6] = nexthdr;
    b[7] = 255;
    b[8..24].copy_from_slice(&v6(saddr).0);
    b[24..40].copy_from_slice(&v6(daddr).0);
    b[40] = icmp_type;
    b
}

#[test]
fn only_neighbour_solicitations_and_advertisements_parse() {
    let na = Nd::parse(&packet(58, 136, "2001:db8::1", "2001:db8::a")).unwrap();
    assert_eq!(na.saddr, v6("2001:db8::1"));
    assert_eq!(na.daddr, v6("2001:db8::a"));
    assert!(Nd::parse(&packet(58, 135, "2001:db8::1", "ff02::1:ff00:a")).is_some());
    // An echo request, a router advertisement, UDP: not for the monitor.
    assert!(Nd::parse(&packet(58, 128, "2001:db8::1", "2001:db8::a")).is_none());
    assert!(Nd::parse(&packet(58, 134, "2001:db8::1", "2001:db8::a")).is_none());
    assert!(Nd::parse(&packet(17, 136, "2001:db8::1", "2001:db8::a")).is_none());
}

#[test]
fn a_target_is_shown_alive_as_bond_validate_na_says() {
    let targets = [v6("2001:db8::1"), v6("fe80::1")];
    let bond = v6("2001:db8::a");
    let ours = |a: &Ipv6| *a == bond;
    // An NA from the second target to the bond.
    assert_eq!(Nd::target(&targets[1], &bond, &targets, ours), Some(1));
    // ... or to all nodes (unsolicited).
    assert_eq!(
        Nd::target(&targets[0], &Ipv6::ALL_NODES, &targets, ours),
        Some(0)
    );
    // The active slave's NS, seen on a backup and read swapped: its group
    // as the "source".
    let group = targets[0].solicited_node();
    assert_eq!(Nd::target(&group, &bond, &targets, ours), Some(0));
    // From the unspecified address (DAD), to someone else, or from a
    // stranger: nothing.
    assert_eq!(Nd::target(&Ipv6::default(), &bond, &targets, ours), None);
    assert_eq!(
        Nd::target(&targets[0], &v6("2001:db8::b"), &targets, ours),
        None
    );
    assert_eq!(Nd::target(&v6("2001:db8::99"), &bond, &targets, ours), None);
}
