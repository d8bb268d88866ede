#!/bin/bash
# Inside the VM: where the transmit path's cycles go. For this module and
# the C driver, in each mode, pktgen sends 64 B frames through bond0 on
# every CPU while `perf record` samples all CPUs (cpu-clock: TCG has no
# PMU). Writes perf-<impl>-<mode>.txt (symbols over 1% of the samples),
# perf-own-<impl>-<mode>.txt (the driver's own symbols, as shares of all
# samples), perf-core-<impl>-<mode>.txt (the core's transmit functions)
# and perf.txt (the share of samples in each driver's own functions).
OUT=$1
COUNT=${RBOND_BENCH_COUNT:-400000}
. "$RBOND_TOP/bench/guest-lib.sh"
bench_guest_init perf

modprobe pktgen 2>/dev/null
echo 0 >/proc/sys/kernel/kptr_restrict
echo -1 >/proc/sys/kernel/perf_event_paranoid
echo "# $(uname -r), $NCPU CPUs, COUNT=$COUNT, pktgen 64 B on $NCPU threads"
for mode in ${RBOND_BENCH_MODES:-0 1 2 4}; do
	for impl in rust c; do
		bond_setup "$impl" "$mode" || { cleanup; continue; }
		data=/tmp/perf-$impl-$mode.data
		perf record -q -a -e cpu-clock -F 2000 -o "$data" -- sleep 600 >/dev/null 2>&1 &
		pid=$!
		sleep 2
		r=$(pps bond0 64 "$NCPU")
		kill -INT $pid
		wait $pid || true
		perf report -q -i "$data" --sort sym --stdio --percent-limit 1 2>/dev/null |
			sed 's/^ *//' >"$OUT/perf-$impl-$mode.txt"
		# The driver's own share: its module's symbols ([bonding] in perf),
		# and how they split.
		own=$(perf report -q -i "$data" --sort dso --stdio 2>/dev/null | awk '$2 == "[bonding]" { print $1 }')
		perf report -q -i "$data" --dsos '[bonding]' --sort sym --stdio 2>/dev/null |
			sed 's/^ *//' | head -n 12 >"$OUT/perf-own-$impl-$mode.txt"
		# The transmit and receive functions of the core that a bond adds
		# a second pass through, for comparison with bare veth.
		perf report -q -i "$data" --sort sym --stdio 2>/dev/null | sed 's/^ *//' |
			grep -E '\] (__dev_queue_xmit|dev_hard_start_xmit|veth_xmit|netdev_core_pick_tx|validate_xmit_skb|rbond_dev_queue_xmit|__netif_receive_skb_core.*)$' \
			>"$OUT/perf-core-$impl-$mode.txt" || true
		echo "perf $impl $mode ${r% *} ${own:-0%}"
		cleanup
	done
done
echo done
