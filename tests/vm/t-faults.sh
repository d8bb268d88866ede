# Error paths under fault injection (issue 9): every kernel allocation of an
# enslave, a release and an rmmod is made to fail in turn (failslab with
# fail-nth). Each request either happens whole or leaves the slave and the
# bond exactly as they were; release and rmmod always finish; nothing
# leaks and nothing splats (the runner checks the kernel log).

failslab_setup() {
	local f=/sys/kernel/debug/failslab
	[ -d $f ] || fail "no failslab in the test kernel"
	# GFP_KERNEL allocations too (ignored by default), and quietly.
	echo N >$f/ignore-gfp-wait
	echo 0 >$f/verbose
}

FAULTLOOP=$RBOND_TOP/tests/vm/faultloop.py

# fault_loop <enslave|release> [max]: an active-backup bond with veth1 (which
# keeps the bond's MAC and carrier steady across the attempts), and the
# loop on veth0; prints faultloop.py's result line.
fault_loop() {
	failslab_setup
	load_bonding mode=1 miimon=100
	make_peer 2
	bond_up
	"$IFENSLAVE" bond0 veth1
	local out
	out=$(python3 "$FAULTLOOP" "$1" bond0 veth0 "${2:-600}") || fail "$out"
	assert_match "$out" "^attempts [0-9]+$" "loop result"
	echo "$out"
}

test_enslave_under_every_allocation_failure_happens_whole_or_not_at_all() {
	fault_loop enslave
	# And afterwards the bond still works with that slave.
	"$IFENSLAVE" bond0 veth0
	ping -c 1 -W 2 192.0.2.2 >/dev/null || fail "no traffic after the fault loop"
	kmemleak_check
}

test_release_under_every_allocation_failure_finishes_or_changes_nothing() {
	fault_loop release
	kmemleak_check
}

# rmmod with its allocations failing in turn (every one of the first 40,
# then every 100th; every 25th with RBOND_LONG=1: faultloop.py) must still
# remove every bond and give every slave back, each time, within the time
# limit.
test_rmmod_under_every_allocation_failure_gives_every_slave_back() {
	failslab_setup
	make_peer 2
	local out
	local stride=100
	[ "${RBOND_LONG:-0}" = 1 ] && stride=25
	out=$(timeout 600 python3 "$FAULTLOOP" rmmod "$RBOND_KO" veth0,veth1 3000 $stride) || fail "$out"
	echo "$out"
	assert_match "$out" "^attempts [0-9]+$" "loop result"
	[ ! -d /sys/module/bonding ] || fail "the module is still loaded"
	kmemleak_check
}
