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

# removal_log <driver>: what the kernel logs about bond0 when the module
# goes away with an active and a backup slave.
removal_log() {
	if [ "$1" = c ]; then load_c_bonding mode=1 miimon=100; else load_bonding mode=1 miimon=100; fi
	make_peer 2
	bond_up
	"$IFENSLAVE" bond0 veth0 veth1
	echo "rbond-removal-marker" >/dev/kmsg
	rmmod bonding
	klog | sed -n '/rbond-removal-marker/,$p' | grep -o "bond0: .*" || true
	ip netns del peer
}

# Issue 9: a bond going away releases its slaves with the C driver's
# `all` semantics: no new active slave is chosen, no failover announced.
test_removing_a_bond_runs_no_failover() {
	local c ours
	c=$(removal_log c)
	ours=$(removal_log rust)
	echo "$ours"
	assert_eq "$ours" "$c" "log of the removal, as the C driver's"
	assert_no_match "$ours" "making interface the new active one|now running without" "failover while going away"
	assert_match "$ours" "Releasing backup interface" "the backup slave was released"
}
