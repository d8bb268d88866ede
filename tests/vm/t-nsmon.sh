# The IPv6 NS monitor (ns_ip6_target, issue 21), side by side with the C
# driver: the ARP monitor's probes and validation, with neighbour
# solicitations and advertisements instead of ARP.
# shellcheck shell=bash

# ns_topology <target> [options...]: active-backup over veth0 (primary)
# and veth1 with the NS monitor probing <target>; the bond has 2001:db8::1
# and fe80::1, the peer's bridge 2001:db8::2 and fe80::2 (no DAD, no
# addresses of their own making).
ns_topology() {
	local target=$1
	shift
	make_peer 2
	ip netns exec peer sysctl -qw net.ipv6.conf.br0.addr_gen_mode=1 net.ipv6.conf.br0.disable_ipv6=0
	ip -n peer addr add 2001:db8::2/64 dev br0 nodad
	ip -n peer addr add fe80::2/64 dev br0 nodad
	ip link add bond0 type bond mode active-backup arp_interval 100 ns_ip6_target "$target" primary veth0 "$@"
	sysctl -qw net.ipv6.conf.bond0.addr_gen_mode=1
	ip link set bond0 up
	ip addr add 2001:db8::1/64 dev bond0 nodad
	ip addr add fe80::1/64 dev bond0 nodad
	ip link set veth0 master bond0
	ip link set veth1 master bond0
}

carrier_is() { [ "$(cat /sys/class/net/bond0/carrier)" = "$1" ]; }

# ns_validate_scenario <c|ours> <target> <arp_validate values...>: as
# t-arpmon's arp_validate_scenario, with ICMPv6 kept from veth1's port
# instead of ARP; the peer broadcasts IPv4 pings, which every slave hears.
# Then the target goes silent (its address removed) and comes back.
# Prints veth0's and veth1's MII status after each phase, and the carrier.
ns_validate_scenario() {
	local drv=$1 target=$2
	shift 2
	load_driver "$drv" max_bonds=0
	ns_topology "$target"
	ip netns exec peer ping -q -b -i 0.1 192.0.2.255 >/dev/null 2>&1 &
	local noise=$!
	wait_for 10000 active_is veth0 >/dev/null || true
	validate_phases ICMPv6 "protocol ipv6" "ip_proto icmpv6" "$@"
	ip -n peer addr del "$target/64" dev br0
	wait_for 5000 carrier_is 0 >/dev/null || true
	echo "target silent: $(slave_mii veth0) $(slave_mii veth1), carrier $(cat /sys/class/net/bond0/carrier)"
	ip -n peer addr add "$target/64" dev br0 nodad
	wait_for 5000 slave_is veth0 up >/dev/null || true
	wait_for 5000 slave_is veth1 up >/dev/null || true
	echo "target back: $(slave_mii veth0) $(slave_mii veth1), carrier $(cat /sys/class/net/bond0/carrier)"
	kill $noise
	wait $noise 2>/dev/null || true
	unload_any_bonding
	ip netns del peer
}

test_ns_monitor_validates_a_global_target_as_the_c_driver() {
	local values="none active backup all" v
	side_by_side "ns_ip6_target 2001:db8::2" ns_validate_scenario 2001:db8::2 $values
	for v in $values; do
		case $v in
		none | active) assert_match "$OURS_OUT" "^$v, no ICMPv6 to veth1: up up" "$v: veth1 counts any frame" ;;
		*) assert_match "$OURS_OUT" "^$v, no ICMPv6 to veth1: up down" "$v: veth1 needs the active slave's NS" ;;
		esac
		assert_match "$OURS_OUT" "^$v, ICMPv6 back: up up" "$v: veth1 back"
	done
	assert_match "$OURS_OUT" "target silent: .*, carrier 0" "a silent target takes the slaves down"
	assert_match "$OURS_OUT" "target back: up up, carrier 1" "and its answers bring them back"
}

test_a_link_local_ns_target_keeps_the_slaves_up_as_with_the_c_driver() {
	side_by_side "ns_ip6_target fe80::2" ns_validate_scenario fe80::2 all
	assert_match "$OURS_OUT" "all, healthy: up up" "a link-local target answers"
	assert_match "$OURS_OUT" "target silent: .*, carrier 0" "a silent target takes the slaves down"
}

# ns_via_vlan <c|ours>: the only NS target, 2001:db8:100::2, is reached
# through bond0.100 (the peer answers on br0.100), arp_validate all.
# Prints both slaves' MII status once settled, and the first two
# solicitations the peer sees on veth0's port.
ns_via_vlan() {
	load_driver "$1" max_bonds=0
	ns_topology 2001:db8:100::2 arp_validate all
	ip link add link bond0 name bond0.100 type vlan id 100
	sysctl -qw net.ipv6.conf.bond0/100.addr_gen_mode=1
	ip link set bond0.100 up
	ip addr add 2001:db8:100::1/64 dev bond0.100 nodad
	ip -n peer link add link br0 name br0.100 type vlan id 100
	ip netns exec peer sysctl -qw net.ipv6.conf.br0/100.addr_gen_mode=1 net.ipv6.conf.br0/100.disable_ipv6=0
	ip -n peer link set br0.100 up
	ip -n peer addr add 2001:db8:100::2/64 dev br0.100 nodad
	local probes
	probes=$(timeout 20 ip netns exec peer tcpdump -c 2 -l -e -n -Q in -i pveth0 \
		"vlan 100 and icmp6 and ip6[40] == 135" 2>/dev/null |
		sed -nE 's/.*(vlan 100).* ([0-9a-f:]+) > ([0-9a-f:]+): ICMP6, neighbor solicitation, who has ([0-9a-f:]+).*/\1 \2 > \3 who has \4/p') || true
	wait_for 10000 slave_is veth0 up >/dev/null || true
	wait_for 10000 slave_is veth1 up >/dev/null || true
	echo "veth0 $(slave_mii veth0), veth1 $(slave_mii veth1), carrier $(cat /sys/class/net/bond0/carrier)"
	echo "$probes"
	unload_any_bonding
	ip netns del peer
}

test_an_ns_target_behind_a_vlan_is_probed_tagged_as_by_the_c_driver() {
	side_by_side "an NS target through bond0.100" ns_via_vlan
	assert_match "$OURS_OUT" "veth0 up, veth1 up, carrier 1" "slaves up with the target through a VLAN"
	assert_match "$OURS_OUT" "vlan 100 2001:db8:100::1 > ff02::1:ff00:2 who has 2001:db8:100::2" \
		"solicitations tagged with VLAN 100, from bond0.100's address, to the target's group"
}
