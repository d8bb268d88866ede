#!/bin/bash
# Inside the VM: transmit packets per second through bond0 (pktgen) for
# this module and the C driver, modes 0/1/2, 64- and 1500-byte packets, with
# two veth slaves, and through a bare veth as the ceiling.
OUT=$1
COUNT=${RBOND_BENCH_COUNT:-300000}
REPEAT=${RBOND_BENCH_REPEAT:-3}
exec >"$OUT/bench.txt" 2>"$OUT/bench.err"
. "$RBOND_TOP/scripts/errtrap.sh"
mount -t tmpfs rbond-modules /usr/lib/modules
KO_RUST=$RBOND_TOP/bonding.ko
KO_C=$RBOND_KDIR/drivers/net/bonding/bonding.ko

pg() { echo "$2" >"/proc/net/pktgen/$1"; }

# pps <dev> <size>: the best of REPEAT pktgen runs on one CPU.
pps() {
	local dev=$1 size=$2 best=0 r
	for _ in $(seq "$REPEAT"); do
		pg kpktgend_0 rem_device_all
		pg kpktgend_0 "add_device $dev"
		pg "$dev" "count $COUNT"
		pg "$dev" "pkt_size $size"
		pg "$dev" "clone_skb 0"
		pg "$dev" "delay 0"
		pg "$dev" "dst 192.0.2.2"
		pg "$dev" "dst_mac 02:00:00:00:00:99"
		pg "$dev" "src_min 192.0.2.1"
		pg "$dev" "src_max 192.0.2.1"
		pg "$dev" "udp_src_min 1000"
		pg "$dev" "udp_src_max 1063"
		pg "$dev" "flag UDPSRC_RND"
		pg pgctrl start
		r=$(grep -oE '[0-9]+pps' "/proc/net/pktgen/$dev" | head -1 | tr -d pps)
		[ "${r:-0}" -gt "$best" ] && best=$r
	done
	echo "$best"
}

peer_veths() {
	ip netns add bp
	local i
	for i in $(seq 0 $(($1 - 1))); do
		ip link add bv$i type veth peer name pbv$i netns bp
		ip -n bp link set pbv$i up
	done
}

# lacp_peer: teamd's LACP runner on the peer ends (802.3ad needs a
# partner to aggregate); frames to it are dropped as to anyone else.
lacp_peer() {
	mkdir -p /run/teamd
	ip netns exec bp teamd -d -t team0 -c '{"device": "team0", "runner": {"name": "lacp", "active": true,
		"fast_rate": true}, "link_watch": {"name": "ethtool"}, "ports": {"pbv0": {}, "pbv1": {}}}' >/dev/null 2>&1
	ip -n bp link set team0 up
}

# aggregated: both slaves distribute on the active aggregator (30 s at most).
aggregated() {
	local i
	for i in $(seq 300); do
		[ "$(grep -c 'port state: 63' /proc/net/bonding/bond0)" -ge 2 ] &&
			grep -q 'Number of ports: 2' /proc/net/bonding/bond0 && return 0
		sleep 0.1
	done
	return 1
}

cleanup() {
	pkill -KILL -x teamd && sleep 0.2
	rm -rf /run/teamd
	[ -d /sys/module/bonding ] && rmmod bonding
	ip netns del bp 2>/dev/null
	ip link del bv0 2>/dev/null
	sleep 0.5
}

modprobe pktgen 2>/dev/null
[ -d /proc/net/pktgen ] || { echo "no pktgen"; exit 1; }

for size in 64 1500; do
	peer_veths 1
	ip link set bv0 up
	echo "bare $size 0 $(pps bv0 $size)"
	cleanup
done

for impl in rust c; do
	for mode in 0 1 2 4; do
		for size in 64 1500; do
			ko=$KO_RUST
			[ $impl = c ] && ko=$KO_C
			extra=()
			[ $mode = 4 ] && extra=(lacp_rate=fast miimon=100)
			insmod "$ko" mode=$mode xmit_hash_policy=layer3+4 "${extra[@]}" >/dev/null 2>&1 ||
				insmod "$ko" mode=$mode
			peer_veths 2
			[ $mode = 4 ] && lacp_peer
			ip link set bond0 up
			ip link set bv0 master bond0
			ip link set bv1 master bond0
			if [ $mode = 4 ] && ! aggregated; then
				echo "$impl $size $mode 0"
				cleanup
				continue
			fi
			echo "$impl $size $mode $(pps bond0 $size)"
			cleanup
		done
	done
done
echo done
