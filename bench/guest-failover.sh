#!/bin/bash
# Inside the VM: active-backup failover outage (the longest gap between two
# replies of a ping every millisecond, around cutting the active slave's
# link), N failovers, for this module and the C driver, same parameters.
OUT=$1
N=${RBOND_FAILOVERS:-50}
exec >"$OUT/failover.txt" 2>"$OUT/failover.err"
. "$RBOND_TOP/scripts/errtrap.sh"
mount -t tmpfs rbond-modules /usr/lib/modules
KO_RUST=${RBOND_BENCH_KO:-$RBOND_TOP/bonding.ko}
KO_C=$RBOND_KDIR/drivers/net/bonding/bonding.ko

active() { sed -n 's/^Currently Active Slave: //p' /proc/net/bonding/bond0; }

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
		a=$(active)
		ping -D -i 0.001 -W 1 192.0.2.2 >/tmp/p.out 2>&1 &
		pid=$!
		sleep 0.5
		dmesg -C
		ip -n peer link set p$a down
		sleep 1
		kill -INT $pid
		wait $pid
		# The outage: the longest gap between two replies. Also the median
		# gap (the ping's own pace) and, from the kernel log, the time from
		# the peer's port going down to the new active slave.
		gap=$(awk -F'[][]' '/bytes from/ { t = $2 * 1000; if (prev) { g = t - prev; if (g > max) max = g; n++ }; prev = t }
			END { printf "%.1f", max }' /tmp/p.out)
		lost=$(sed -nE 's/.*icmp_seq=([0-9]+) .*/\1/p' /tmp/p.out | awk 'NR > 1 && $1 - p - 1 > m { m = $1 - p - 1 } { p = $1 } END { print m + 0 }')
		pace=$(awk -F'[][]' '/bytes from/ { t = $2 * 1000; if (prev) print t - prev; prev = t }' /tmp/p.out | sort -g |
			awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }')
		klog=$(dmesg)
		t0=$(grep -m1 "entered disabled state" <<<"$klog" | sed -E 's/^\[ *([0-9.]+)\].*/\1/')
		t1=$(grep -m1 "making interface .* the new active one\|the new active one" <<<"$klog" | sed -E 's/^\[ *([0-9.]+)\].*/\1/')
		kms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { if (a != "" && b != "") printf "%.1f", (b - a) * 1000; else print "-" }')
		echo "$impl $n $gap $pace $kms $lost"
		ip -n peer link set p$a up
		# Both slaves up again before the next cut.
		for _ in $(seq 100); do
			[ "$(grep -c 'MII Status: up' /proc/net/bonding/bond0)" -ge 3 ] && break
			sleep 0.05
		done
	done
	rmmod bonding
	ip netns del peer
	sleep 0.5
done
echo done
