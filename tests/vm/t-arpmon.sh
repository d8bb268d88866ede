# The ARP monitor (issue 5), checked side by side with the C driver: with
# arp_validate=none any frame a slave hears counts; with arp_validate, only
# ARP between the bond and its targets, on the slaves it applies to.
# shellcheck shell=bash

arp_topology() {
	make_peer 2
	bond_up
	ip link set veth0 master bond0
	ip link set veth1 master bond0
}

failures() {
	awk '/^Link Failure Count:/ { n += $4 } END { print n + 0 }' /proc/net/bonding/bond0
}

# active_backup_arp_scenario <c|ours>: prints "<healthy failures>
# <failures while the target is silent> <carrier after recovery>".
active_backup_arp_scenario() {
	if [ "$1" = c ]; then
		load_c_bonding mode=1 arp_interval=100 arp_ip_target=192.0.2.2
	else
		load_bonding mode=1 arp_interval=100 arp_ip_target=192.0.2.2
	fi
	arp_topology
	sleep 2
	local f0 f1 f2
	f0=$(failures)
	sleep 3                            # 30 intervals, all healthy
	f1=$(failures)
	ip -n peer addr del 192.0.2.2/24 dev br0
	sleep 3
	f2=$(failures)
	ip -n peer addr add 192.0.2.2/24 dev br0
	local i
	for i in $(seq 50); do
		grep -q "^MII Status: up" /proc/net/bonding/bond0 && ping -c 1 -W 1 192.0.2.2 >/dev/null 2>&1 && break
		sleep 0.1
	done
	echo "$((f1 - f0)) $((f2 - f1)) $(cat /sys/class/net/bond0/carrier)"
	rmmod bonding
	ip netns del peer
}

test_active_backup_arp_monitor_behaves_as_the_c_driver() {
	local c ours
	c=$(active_backup_arp_scenario c)
	ours=$(active_backup_arp_scenario ours)
	echo "C driver: $c; ours: $ours"
	local -a C=($c) O=($ours)
	assert_eq "${C[0]}" 0 "the C driver is stable while healthy"
	assert_eq "${O[0]}" 0 "no flapping over 30 healthy intervals"
	[ "${C[1]}" -ge 1 ] || fail "the C driver did not notice the silent target (scenario broken)"
	[ "${O[1]}" -ge 1 ] || fail "the silent target was not noticed"
	assert_eq "${O[2]}" 1 "carrier back when the target answers again"
	assert_klog "bond0: \(slave veth[01]\): link status definitely down, disabling slave"
	assert_klog "bond0: \(slave veth[01]\): link status definitely up"
}

# loadbalance_arp_scenario <c|ours>: prints the failures after the peer's
# side of veth0 goes down, then whether veth0 came back.
loadbalance_arp_scenario() {
	if [ "$1" = c ]; then
		load_c_bonding mode=0 arp_interval=100 arp_ip_target=192.0.2.2
	else
		load_bonding mode=0 arp_interval=100 arp_ip_target=192.0.2.2
	fi
	arp_topology
	sleep 2
	local f0 silent cut back
	f0=$(failures)
	# The target goes silent, but each slave hears the other's broadcast
	# probes through the bridge: with arp_validate=none both stay up.
	ip -n peer addr del 192.0.2.2/24 dev br0
	sleep 2
	silent=$(( $(failures) - f0 ))
	ip -n peer addr add 192.0.2.2/24 dev br0
	ip -n peer link set pveth0 down
	sleep 2
	cut=$(grep -A1 "^Slave Interface: veth0" /proc/net/bonding/bond0 | sed -n 's/^MII Status: //p')
	ip -n peer link set pveth0 up
	sleep 2
	back=$(grep -A1 "^Slave Interface: veth0" /proc/net/bonding/bond0 | sed -n 's/^MII Status: //p')
	echo "$silent $cut $back"
	rmmod bonding
	ip netns del peer
}

test_loadbalance_arp_monitor_behaves_as_the_c_driver() {
	local c ours
	c=$(loadbalance_arp_scenario c)
	ours=$(loadbalance_arp_scenario ours)
	echo "C driver: $c; ours: $ours"
	assert_eq "$ours" "$c" "same reactions as the C driver"
	assert_eq "$ours" "0 down up" "silent target tolerated, cut link down, then back"
}

# arp_validate_scenario <c|ours> <all_targets> <extra target> <values...>:
# active-backup over veth0 (active) and veth1 with the ARP monitor. The
# peer answers for 192.0.2.2 and broadcasts pings, which both slaves hear.
# For each arp_validate value in turn: ARP stops reaching veth1's port
# (the active slave's probes no longer pass the switch to it), and a backup
# that validates, or that counts only ARP (filter), goes down while one
# that counts any frame stays up; then ARP reaches it again. Prints
# veth0's and veth1's MII status after each phase.
arp_validate_scenario() {
	local drv=$1 all=$2 extra=$3
	shift 3
	load_driver "$drv" max_bonds=0
	make_peer 2
	ip link add bond0 type bond mode active-backup arp_interval 100 arp_ip_target 192.0.2.2 \
		arp_all_targets "$all" primary veth0
	[ -z "$extra" ] || echo "+$extra" >/sys/class/net/bond0/bonding/arp_ip_target
	bond_up
	ip link set veth0 master bond0
	ip link set veth1 master bond0
	ip netns exec peer ping -q -b -i 0.1 192.0.2.255 >/dev/null 2>&1 &
	local noise=$!
	# Not with arp_all_targets all while arp_validate is none: nothing
	# validates an ARP, so no target is ever heard (slave_last_rx()).
	wait_for 10000 active_is veth0 >/dev/null || true
	validate_phases ARP "protocol arp" "" "$@"
	kill $noise
	wait $noise 2>/dev/null || true
	unload_any_bonding
	ip netns del peer
}

test_arp_validate_decides_which_frames_keep_a_slave_up_as_the_c_driver() {
	local values="none active backup all filter filter_active filter_backup" v
	side_by_side "arp_validate" arp_validate_scenario any "" $values
	for v in $values; do
		case $v in
		none | active) assert_match "$C_OUT" "^$v, no ARP to veth1: up up" "C, $v: veth1 counts any frame (scenario broken)" ;;
		*) assert_match "$C_OUT" "^$v, no ARP to veth1: up down" "C, $v: veth1 needs ARP (scenario broken)" ;;
		esac
	done
}

test_arp_all_targets_all_needs_every_target_as_the_c_driver() {
	local all
	for all in any all; do
		side_by_side "arp_all_targets $all, 192.0.2.9 dead" arp_validate_scenario $all 192.0.2.9 all
	done
}

test_arp_validate_is_taken_at_load_as_by_the_c_driver() {
	local c ours
	load_driver c arp_interval=100 arp_ip_target=10.0.0.1 arp_validate=filter_backup
	c=$(cat /sys/class/net/bond0/bonding/arp_validate)
	unload_any_bonding
	load_driver ours arp_interval=100 arp_ip_target=10.0.0.1 arp_validate=filter_backup
	ours=$(cat /sys/class/net/bond0/bonding/arp_validate)
	unload_any_bonding
	assert_eq "$ours" "$c" "arp_validate from the module parameter"
	assert_eq "$ours" "filter_backup 6" "sysfs"
}

# arp_via_upper <c|ours> <vlan|bridge>: active-backup with the ARP monitor,
# whose only target, 192.0.3.2, is reached through bond0.100 (the peer
# answers on br0.100) or through a bridge over the bond. Prints both
# slaves' MII status once settled, and the first three probes the peer
# sees on veth0's port (VLAN 100 only, for vlan).
arp_via_upper() {
	local drv=$1 how=$2 filter=arp
	load_driver "$drv" max_bonds=0
	make_peer 2
	ip link add bond0 type bond mode active-backup arp_interval 100 arp_ip_target 192.0.3.2 primary veth0
	sysctl -qw net.ipv6.conf.bond0.disable_ipv6=1
	ip link set bond0 up
	ip link set veth0 master bond0
	ip link set veth1 master bond0
	case $how in
	vlan)
		ip link add link bond0 name bond0.100 type vlan id 100
		sysctl -qw net.ipv6.conf.bond0/100.disable_ipv6=1
		ip link set bond0.100 up
		ip addr add 192.0.3.1/24 dev bond0.100
		ip -n peer link add link br0 name br0.100 type vlan id 100
		ip -n peer link set br0.100 up
		ip -n peer addr add 192.0.3.2/24 dev br0.100
		filter="vlan 100 and arp"
		;;
	bridge)
		ip link add brb type bridge
		sysctl -qw net.ipv6.conf.brb.disable_ipv6=1
		ip link set bond0 master brb
		ip link set brb up
		ip addr add 192.0.3.1/24 dev brb
		ip -n peer addr add 192.0.3.2/24 dev br0
		;;
	esac
	local probes
	probes=$(timeout 20 ip netns exec peer tcpdump -c 3 -l -e -n -Q in -i pveth0 "$filter" 2>/dev/null |
		sed -nE 's/.*(vlan [0-9]+).*(Request who-has [0-9.]+ tell [0-9.]+).*/\1 \2/p; t; s/.*(Request who-has [0-9.]+ tell [0-9.]+).*/\1/p') || true
	wait_for 10000 slave_is veth0 up >/dev/null || true
	wait_for 10000 slave_is veth1 up >/dev/null || true
	echo "veth0 $(slave_mii veth0), veth1 $(slave_mii veth1), carrier $(cat /sys/class/net/bond0/carrier)"
	echo "$probes"
	[ "$how" != bridge ] || ip link del brb
	unload_any_bonding
	ip netns del peer
}

test_arp_targets_behind_a_vlan_or_bridge_on_the_bond_are_probed_as_by_the_c_driver() {
	local how
	for how in vlan bridge; do
		side_by_side "a target through a $how" arp_via_upper $how
		assert_match "$OURS_OUT" "veth0 up, veth1 up, carrier 1" "slaves up with a target through a $how"
		case $how in
		vlan) assert_match "$OURS_OUT" "vlan 100 Request who-has 192.0.3.2 tell 192.0.3.1" "probes tagged with VLAN 100, from bond0.100's address" ;;
		bridge) assert_match "$OURS_OUT" "Request who-has 192.0.3.2 tell 192.0.3.1" "probes from the bridge's address" ;;
		esac
	done
}
