# rtnetlink (issue 10): `ip link add/set/del ... type bond`, `ip -d link
# show` of bonds and slaves, `type bond_slave`, side by side with the C
# driver in the same boot.
# shellcheck shell=bash

LINKINFO=$RBOND_TOP/tests/vm/linkinfo.py

# nl_topology: the peer namespace with two veths whose MACs are fixed, so
# that both drivers' bonds end up with the same addresses.
nl_topology() {
	make_peer 2
	ip link set veth0 address 02:00:00:00:10:00
	ip link set veth1 address 02:00:00:00:10:01
}

# nl_snapshots <driver>: loads <driver> (c or ours) without bonds, and for
# each option set of NL_SETS makes bond1 with it, enslaves both veths,
# brings it up, waits for both slaves' links, and prints the linkinfo of
# the bond and its slaves (one line each, after a line naming the set).
nl_snapshots() {
	local drv=$1 opts i
	load_driver "$drv" max_bonds=0
	nl_topology
	for opts in "${NL_SETS[@]}"; do
		echo "set: $opts"
		# shellcheck disable=SC2086
		ip link add bond1 type bond $opts || fail "$drv: ip link add bond1 type bond $opts"
		ip link set veth0 master bond1 || fail "$drv: veth0 master bond1"
		ip link set veth1 master bond1 || fail "$drv: veth1 master bond1"
		bond_up bond1
		for i in $(seq 300); do
			[ "$(grep -c '^MII Status: up' /proc/net/bonding/bond1)" = 3 ] && break
			sleep 0.05
		done
		# One more monitor period for the active slave to settle.
		sleep 0.5
		python3 "$LINKINFO" bond1 veth0 veth1
		ip link del bond1
	done
	ip netns del peer
	unload_any_bonding
}

# The ARP monitor's sets use long intervals: with 200 ms, a loaded CI
# machine once stalled the guest long enough for the C driver's monitor to
# fail a slave (link_failure_count 1, another active slave), and the
# snapshots then differed by timing alone. 1 s (2 s with arp_missed_max 4)
# leaves seconds of slack to either driver.
NL_SETS=(
	"mode balance-rr"
	"mode active-backup miimon 100"
	"mode active-backup miimon 100 updelay 200 downdelay 300 primary veth1"
	"mode balance-xor xmit_hash_policy layer3+4 miimon 50"
	"mode broadcast miimon 100"
	"mode active-backup arp_interval 1000 arp_ip_target 192.0.2.2,192.0.2.9"
	"mode active-backup miimon 100 fail_over_mac active num_grat_arp 3 peer_notify_delay 200"
	"mode balance-rr packets_per_slave 5 miimon 100 min_links 1"
	"mode active-backup miimon 100 primary_reselect better all_slaves_active 1 resend_igmp 3 use_carrier 0"
	"mode balance-xor arp_interval 500 arp_ip_target 192.0.2.2 arp_missed_max 4 arp_all_targets all"
)

test_ip_link_add_type_bond_shows_what_the_c_driver_shows() {
	local c ours
	c=$(nl_snapshots c)
	ours=$(nl_snapshots ours)
	echo "$ours" | grep "^set: "
	assert_same_as_c "ip -d link show" "$c" "$ours"
	assert_eq "$(echo "$ours" | grep -c '"info_kind": "bond"')" "${#NL_SETS[@]}" "one bond per set"
}

# nl_try <command...>: runs an ip command; prints its exit status and its
# error output.
nl_try() {
	local err rc=0
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	echo "$rc $err"
}

# The refusals of a scripted session, with their messages: ip's stderr and
# the driver's kernel log lines.
nl_refusals() {
	local drv=$1
	load_driver "$drv" max_bonds=0
	nl_topology
	dmesg -C
	ip link add bond1 type bond mode balance-rr
	nl_try ip link set bond1 type bond primary veth0
	nl_try ip link set bond1 type bond updelay 200
	nl_try ip link add bond2 type bond miimon 100 arp_interval 100
	nl_try ip link set bond1 type bond miimon 100 arp_validate 1
	nl_try ip link set bond1 type bond packets_per_slave 70000
	nl_try ip link set bond1 type bond lacp_rate fast
	nl_try ip link set bond1 type bond peer_notify_delay 400000
	ip link set veth0 master bond1
	nl_try ip link set bond1 type bond fail_over_mac active
	nl_try ip link set bond1 type bond mode active-backup
	ip link set bond1 up
	nl_try ip link set bond1 type bond xmit_hash_policy layer2+3
	nl_try ip link set bond1 type bond miimon 50
	nl_try ip link set veth1 type bond_slave queue_id 1
	nl_try ip link set veth0 type bond_slave queue_id 99
	nl_try ip link set veth0 type bond_slave queue_id 3
	ip -j -d link show veth0 | python3 -c 'import json,sys; d=json.load(sys.stdin)[0]["linkinfo"]["info_slave_data"]; print("queue_id", d["queue_id"])'
	awk '/^MII Polling/' /proc/net/bonding/bond1
	dmesg --notime | grep -E "bond1: (option|Unable|\(slave)" | grep -v "Enslaving\|making interface\|link status\|is NOT\|Releasing" || true
	ip link del bond1
	ip link del bond2 2>/dev/null || true
	ip netns del peer
	unload_any_bonding
}

test_refused_changes_give_the_c_driver_errno_and_message() {
	local c ours
	c=$(nl_refusals c)
	ours=$(nl_refusals ours)
	echo "$ours"
	assert_same_as_c "the refusals" "$c" "$ours"
}

# ns_options <c|ours>: the option through netlink, as ip(8) shows it and
# /proc/net/bonding prints it, with the C driver's refusals and log lines.
ns_options() {
	load_driver "$1" max_bonds=0
	dmesg -C
	ip link add bond1 type bond mode active-backup arp_interval 1000 ns_ip6_target 2001:db8::1,fe80::2
	ip -j -d link show bond1 | python3 -c 'import json,sys; print("shown:", json.load(sys.stdin)[0]["linkinfo"]["info_data"].get("ns_ip6_target"))'
	grep "^NS IPv6" /proc/net/bonding/bond1
	nl_try ip link set bond1 type bond ns_ip6_target 2001:db8::1,2001:db8::1
	nl_try ip link set bond1 type bond ns_ip6_target ff02::1
	nl_try ip link set bond1 type bond ns_ip6_target ::1
	# ip(8) sends the first 16 of these (BOND_MAX_NS_TARGETS) and drops
	# the 17th; the host tests cover "NS target table is full!".
	nl_try ip link set bond1 type bond ns_ip6_target "$(seq -s, -f '2001:db8::%g' 1 17)"
	ip link set bond1 type bond ns_ip6_target "$(seq -s, -f '2001:db8::%g' 1 16)"
	grep "^NS IPv6" /proc/net/bonding/bond1
	ip link set bond1 type bond ns_ip6_target 2001:db8:0:0:1::1,::ffff:192.0.2.1
	grep "^NS IPv6" /proc/net/bonding/bond1
	# The C driver empties the list before it adds, and says so when the
	# first entry is refused; this one leaves a refused list as it was.
	dmesg --notime | grep -E "bond1: " | grep -iE "NS|option" | grep -v "Removing last ns target" || true
	ip link del bond1
	unload_any_bonding
}

test_ns_ip6_target_through_netlink_and_proc_as_the_c_driver() {
	side_by_side "ns_ip6_target through netlink" ns_options
	assert_match "$OURS_OUT" "shown: \['2001:db8::1', 'fe80::2'\]" "ip -d shows the targets"
	assert_match "$OURS_OUT" "NS IPv6 target/s \(xx::xx form\): 2001:db8::1, fe80::2" "/proc"
	assert_match "$OURS_OUT" "NS target 2001:db8::1 is already present" "a duplicate refused"
	assert_match "$OURS_OUT" "2001:db8::15, 2001:db8::16$" "sixteen targets (ip(8) sends no more)"
}

test_runtime_changes_under_traffic() {
	load_bonding max_bonds=0
	nl_topology
	ip link add bond1 type bond mode active-backup miimon 100
	ip link set veth0 master bond1
	ip link set veth1 master bond1
	bond_up bond1
	ping -c 1 -W 2 192.0.2.2 >/dev/null || fail "no ping before the changes"
	ping -i 0.01 -W 1 192.0.2.2 >/tmp/flood.out 2>&1 &
	local pid=$!
	sleep 0.5
	ip link set bond1 type bond miimon 20 || fail "miimon"
	ip link set bond1 type bond updelay 100 downdelay 40 || fail "delays"
	ip link set bond1 type bond xmit_hash_policy layer3+4 || fail "xmit_hash_policy"
	ip link set bond1 type bond primary veth1 || fail "primary"
	local i
	for i in $(seq 100); do grep -q "^Currently Active Slave: veth1$" /proc/net/bonding/bond1 && break; sleep 0.02; done
	grep -q "^Currently Active Slave: veth1$" /proc/net/bonding/bond1 || fail "primary veth1 did not become active"
	ip link set bond1 type bond active_slave veth0 || fail "active_slave"
	grep -q "^Currently Active Slave: veth0$" /proc/net/bonding/bond1 || fail "active_slave veth0 not active"
	# With slaves, as the C driver checks first.
	assert_eq "$(nl_try ip link set bond1 type bond mode balance-rr)" "2 Error: unable to set option because the bond device has slaves." "mode with slaves"
	# The new miimon drives failover: veth0 goes down, veth1 takes over
	# within a few 20 ms periods plus the 40 ms downdelay.
	ip -n peer link set pveth0 down
	for i in $(seq 100); do grep -q "^Currently Active Slave: veth1$" /proc/net/bonding/bond1 && break; sleep 0.02; done
	grep -q "^Currently Active Slave: veth1$" /proc/net/bonding/bond1 || fail "no failover with the new miimon"
	sleep 0.5
	kill -INT $pid
	wait $pid 2>/dev/null || true
	local sent recv
	sent=$(awk '/packets transmitted/ { print $1 }' /tmp/flood.out)
	recv=$(awk '/packets transmitted/ { print $4 }' /tmp/flood.out)
	echo "flood: $recv of $sent replies"
	[ "$recv" -gt 0 ] && [ $((sent - recv)) -lt $((sent / 4 + 5)) ] || fail "the flood lost $((sent - recv)) of $sent"
	assert_match "$(cat /proc/net/bonding/bond1)" "MII Polling Interval \(ms\): 20" "miimon in /proc"
	assert_match "$(cat /proc/net/bonding/bond1)" "Up Delay \(ms\): 100" "updelay in /proc"
	ip link del bond1
	# Up without slaves: EBUSY.
	ip link add bond2 type bond
	ip link set bond2 up
	assert_eq "$(nl_try ip link set bond2 type bond mode active-backup)" "2 Error: unable to set option because the bond is up." "mode while up"
	assert_klog "bond2: option mode: unable to set because the bond device is up"
	ip link del bond2
}

test_ip_link_add_type_bond_loads_the_module() {
	install_both_drivers
	[ ! -d /sys/module/bonding ] || fail "already loaded"
	ip link add bond7 type bond mode active-backup miimon 100 || fail "ip link add bond7 type bond"
	loaded_bonding_is_ours || fail "rtnl-link-bond loaded the C driver"
	assert_match "$(cat /proc/net/bonding/bond7)" "active-backup" "bond7 with its mode"
	assert_eq "$(ip -j -d link show bond7 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["linkinfo"]["info_kind"])')" bond "kind"
	ip link del bond7
	[ ! -e /proc/net/bonding/bond7 ] || fail "bond7's proc file outlived it"
	rmmod bonding
}

test_bonds_in_a_namespace_live_and_die_with_it() {
	load_bonding max_bonds=1
	ip netns add n1
	ip link add v0 type veth peer name pv0
	ip link add v1 type veth peer name pv1
	ip link set v0 netns n1
	ip link set v1 netns n1
	ip -n n1 link add bond0 type bond mode active-backup miimon 50 || fail "bond0 in n1"
	ip -n n1 link set v0 master bond0
	ip -n n1 link set v1 master bond0
	ip -n n1 link set bond0 up
	ip link set pv0 up
	ip link set pv1 up
	local i
	for i in $(seq 100); do ip netns exec n1 grep -q "^Currently Active Slave: v0$" /proc/net/bonding/bond0 && break; sleep 0.05; done
	ip netns exec n1 grep -q "^Currently Active Slave: v0$" /proc/net/bonding/bond0 || fail "v0 not active in n1"
	ip link set pv0 down
	for i in $(seq 100); do ip netns exec n1 grep -q "^Currently Active Slave: v1$" /proc/net/bonding/bond0 && break; sleep 0.05; done
	ip netns exec n1 grep -q "^Currently Active Slave: v1$" /proc/net/bonding/bond0 || fail "no failover in n1"
	# init_net's bond0 is another device with its own file.
	assert_match "$(cat /proc/net/bonding/bond0)" "Bonding Mode: load balancing \(round-robin\)" "init_net's bond0"
	assert_eq "$(nl_try ip -n n1 link set bond0 netns 1)" "2 Error: The interface netns is immutable." "a bond cannot change namespace"
	ip netns del n1
	for i in $(seq 100); do [ ! -e /sys/class/net/pv0 ] && break; sleep 0.05; done
	rmmod bonding
	kmemleak_check
}

test_rmmod_deletes_every_bond_in_every_namespace() {
	load_bonding max_bonds=2
	ip netns add n2
	ip -n n2 link add bond5 type bond
	ip link add bond9 type bond mode broadcast
	make_peer 1
	ip link set veth0 master bond9
	rmmod bonding || fail "rmmod"
	[ ! -e /sys/class/net/bond0 ] && [ ! -e /sys/class/net/bond9 ] || fail "bonds left after rmmod"
	assert_eq "$(ip -n n2 -o link show type bond | wc -l)" 0 "bonds left in n2"
	assert_eq "$(readlink /sys/class/net/veth0/master || true)" "" "veth0 released"
	ip netns del n2
	ip netns del peer
	kmemleak_check
}

# nl_failover_events <driver>: `ip -d monitor link` during an active-backup
# failover; prints the bond's event lines.
nl_failover_events() {
	local drv=$1 i
	load_driver "$drv" max_bonds=0
	nl_topology
	ip link add bond1 type bond mode active-backup miimon 50
	ip link set veth0 master bond1
	ip link set veth1 master bond1
	bond_up bond1
	for i in $(seq 100); do grep -q "^Currently Active Slave: veth0$" /proc/net/bonding/bond1 && break; sleep 0.05; done
	ip -d monitor link dev bond1 >/tmp/monitor.out 2>&1 &
	local mon=$!
	sleep 1
	ip -n peer link set pveth0 down
	for i in $(seq 100); do grep -q "BONDING FAILOVER" /tmp/monitor.out && break; sleep 0.05; done
	kill $mon
	wait $mon 2>/dev/null || true
	grep -o "event BONDING FAILOVER" /tmp/monitor.out | sort -u
	ip link del bond1
	ip netns del peer
	unload_any_bonding
}

test_a_failover_reaches_ip_monitor_as_with_the_c_driver() {
	local c ours
	c=$(nl_failover_events c)
	ours=$(nl_failover_events ours)
	assert_eq "$c" "event BONDING FAILOVER" "the C driver's event"
	assert_eq "$ours" "$c" "IFLA_EVENT_BONDING_FAILOVER"
}

test_transmit_queues_follow_numtxqueues_and_tx_queues() {
	load_bonding max_bonds=0 tx_queues=8
	ip link add bond1 type bond
	ip link add bond2 numtxqueues 3 numrxqueues 3 type bond
	assert_eq "$(ls -d /sys/class/net/bond1/queues/tx-* | wc -l)" 8 "tx_queues=8 for ip link add"
	assert_eq "$(ls -d /sys/class/net/bond2/queues/tx-* | wc -l)" 3 "numtxqueues 3"
	echo +bond3 >/sys/class/net/bonding_masters
	assert_eq "$(ls -d /sys/class/net/bond3/queues/tx-* | wc -l)" 8 "tx_queues=8 for bonding_masters"
	ip link del bond1
	ip link del bond2
	ip link del bond3
}
