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
	# Page allocations as well, where the kernel has fail_page_alloc (the
	# KASAN kernel): fail-nth then counts both kinds.
	f=/sys/kernel/debug/fail_page_alloc
	if [ -d $f ]; then
		echo N >$f/ignore-gfp-wait
		echo N >$f/ignore-gfp-highmem
		echo 0 >$f/min-order
		echo 0 >$f/verbose
	fi
}

FAULTLOOP=$RBOND_TOP/tests/vm/faultloop.py

# fault_loop <enslave|release> [max] [mode]: a bond (active-backup unless
# given) with veth1 (which keeps the bond's MAC and carrier steady across
# the attempts), and the loop on veth0; prints faultloop.py's result line.
fault_loop() {
	failslab_setup
	load_bonding mode=${3:-1} miimon=100
	make_peer 2
	bond_up
	"$IFENSLAVE" bond0 veth1
	faultloop "$1" bond0 veth0 "${2:-600}"
}

faultloop() {
	local out
	out=$(python3 "$FAULTLOOP" "$@") || fail "$out"
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

# balance-alb: the MAC handling of an enslave and a release, and the
# client table the bond allocates when it comes up.
test_alb_enslave_open_and_release_under_every_allocation_failure_leave_the_bond_whole() {
	fault_loop enslave 600 6
	faultloop release bond0 veth0 600
	"$IFENSLAVE" bond0 veth0
	ip link set bond0 down
	faultloop open bond0 - 600
	ip link set bond0 up
	ip addr add 192.0.2.1/24 dev bond0 2>/dev/null || true
	wait_for 5000 ping -c 1 -W 1 192.0.2.2 >/dev/null || fail "no traffic after the fault loops"
	kmemleak_check
}

# rmmod with its allocations failing in turn (every one of the first 40,
# then every 200th; every 25th with RBOND_LONG=1: faultloop.py) must still
# remove every bond and give every slave back, each time, within the time
# limit.
test_rmmod_under_every_allocation_failure_gives_every_slave_back() {
	failslab_setup
	make_peer 2
	local out
	local stride=200
	[ "${RBOND_LONG:-0}" = 1 ] && stride=25
	out=$(timeout 600 python3 "$FAULTLOOP" rmmod "$RBOND_KO" veth0,veth1 3000 $stride) || fail "$out"
	echo "$out"
	assert_match "$out" "^attempts [0-9]+$" "loop result"
	[ ! -d /sys/module/bonding ] || fail "the module is still loaded"
	kmemleak_check
}

# The creation paths (issue 12): rtnetlink newlink with options, each
# option of a changelink, "+bond" to bonding_masters (device, sysfs and
# /proc entries), and the module's load. Each allocation fails in turn
# (a bond's creation makes over a thousand, most of them its sysfs files
# and queues: every one of the first 40, then every 13th in CI, every one
# with RBOND_LONG=1; the load every 50th past 40 in CI); a
# request that fails leaves nothing behind (no device, no sysfs or /proc
# entry, no module) and a bond exactly as before; one that succeeds made
# everything it should.
# creation_walk <faultloop op> [stride]: faultloop.py's walk over bond7,
# with the module loaded without bonds (and bond7 made first for
# changelink).
creation_walk() {
	failslab_setup
	load_bonding max_bonds=0
	[ "$1" = changelink ] && ip link add bond7 type bond mode active-backup miimon 100
	local out
	out=$(python3 "$FAULTLOOP" "$1" bond7 - 5000 ${2:+"$2"}) || fail "$out"
	assert_match "$out" "^attempts [0-9]+$" "loop result"
	echo "$out"
	kmemleak_check
}

# Every 13th past the 40th in CI, every one with RBOND_LONG=1.
creation_stride() { if [ "${RBOND_LONG:-0}" = 1 ]; then echo 1; else echo 13; fi; }

test_newlink_under_every_allocation_failure_creates_all_or_nothing() {
	creation_walk newlink "$(creation_stride)"
}

test_changelink_under_every_allocation_failure_changes_all_or_nothing() {
	creation_walk changelink
}

test_bonding_masters_under_every_allocation_failure_creates_all_or_nothing() {
	creation_walk masters "$(creation_stride)"
}

# Module load (about 1,400 allocations with two bonds): every one of the
# first 40, then every 50th (every one with RBOND_LONG=1).
test_module_load_under_every_allocation_failure_loads_whole_or_not_at_all() {
	failslab_setup
	unload_any_bonding
	local out stride=50
	[ "${RBOND_LONG:-0}" = 1 ] && stride=1
	out=$(timeout 500 python3 "$FAULTLOOP" load "$RBOND_KO" - 5000 $stride) || fail "$out"
	assert_match "$out" "^attempts [0-9]+$" "loop result"
	echo "$out"
	[ ! -d /sys/module/bonding ] || fail "the module is still loaded"
	kmemleak_check
}
