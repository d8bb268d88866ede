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

# Enslave/release cycles under a flood (issue 12's 10,000 cycles): in each
# mode, a bond with one permanent slave is flooded by pktgen on both CPUs
# while two more devices are enslaved and released through the ioctls as
# fast as the module takes them. A cycle is one enslave and one release.
# CI: 6 cycles per mode; RBOND_SOAK=1: 2,000 per mode (10,000 in all;
# RBOND_FLOOD_CYCLES sets the per-mode count). Afterwards: every frame pktgen
# counted as sent left through a slave or is in a drop counter, the
# released devices are whole (own MAC, no master, up to their own flags),
# the bond still carries a ping, and kmemleak finds nothing.
test_enslave_release_cycles_under_flood_in_every_mode() {
	local n=${RBOND_FLOOD_CYCLES:-6} mode total=0
	[ "${RBOND_SOAK:-0}" = 1 ] && n=${RBOND_FLOOD_CYCLES:-2000}
	modprobe pktgen 2>/dev/null || true
	[ -d /proc/net/pktgen ] || fail "no pktgen"
	local d=/proc/net/pktgen
	# One bond whose mode changes between runs (down, without slaves).
	load_bonding miimon=10 xmit_hash_policy=layer3+4
	make_peer 3
	bond_up
	local mac1 mac2 t
	mac1=$(mac_of veth1)
	mac2=$(mac_of veth2)
	for mode in balance-rr active-backup balance-xor broadcast 802.3ad; do
		local t0=$SECONDS
		ip link set bond0 down
		echo $mode >/sys/class/net/bond0/bonding/mode
		ip link set bond0 up
		ip link set veth0 master bond0
		local -A tx0
		for t in veth0 veth1 veth2; do tx0[$t]=$(($(stat_of $t tx_packets) + $(stat_of $t tx_dropped))); done
		tx0[bond0]=$(stat_of bond0 tx_dropped)
		for t in $d/kpktgend_*; do echo rem_device_all >"$t"; done
		for t in 0 1; do
			echo "add_device bond0@$t" >$d/kpktgend_$t
			for k in "count 0" "pkt_size 64" "delay 200000" "dst 192.0.2.2" "dst_mac 02:00:00:00:00:02" \
				"udp_src_min 1000" "udp_src_max 1063" "flag UDPSRC_RND"; do
				echo "$k" >$d/bond0@$t
			done
		done
		echo start >$d/pgctrl &
		local pg=$!
		local got
		got=$(BONDCTL_PROGRESS=$OUT/flood-progress-$mode python3 "$BONDCTL" cycles bond0 $((n / 2)) veth1 veth2 2>&1) || { echo stop >$d/pgctrl; wait $pg; fail "$mode: $got"; }
		echo stop >$d/pgctrl
		wait $pg || true
		local sent=0 out
		for t in 0 1; do
			sent=$((sent + $(sed -nE 's/^ *pkts-sofar: ([0-9]+).*/\1/p' $d/bond0@$t)))
			echo rem_device_all >$d/kpktgend_$t
		done
		# What the slaves sent or dropped, and what the bond dropped itself.
		out=$(($(stat_of bond0 tx_dropped) - ${tx0[bond0]}))
		for t in veth0 veth1 veth2; do out=$((out + $(stat_of $t tx_packets) + $(stat_of $t tx_dropped) - ${tx0[$t]})); done
		echo "$mode: $got cycles in $((SECONDS - t0)) s, pktgen sent $sent, slaves sent or dropped $out"
		[ "$got" -ge "$n" ] || fail "$mode: $got cycles of $n"
		[ "$sent" -gt 0 ] || fail "$mode: the flood sent nothing"
		[ "$out" -ge "$sent" ] || fail "$mode: $sent frames sent, $out accounted for"
		[ "$(mac_of veth1)" = "$mac1" ] && [ "$(mac_of veth2)" = "$mac2" ] || fail "$mode: a released device kept another MAC"
		[ ! -e /sys/class/net/veth1/master ] && [ ! -e /sys/class/net/veth2/master ] || fail "$mode: a released device still has a master"
		wait_for 10000 ping -c 1 -W 1 192.0.2.2 >/dev/null || fail "$mode: the bond no longer carries a ping"
		total=$((total + got))
		ip link set veth0 nomaster
	done
	echo "enslave/release cycles under flood: $total"
	kmemleak_check
}
