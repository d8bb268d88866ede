# Unloading (issue 2).
# shellcheck shell=bash

test_rmmod_removes_bonds_that_are_up() {
	load_bonding max_bonds=3 mode=1 miimon=100
	local b
	for b in bond0 bond1 bond2; do
		ip link set $b up
		ip addr add 192.0.2.1/24 dev $b 2>/dev/null || true
	done
	rmmod bonding
	assert_eq "$(bond_names)" "" "bonds left after rmmod"
	[ ! -e /proc/net/bonding ] || fail "/proc/net/bonding left behind"
	[ ! -d /sys/module/bonding ] || fail "module still loaded"
}

# Every implemented mode in turn, 802.3ad (and its work) included: twice
# each in CI, 20 times each with RBOND_SOAK=1 (the fuzzer reloads the
# module thousands of times besides).
test_load_unload_in_every_mode_leaks_nothing() {
	local i n=10
	[ "${RBOND_SOAK:-0}" = 1 ] && n=100
	for i in $(seq $n); do
		insmod "$RBOND_KO" max_bonds=2 mode=$((i % 5)) miimon=100
		ip link set bond0 up
		cat /proc/net/bonding/bond1 >/dev/null
		rmmod bonding
	done
	assert_eq "$(bond_names)" "" "bonds left"
	kmemleak_check
}

# Issue 9: a bond going away releases its slaves with `all` semantics: no
# new active slave is chosen and no failover is announced on the way out.
# (The C driver of 6.12, in the same scenario, logs "making interface the
# new active one" for the backup while it goes: this driver does not.)
test_removing_a_bond_runs_no_failover() {
	load_bonding mode=1 miimon=100
	make_peer 2
	bond_up
	"$IFENSLAVE" bond0 veth0 veth1
	local marker log
	marker="rbond-removal-$RANDOM$RANDOM"
	echo "$marker" >/dev/kmsg
	ip monitor link >/tmp/removal-monitor.txt 2>&1 &
	local mon=$!
	sleep 0.5
	rmmod bonding
	sleep 0.5
	kill $mon 2>/dev/null || true
	log=$(klog | sed -n "/$marker/,\$p" | grep -oE "bond0( \(unregistering\))?: .*" || true)
	echo "$log"
	assert_no_match "$log" "making interface the new active one|now running without|Setting .* as active" "failover while going away"
	assert_match "$log" "\(slave veth[01]\): Releasing active interface" "the active slave was released"
	assert_match "$log" "\(slave veth[01]\): Releasing backup interface" "the backup slave was released"
	assert_match "$log" "Released all slaves" "bond_uninit's last line"
	assert_no_match "$(cat /tmp/removal-monitor.txt)" "BONDING_FAILOVER|bonding_failover" "failover event on the way out"
}
