# Failover on the carrier event (issue 13): with the MII monitor reading
# carrier (use_carrier=1, the default), a slave's carrier change is acted on
# when the notifier reports it, not at the next poll; downdelay and updelay
# count from the event. A deliberate difference from the C driver, which
# notices the change up to miimon ms later.
# shellcheck shell=bash

carrier_topology() {
	make_peer 2
	bond_up
	"$IFENSLAVE" bond0 veth0 veth1
	ping -c 1 -W 2 192.0.2.2 >/dev/null || fail "no ping before the test"
	active_is veth0 || fail "veth0 should start active"
}

# A poll once a minute: a failover within seconds can only come from the
# carrier event. Without it, the next poll is up to 60 s away.
test_carrier_loss_fails_over_at_once_not_at_the_next_poll() {
	load_bonding mode=1 miimon=60000
	carrier_topology
	local waited
	peer_link 0 down
	waited=$(wait_for 10000 active_is veth1) || fail "no failover within 10 s (the poll is 60 s apart)"
	echo "failover seen after $waited ms"
	assert_eq "$(slave_mii veth0)" down "the slave without carrier"
	assert_klog "bond0: \(slave veth0\): link status definitely down, disabling slave"
	ping -c 1 -W 2 192.0.2.2 >/dev/null || fail "no ping after the failover"
	peer_link 0 up
	waited=$(wait_for 10000 slave_is veth0 up) ||
		fail "veth0 not back within 10 s"
	echo "link back seen after $waited ms"
	assert_klog "bond0: \(slave veth0\): link status definitely up"
}

# downdelay starts at the event: "disabling it in" is logged when the
# carrier goes (the 5 s poll would log it up to 5 s later), and the slave
# goes down no sooner than downdelay after it.
test_downdelay_counts_from_the_carrier_event() {
	load_bonding mode=1 miimon=5000 downdelay=10000
	carrier_topology
	dmesg -C
	peer_link 0 down
	wait_for 30000 active_is veth1 >/dev/null || fail "no failover within 20 s"
	local cut going down
	cut=$(klog_ms "br0: port 1\(pveth0\) entered disabled state")
	going=$(klog_ms "\(slave veth0\): link status down for active interface, disabling it in 10000 ms")
	down=$(klog_ms "\(slave veth0\): link status definitely down")
	[ -n "$cut" ] && [ -n "$going" ] && [ -n "$down" ] || fail "missing log lines: cut '$cut' going '$going' down '$down'"
	echo "downdelay started $((going - cut)) ms after the cut, ended $((down - cut)) ms after it"
	[ $((going - cut)) -lt 1000 ] || fail "downdelay started $((going - cut)) ms after the carrier went"
	[ $((down - cut)) -ge 9900 ] || fail "the slave went down $((down - cut)) ms after the cut, downdelay=10000"
}

# updelay likewise, and the bond keeps the slave it has meanwhile.
test_updelay_counts_from_the_carrier_event() {
	load_bonding mode=1 miimon=5000 updelay=10000
	carrier_topology
	peer_link 1 down
	wait_for 10000 bash -c '! grep -q "MII Status: up" <(grep -A1 "^Slave Interface: veth1" /proc/net/bonding/bond0)' >/dev/null ||
		fail "veth1 never went down"
	dmesg -C
	peer_link 1 up
	wait_for 30000 bash -c 'grep -A1 "^Slave Interface: veth1" /proc/net/bonding/bond0 | grep -q "MII Status: up"' >/dev/null ||
		fail "veth1 never came back"
	local back going up
	back=$(klog_ms "br0: port 2\(pveth1\) entered blocking state")
	going=$(klog_ms "\(slave veth1\): link status up, enabling it in 10000 ms")
	up=$(klog_ms "\(slave veth1\): link status definitely up")
	[ -n "$back" ] && [ -n "$going" ] && [ -n "$up" ] || fail "missing log lines: back '$back' going '$going' up '$up'"
	echo "updelay started $((going - back)) ms after the link came back, ended $((up - back)) ms after it"
	[ $((going - back)) -lt 1000 ] || fail "updelay started $((going - back)) ms after the carrier came back"
	[ $((up - back)) -ge 9900 ] || fail "veth1 used $((up - back)) ms after its carrier came back, updelay=10000"
	active_is veth0 || fail "the active slave changed"
}
