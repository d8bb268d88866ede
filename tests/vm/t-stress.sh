# Concurrency stress (issue 12): tests/vm/stress.py runs enslave/release
# loops on three bonds, option changes (miimon=1, arp_interval=1, mode
# changes), up/down, slave deletion and re-creation, peer link flaps and
# pktgen and raw floods, all at once, then rmmod under load. One minute in
# CI; RBOND_SOAK=1 runs 8 minutes (RBOND_STRESS_SECS sets it; the test's
# time limit, RBOND_TEST_TIMEOUT, must cover it). The runner fails the test
# on any splat in the kernel log.

test_stress_every_path_at_once_then_rmmod_under_load() {
	local secs=${RBOND_STRESS_SECS:-60} out what
	[ "${RBOND_SOAK:-0}" = 1 ] && secs=${RBOND_STRESS_SECS:-480}
	out=$(python3 "$RBOND_TOP/tests/vm/stress.py" "$RBOND_KO" "$secs" 2>&1) || { echo "$out"; fail "stress: $(grep -m1 ERROR <<<"$out")"; }
	echo "$out"
	# Every kind of work actually happened, concurrently.
	for what in "enslave/release cycles" "option writes" "mode changes" "down/up" "slaves deleted and created" \
		"peer link flaps" "pktgen runs" "raw frames"; do
		[[ $out =~ $what:\ [1-9] ]] || fail "stress: no $what"
	done
	[ ! -d /sys/module/bonding ] || fail "bonding still loaded"
	kmemleak_check
}
