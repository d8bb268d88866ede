#!/bin/bash
# Inside the VM: active-backup failover outage around cutting the active
# slave's link, N failovers (RBOND_FAILOVERS), for this module and the C
# driver, same parameters. Each failover is followed by a control cut:
# the backup slave's link, which fails nothing over, so what the probes
# see then is the test's own cost (the `ip` command and the link-down
# work competing with the probes for the guest's CPUs under TCG).
#
# Lines of $OUT/failover.txt:
#   <impl> <failover|control> <n> <ping gap> <ping pace> <kernel ms>
#   <fwd gap> <rev gap> <fwd lost> <rev lost> <fwd sent> <rev sent>
#   <fwd pace> <rev pace> <fwd loss window> <rev loss window>
# (fwd: probes from the bond to the peer; rev: from the peer to the bond;
# times in ms; see bench/prober.c for gap and loss window).
OUT=$1
N=${RBOND_FAILOVERS:-50}
. "$RBOND_TOP/bench/guest-lib.sh"
bench_guest_init failover

# max_gap <ping output>: the longest time between two replies, in ms.
max_gap() {
	awk -F'[][]' '/bytes from/ { t = $2 * 1000; if (prev) { g = t - prev; if (g > max) max = g }; prev = t }
		END { printf "%.1f", max }' "$1"
}

active() { sed -n 's/^Currently Active Slave: //p' /proc/net/bonding/bond0; }
backup() { grep '^Slave Interface: ' /proc/net/bonding/bond0 | sed 's/^Slave Interface: //' | grep -vx "$(active)"; }

# cut <impl> <failover|control> <n> <slave>: probes running, the peer's
# end of <slave> goes down, then up again; prints one line.
cut() {
	local impl=$1 kind=$2 n=$3 s=$4 fgap flost fsent fpace fwin rgap rlost rsent rpace rwin
	# Probes every millisecond, from the bond to the peer and from the
	# peer to the bond (bench/prober.c: a fixed schedule, whatever the
	# replies do), and, for comparison, ping -i 0.001 from the bond:
	# iputils stops for 10 ms after a lost probe (see prober.c), so its
	# gaps are the outage plus up to 10 ms, with either driver. The probes
	# run on CPU 1 and the link is cut from CPU 0, by bench/linkcut.c
	# (started with the probes, so no program starts during the window).
	taskset -c 1 "$RBOND_PROBER" 192.0.2.2 2 >/tmp/f.out &
	local fpid=$!
	ip netns exec peer taskset -c 1 "$RBOND_PROBER" 192.0.2.1 2 >/tmp/r.out &
	local rpid=$!
	taskset -c 1 ping -D -i 0.001 -W 1 192.0.2.2 >/tmp/p.out 2>&1 &
	local pid=$!
	dmesg -C
	# The cut, 0.8 s into the probes, by a process already running.
	taskset -c 0 "$RBOND_LINKCUT" /run/netns/peer "p$s" 800
	wait $fpid $rpid
	kill -INT $pid
	wait $pid || true
	read -r fgap flost fsent fpace fwin </tmp/f.out
	read -r rgap rlost rsent rpace rwin </tmp/r.out
	local gap pace klog t0 t1 kms
	gap=$(max_gap /tmp/p.out)
	pace=$(awk -F'[][]' '/bytes from/ { t = $2 * 1000; if (prev) print t - prev; prev = t }' /tmp/p.out | sort -g |
		awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }')
	# From the kernel log: the peer's port going down to the new active slave.
	klog=$(dmesg)
	t0=$(grep -m1 "entered disabled state" <<<"$klog" | sed -E 's/^\[ *([0-9.]+)\].*/\1/')
	t1=$(grep -m1 "the new active one" <<<"$klog" | sed -E 's/^\[ *([0-9.]+)\].*/\1/' || true)
	kms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { if (a != "" && b != "") printf "%.1f", (b - a) * 1000; else print "-" }')
	echo "$impl $kind $n $gap $pace $kms $fgap $rgap $flost $rlost $fsent $rsent $fpace $rpace $fwin $rwin"
	ip -n peer link set "p$s" up
	# Both slaves up again before the next cut.
	for _ in $(seq 100); do
		[ "$(grep -c 'MII Status: up' /proc/net/bonding/bond0)" -ge 3 ] && break
		sleep 0.05
	done
}

for impl in rust c; do
	ko=$KO_RUST
	[ $impl = c ] && ko=$KO_C
	insmod "$ko" mode=1 miimon=100
	ip netns add peer
	ip -n peer link add br0 address 02:00:00:00:00:02 type bridge
	for i in 0 1; do
		ip link add veth$i type veth peer name pveth$i netns peer
		ip -n peer link set pveth$i master br0
		ip -n peer link set pveth$i up
	done
	ip -n peer link set br0 up
	ip -n peer addr add 192.0.2.2/24 dev br0
	ip link set bond0 up
	ip addr add 192.0.2.1/24 dev bond0
	ip link set veth0 master bond0
	ip link set veth1 master bond0
	sleep 1
	for n in $(seq "$N"); do
		cut $impl failover "$n" "$(active)"
		cut $impl control "$n" "$(backup)"
	done
	rmmod bonding
	ip netns del peer
	sleep 0.5
done
echo done
