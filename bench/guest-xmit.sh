#!/bin/bash
# Inside the VM: the transmit and receive benchmarks, this module and the C
# driver alternating in every round (the first of the two alternates too),
# ROUNDS rounds. Each line of $OUT/bench.txt is one run:
#   pps <impl> <mode> <size> <threads> <pps> <dropped>
#                                                pktgen through bond0: sent
#                                                by the slaves, and dropped
#   tcp <impl> <mode> <streams> <Mbit/s>         iperf3 to the peer
#   rx  <impl> <mode> <pps>                      peer floods, bond delivers
# impl is rust, c or bare (pktgen or iperf3 on a veth directly: the
# ceiling); mode is 0 1 2 4, or - for bare.
OUT=$1
COUNT=${RBOND_BENCH_COUNT:-200000}
ROUNDS=${RBOND_BENCH_ROUNDS:-9}
TCP_SECS=${RBOND_BENCH_TCP_SECS:-4}
. "$RBOND_TOP/bench/guest-lib.sh"
bench_guest_init bench

modprobe pktgen 2>/dev/null
[ -d /proc/net/pktgen ] || { echo "no pktgen"; exit 1; }
echo "# $(uname -r), $NCPU CPUs, COUNT=$COUNT ROUNDS=$ROUNDS"

bare() {
	peer_veths 1
	ip link set bv0 up
	SLAVES=bv0
	local size threads
	for threads in 1 2; do
		for size in 64 1500; do echo "pps bare - $size $threads $(pps bv0 $size $threads)"; done
	done
	ip addr add 192.0.2.1/24 dev bv0
	ip -n bp addr add 192.0.2.2/24 dev pbv0
	echo "tcp bare - 1 $(tcp 1)"
	echo "tcp bare - 4 $(tcp 4)"
	echo "rx bare - $(rx pbv0 "$(cat /sys/class/net/bv0/address)")"
	cleanup
}

bond() {
	local impl=$1 mode=$2 size threads
	bond_setup "$impl" "$mode" || { cleanup; return; }
	for threads in 1 2; do
		for size in 64 1500; do echo "pps $impl $mode $size $threads $(pps bond0 $size $threads)"; done
	done
	ip addr add 192.0.2.1/24 dev bond0
	peer_ip "$mode"
	ping -c 1 -W 2 192.0.2.2 >/dev/null || echo "# $impl mode $mode: no ping" >&2
	echo "tcp $impl $mode 1 $(tcp 1)"
	echo "tcp $impl $mode 4 $(tcp 4)"
	# In active-backup only the active slave's frames are delivered.
	local from=pbv0
	[ "$mode" = 1 ] && from=p$(sed -n 's/^Currently Active Slave: //p' /proc/net/bonding/bond0)
	echo "rx $impl $mode $(rx "$from" "$(cat /sys/class/net/bond0/address)")"
	cleanup
}

for round in $(seq "$ROUNDS"); do
	order="rust c"
	[ $((round % 2)) = 0 ] && order="c rust"
	bare
	for mode in ${RBOND_BENCH_MODES:-0 1 2 4}; do
		for impl in $order; do bond "$impl" "$mode"; done
	done
done
echo done
