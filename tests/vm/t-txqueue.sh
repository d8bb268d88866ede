# Transmit queues (issue 13): a slave's queue_id picks it for the frames tc
# maps to that queue (bonding.rst, "Overriding Configuration for Special
# Cases"), in balance-rr and active-backup, as in the C driver.
# shellcheck shell=bash

# The slaves' tx_packets, "veth0 veth1".
txq_counts() { echo "$(stat_of veth0 tx_packets) $(stat_of veth1 tx_packets)"; }

# txq_send <dst> <count>: datagrams from one process, on one CPU (the
# round-robin counter is per CPU in both drivers).
txq_send() {
	taskset -c 0 python3 - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[2])):
    s.sendto(b"x" * 18, (sys.argv[1], 9))
PY
}

# txq_case <driver> <mode>: 40 datagrams to 192.0.2.100 (mapped by tc to
# queue 2, veth1's queue_id) and 40 to 192.0.2.2; prints the slaves' tx
# deltas for each, then the same with veth1 down.
txq_case() {
	local drv=$1 mode=$2 b
	load_driver "$drv" mode="$mode" miimon=100
	make_peer 2
	bond_up
	"$IFENSLAVE" bond0 veth0 veth1
	echo "veth1:2" >/sys/class/net/bond0/bonding/queue_id
	ip neigh replace 192.0.2.2 lladdr 02:00:00:00:00:02 dev bond0 nud permanent
	ip neigh replace 192.0.2.100 lladdr 02:00:00:00:00:02 dev bond0 nud permanent
	ip -n peer neigh replace 192.0.2.1 lladdr "$(mac_of bond0)" dev br0 nud permanent
	tc qdisc add dev bond0 clsact
	tc filter add dev bond0 egress protocol ip flower dst_ip 192.0.2.100 action skbedit queue_mapping 2
	b=$(txq_counts); txq_send 192.0.2.100 40; echo "mapped: $(deltas2 "$b" "$(txq_counts)")"
	b=$(txq_counts); txq_send 192.0.2.2 40; echo "other: $(deltas2 "$b" "$(txq_counts)")"
	# The slave of that queue_id down: the mode decides.
	ip -n peer link set pveth1 down
	local i
	for i in $(seq 100); do
		grep -A1 "^Slave Interface: veth1" /proc/net/bonding/bond0 | grep -q "MII Status: down" && break
		sleep 0.05
	done
	b=$(txq_counts); txq_send 192.0.2.100 40; echo "mapped, veth1 down: $(deltas2 "$b" "$(txq_counts)")"
	grep "queue ID" /proc/net/bonding/bond0 | tr '\n' ' '
	echo
	ip netns del peer
}

deltas2() {
	local -a a=($1) b=($2)
	echo "$((b[0] - a[0])) $((b[1] - a[1]))"
}

test_queue_id_sends_mapped_traffic_through_its_slave_as_the_c_driver() {
	local mode c ours
	for mode in active-backup balance-rr; do
		c=$(txq_case c $mode)
		ours=$(txq_case ours $mode)
		echo "$mode, C driver:"; echo "$c"
		echo "$mode, this driver:"; echo "$ours"
		assert_eq "$ours" "$c" "$mode: slaves used with queue_id"
		# And what they are: the mapped frames leave through veth1 (in
		# active-backup, the backup), and by the mode once it is down.
		assert_match "$ours" "mapped: 0 40" "$mode, mapped to veth1's queue"
		assert_match "$ours" "mapped, veth1 down: 40 0" "$mode, mapped with veth1 down"
	done
}
