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

test_load_unload_50_times_leaks_nothing() {
	local i
	for i in $(seq 50); do
		insmod "$RBOND_KO" max_bonds=2 mode=$((i % 4)) miimon=100
		ip link set bond0 up
		cat /proc/net/bonding/bond1 >/dev/null
		rmmod bonding
	done
	assert_eq "$(bond_names)" "" "bonds left"
	kmemleak_check
}
