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

# each_fault <max> <fn>: runs fn N for N = 1, 2, ... until fn reports that
# no fault was injected (the request made fewer than N allocations).
each_fault() {
	local n
	for n in $(seq 1 "$1"); do
		"$2" "$n" || return 0
	done
	fail "more than $1 allocations: raise the bound"
}

FAULTLOOP=$RBOND_TOP/tests/vm/faultloop.py

test_enslave_under_every_allocation_failure_happens_whole_or_not_at_all() {
	failslab_setup
	load_bonding mode=1 miimon=100
	make_peer 2
	bond_up
	# veth1 keeps the bond's MAC and carrier steady across the attempts.
	"$IFENSLAVE" bond0 veth1
	local out
	out=$(python3 "$FAULTLOOP" enslave bond0 veth0 600) || fail "$out"
	echo "$out"
	assert_match "$out" "^attempts [0-9]+$" "loop result"
	# And afterwards the bond still works with that slave.
	"$IFENSLAVE" bond0 veth0
	ping -c 1 -W 2 192.0.2.2 >/dev/null || fail "no traffic after the fault loop"
	kmemleak_check
}

test_release_under_every_allocation_failure_finishes_or_changes_nothing() {
	failslab_setup
	load_bonding mode=1 miimon=100
	make_peer 2
	bond_up
	"$IFENSLAVE" bond0 veth1
	local out
	out=$(python3 "$FAULTLOOP" release bond0 veth0 600) || fail "$out"
	echo "$out"
	assert_match "$out" "^attempts [0-9]+$" "loop result"
	kmemleak_check
}

# rmmod_with_fault <n>: rmmod with its n-th allocation failing must still
# remove every bond and give every slave back, within a bound.
rmmod_with_fault() {
	local n=$1 own0 own1 r e injected
	load_bonding mode=1 miimon=100 max_bonds=2
	bond_up
	own0=$(dev_state veth0)
	own1=$(dev_state veth1)
	"$IFENSLAVE" bond0 veth0 veth1
	ip link set bond1 up
	r=$(timeout 60 python3 - "$n" <<'PY'
import ctypes, os, sys, threading
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open("/proc/self/task/%d/fail-nth" % threading.get_native_id(), os.O_RDWR)
os.write(fd, sys.argv[1].encode())
r = libc.syscall(176, b"bonding", os.O_NONBLOCK)  # delete_module
e = ctypes.get_errno() if r < 0 else 0
left = int(os.pread(fd, 32, 0) or b"0")
os.pwrite(fd, b"0", 0)
print(e, 1 if left == 0 else 0)
PY
) || fail "fault $n: rmmod did not finish"
	read -r e injected <<<"$r"
	if [ -d /sys/module/bonding ]; then
		# delete_module refused before it began: the bonds are intact.
		assert_match "$(cat /proc/net/bonding/bond0)" "Slave Interface: veth1" "fault $n: refused rmmod lost a slave"
		rmmod bonding
	fi
	ip link set veth0 down
	ip link set veth1 down
	assert_eq "$(dev_state veth0)" "$own0" "fault $n (errno $e): veth0 given back"
	assert_eq "$(dev_state veth1)" "$own1" "fault $n (errno $e): veth1 given back"
	[ "$injected" = 1 ]
}

test_rmmod_under_every_allocation_failure_gives_every_slave_back() {
	failslab_setup
	make_peer 2
	each_fault 200 rmmod_with_fault
	kmemleak_check
}
