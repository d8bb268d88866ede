# The ARP monitor (issue 5), checked side by side with the C driver: with
# arp_validate=none any frame a slave hears counts, so the two must react
# to the same events the same way.
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

test_arp_validate_other_than_none_is_refused() {
	assert_eq "$(try_insmod "$RBOND_KO" arp_interval=100 arp_ip_target=10.0.0.1 arp_validate=all)" 22 "errno"
	assert_klog "arp_validate other than none is not supported by this driver yet"
}
