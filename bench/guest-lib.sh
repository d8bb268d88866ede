# Sourced inside the VM by the benchmarks (guest-xmit.sh, guest-perf.sh):
# pktgen, the peer namespace, the bonds under test. Needs COUNT, NCPU,
# KO_RUST and KO_C.
# shellcheck shell=bash

# bench_guest_init <name>: output to $OUT/<name>.txt and .err, errors
# trapped, the modules directory writable (insmod of either driver by
# path), KO_RUST and KO_C the two drivers, NCPU the CPUs.
bench_guest_init() {
	exec >"$OUT/$1.txt" 2>"$OUT/$1.err"
	. "$RBOND_TOP/scripts/errtrap.sh"
	mount -t tmpfs rbond-modules /usr/lib/modules
	KO_RUST=${RBOND_BENCH_KO:-$RBOND_TOP/bonding.ko}
	KO_C=$RBOND_KDIR/drivers/net/bonding/bonding.ko
	NCPU=$(nproc)
}

pg() { echo "$2" >"$1"; }

# pktgen_dev <proc dir> <thread> <dev> <size> <dst ip> <dst mac>: one device
# on one pktgen thread, 64 UDP flows.
pktgen_dev() {
	local d=$1 t=$2 dev=$3 size=$4
	pg "$d/kpktgend_$t" "add_device $dev"
	pg "$d/$dev" "count $COUNT"
	pg "$d/$dev" "pkt_size $size"
	pg "$d/$dev" "clone_skb 0"
	pg "$d/$dev" "delay 0"
	pg "$d/$dev" "dst $5"
	pg "$d/$dev" "dst_mac $6"
	pg "$d/$dev" "src_min 192.0.2.$((10 + t))"
	pg "$d/$dev" "src_max 192.0.2.$((10 + t))"
	pg "$d/$dev" "udp_src_min 1000"
	pg "$d/$dev" "udp_src_max 1063"
	pg "$d/$dev" "flag UDPSRC_RND"
}

# tx_sum <dev>...: the devices' tx_packets, summed.
tx_sum() {
	local d n=0
	for d in "$@"; do n=$((n + $(cat /sys/class/net/$d/statistics/tx_packets))); done
	echo $n
}

# pps <dev> <size> <threads>: packets per second that left through the
# devices in $SLAVES (what the peer was handed, not what dev accepted: a
# bond that drops is not faster), over pktgen's longest sending time, with
# the number dev dropped: "<pps> <dropped>". One pktgen thread per CPU,
# each its own queue of dev.
pps() {
	local dev=$1 size=$2 n=$3 t us=1 r d=/proc/net/pktgen tx0 drop0
	for t in $(seq 0 $((NCPU - 1))); do pg $d/kpktgend_$t rem_device_all; done
	for t in $(seq 0 $((n - 1))); do
		pktgen_dev $d "$t" "$dev@$t" "$size" 192.0.2.2 02:00:00:00:00:99
		[ "$n" -gt 1 ] && pg "$d/$dev@$t" "flag QUEUE_MAP_CPU"
	done
	tx0=$(tx_sum $SLAVES)
	drop0=$(cat /sys/class/net/$dev/statistics/tx_dropped)
	pg $d/pgctrl start
	for t in $(seq 0 $((n - 1))); do
		r=$(sed -nE 's/.*Result: OK: ([0-9]+)\(.*/\1/p' "$d/$dev@$t")
		[ "${r:-0}" -gt "$us" ] && us=$r
	done
	echo "$(( ($(tx_sum $SLAVES) - tx0) * 1000000 / us )) $(( $(cat /sys/class/net/$dev/statistics/tx_dropped) - drop0 ))"
}

# Peers: veths bv<i> here, pbv<i> in namespace bp, up, dropping what they get.
peer_veths() {
	ip netns add bp
	ip netns exec bp sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	local i
	for i in $(seq 0 $(($1 - 1))); do
		ip link add bv$i numtxqueues "$NCPU" type veth peer name pbv$i numtxqueues "$NCPU" netns bp
		sysctl -qw net.ipv6.conf.bv$i.disable_ipv6=1
		ip -n bp link set pbv$i up
	done
}

# lacp_peer: teamd's LACP runner on the peer ends (802.3ad needs a partner).
lacp_peer() {
	mkdir -p /run/teamd
	# team refuses a port that is up (EBUSY).
	ip -n bp link set pbv0 down
	ip -n bp link set pbv1 down
	ip netns exec bp teamd -d -t team0 -p /run/teamd/team0.pid -c '{"device": "team0", "runner": {"name": "lacp",
		"active": true, "fast_rate": true, "tx_hash": ["eth", "ipv4", "l4"]}, "link_watch": {"name": "ethtool"},
		"ports": {"pbv0": {}, "pbv1": {}}}' >&2
	ip -n bp link set team0 up
}

# aggregated: both slaves distribute on the active aggregator (60 s at most).
aggregated() {
	local i
	for i in $(seq 600); do
		[ "$(grep -c 'port state: 63' /proc/net/bonding/bond0)" -ge 2 ] &&
			grep -q 'Number of ports: 2' /proc/net/bonding/bond0 && return 0
		sleep 0.1
	done
	cat /proc/net/bonding/bond0 >&2
	return 1
}

# peer_ip <mode>: the peer gets 192.0.2.2 on a bridge of its ends (team0 in
# 802.3ad), for TCP and the receive flood.
peer_ip() {
	local dev=br0
	if [ "$1" = 4 ]; then
		dev=team0
	else
		ip -n bp link add br0 type bridge
		ip -n bp link set pbv0 master br0
		ip -n bp link set pbv1 master br0
		ip -n bp link set br0 up
	fi
	ip -n bp addr add 192.0.2.2/24 dev $dev
	PEER_DEV=$dev
}

# tcp <streams>: Mbit/s received by iperf3 in the peer namespace.
tcp() {
	ip netns exec bp iperf3 -s -1 -D -I /tmp/iperf3.pid >/dev/null 2>&1
	sleep 0.3
	iperf3 -c 192.0.2.2 -t "$TCP_SECS" -P "$1" -J 2>/dev/null |
		python3 -c 'import json, sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))' ||
		echo 0
	pkill -x iperf3 2>/dev/null || true
}

# rx <peer dev> <mac>: the peer floods 192.0.2.1 from <peer dev> (64 UDP
# flows to a closed port); packets per second the bond delivered to IP
# (Ip: InReceives) over pktgen's own sending time.
rx() {
	local d=/proc/net/pktgen n0 n1 us
	ip netns exec bp bash -c "
		for t in \$(seq 0 $((NCPU - 1))); do echo rem_device_all >$d/kpktgend_\$t; done
		echo 'add_device $1' >$d/kpktgend_0
		for k in 'count $COUNT' 'pkt_size 64' 'clone_skb 0' 'delay 0' 'dst 192.0.2.1' 'dst_mac $2' \\
			'src_min 192.0.2.2' 'src_max 192.0.2.2' 'udp_src_min 1000' 'udp_src_max 1063' 'flag UDPSRC_RND'; do
			echo \"\$k\" >$d/$1
		done"
	n0=$(awk '/^Ip: [0-9]/ { print $4 }' /proc/net/snmp)
	ip netns exec bp bash -c "echo start >$d/pgctrl"
	n1=$(awk '/^Ip: [0-9]/ { print $4 }' /proc/net/snmp)
	us=$(ip netns exec bp cat $d/$1 | sed -nE 's/.*Result: OK: ([0-9]+)\(.*/\1/p')
	echo $(( (n1 - n0) * 1000000 / ${us:-1} ))
}

cleanup() {
	pkill -KILL -x teamd && sleep 0.2
	pkill -KILL -x iperf3 || true
	rm -rf /run/teamd
	[ -d /sys/module/bonding ] && rmmod bonding
	ip netns del bp 2>/dev/null
	ip link del bv0 2>/dev/null
	sleep 0.5
}

# bond_setup <impl> <mode>: bond0 of <impl> (rust or c) in <mode> over bv0
# and bv1, up, with a partner for 802.3ad, ready to send (a probe burst
# went through undropped). Fails if 802.3ad does not aggregate.
bond_setup() {
	local impl=$1 mode=$2 ko=$KO_RUST
	[ "$impl" = c ] && ko=$KO_C
	local extra=()
	[ "$mode" = 4 ] && extra=(lacp_rate=fast)
	insmod "$ko" mode="$mode" miimon=100 xmit_hash_policy=layer3+4 tx_queues="$NCPU" "${extra[@]}"
	peer_veths 2
	[ "$mode" = 4 ] && lacp_peer
	sysctl -qw net.ipv6.conf.bond0.disable_ipv6=1
	ip link set bond0 up
	ip link set bv0 master bond0
	ip link set bv1 master bond0
	SLAVES="bv0 bv1"
	if [ "$mode" = 4 ] && ! aggregated; then
		echo "# $impl mode 4: no aggregation" >&2
		return 1
	fi
	# /proc shows a port distributing a little before the transmit path
	# uses it (the slave list follows at the next commit, in both drivers):
	# a probe burst must go through undropped first.
	local i r
	for i in $(seq 50); do
		r=$(COUNT=2000 pps bond0 64 1)
		[ "${r#* }" = 0 ] && [ "${r% *}" -gt 0 ] && break
		sleep 0.1
	done
	[ "$i" -lt 50 ] || echo "# $impl mode $mode: the probe burst was still dropped: $r" >&2
}
