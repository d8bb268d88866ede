# Transmit policies: balance-rr, active-backup, balance-xor, broadcast
# (issue 4). Packets are counted on the slaves' own tx counters.
# shellcheck shell=bash

# xmit_topology <n>: peer bridge, n slaves enslaved, the peer's MAC known so
# that no ARP traffic mixes with the packets counted.
xmit_topology() {
	make_peer "$1"
	bond_up
	local i slaves=()
	for i in $(seq 0 $(($1 - 1))); do slaves+=(veth$i); done
	"$IFENSLAVE" bond0 "${slaves[@]}"
	# Both sides know each other: no ARP mixes with the packets counted
	# (the peer answers our UDP with ICMP port unreachable, and would ask
	# for our address first).
	ip neigh replace 192.0.2.2 lladdr 02:00:00:00:00:02 dev bond0 nud permanent
	ip -n peer neigh replace 192.0.2.1 lladdr "$(mac_of bond0)" dev br0 nud permanent
}

# send_udp <count> [sport] [dst]: count datagrams from one flow.
send_udp() {
	# Pinned to one CPU: the round-robin counter is per CPU (as in the C
	# driver), so a sender that migrates may split by one packet more.
	taskset -c 0 python3 - "$1" "${2:-40000}" "${3:-192.0.2.2}" <<'PY'
import socket, sys
n, sport, dst = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.1", sport))
for _ in range(n):
    s.sendto(b"x" * 18, (dst, 9))
PY
}

# tx_counts <n>: the slaves' tx_packets, space-separated.
tx_counts() {
	local i out=()
	for i in $(seq 0 $(($1 - 1))); do out+=("$(stat_of veth$i tx_packets)"); done
	echo "${out[@]}"
}

# deltas "<before>" "<after>"
deltas() {
	local -a a=($1) b=($2)
	local i out=()
	for i in "${!a[@]}"; do out+=($((b[i] - a[i]))); done
	echo "${out[@]}"
}

# within <value> <want> <tolerance>
within() {
	[ "$1" -ge $(($2 - $3)) ] && [ "$1" -le $(($2 + $3)) ]
}

test_balance_rr_splits_evenly_over_two_and_three_slaves() {
	local n before d x
	for n in 2 3; do
		load_bonding mode=balance-rr
		xmit_topology $n
		before=$(tx_counts $n)
		send_udp 300
		d=$(deltas "$before" "$(tx_counts $n)")
		for x in $d; do
			within "$x" $((300 / n)) 1 || fail "$n slaves: per-slave tx $d for 300 packets"
		done
		rmmod bonding
		ip netns del peer
	done
}

test_balance_rr_packets_per_slave_sends_bursts() {
	load_bonding mode=0 packets_per_slave=5
	xmit_topology 2
	local before d
	before=$(tx_counts 2)
	send_udp 5
	d=$(deltas "$before" "$(tx_counts 2)")
	# Five consecutive packets go out one slave (the counter starts at one,
	# so a burst may straddle two slaves by one packet).
	[[ "$d" =~ ^(5 0|0 5|4 1|1 4)$ ]] || fail "5 packets with packets_per_slave=5: $d"
	before=$(tx_counts 2)
	send_udp 100
	d=$(deltas "$before" "$(tx_counts 2)")
	for x in $d; do within "$x" 50 5 || fail "100 packets: $d"; done
}

test_active_backup_sends_everything_on_the_active_slave() {
	load_bonding mode=active-backup
	xmit_topology 3
	local before
	before=$(tx_counts 3)
	send_udp 200
	assert_eq "$(deltas "$before" "$(tx_counts 3)")" "200 0 0" "per-slave tx"
	"$IFENSLAVE" -c bond0 veth2
	before=$(tx_counts 3)
	send_udp 50
	assert_eq "$(deltas "$before" "$(tx_counts 3)")" "0 0 50" "after changing the active slave"
	assert_match "$(ip -d link show veth1)" "SLAVE" "backup still a slave"
}

test_broadcast_sends_every_packet_on_every_slave() {
	local n
	for n in 2 3; do
		load_bonding mode=broadcast
		xmit_topology $n
		local before
		before=$(tx_counts $n)
		send_udp 100
		local want
		want=$(printf '100 %.0s' $(seq $n) | xargs)
		assert_eq "$(deltas "$before" "$(tx_counts $n)")" "$want" "$n slaves"
		rmmod bonding
		ip netns del peer
	done
}

test_balance_xor_layer2_pins_one_peer_to_one_slave() {
	load_bonding mode=balance-xor
	xmit_topology 2
	local before d
	before=$(tx_counts 2)
	send_udp 100 40001
	send_udp 100 40002
	d=$(deltas "$before" "$(tx_counts 2)")
	# One MAC pair, one slave: h = 0x01 ^ bond MAC[5] ^ 0x0800, per the C formula.
	local bmac last want
	bmac=$(mac_of bond0)
	last=$((0x${bmac##*:}))
	want=$(( (0x02 ^ last ^ 0x0800) % 2 ))
	[ "$want" -eq 0 ] && assert_eq "$d" "200 0" "layer2" || assert_eq "$d" "0 200" "layer2"
}

test_balance_xor_layer34_pins_each_flow_and_uses_every_slave() {
	load_bonding mode=balance-xor xmit_hash_policy=layer3+4
	xmit_topology 3
	# One process for the 24 flows (a Python start costs seconds under
	# TCG): each flow's 10 datagrams, the slave whose tx_packets grew by
	# 10, and the slave the C driver's layer3+4 formula picks
	# (bond_xmit_hash(): ports, then addresses, folded, over the slaves).
	local out
	out=$(python3 - <<'PY'
import socket, struct

def tx():
    return [int(open("/sys/class/net/veth%d/statistics/tx_packets" % i).read()) for i in range(3)]

le = lambda b: struct.unpack("<I", b)[0]
for sport in range(41000, 41024):
    before = tx()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("192.0.2.1", sport))
    for _ in range(10):
        s.sendto(b"x" * 18, ("192.0.2.2", 9))
    s.close()
    d = [a - b for a, b in zip(tx(), before)]
    h = le(struct.pack(">HH", sport, 9))
    h ^= le(socket.inet_aton("192.0.2.2")) ^ le(socket.inet_aton("192.0.2.1"))
    h ^= h >> 16
    h ^= h >> 8
    got = d.index(10) if d.count(10) == 1 and sum(d) == 10 else "split:" + ",".join(map(str, d))
    print(sport, got, (h >> 1) % 3)
PY
)
	local sport got want used=()
	while read -r sport got want; do
		assert_eq "$got" "$want" "slave of flow $sport (C layer3+4 formula)"
		used[$want]=1
	done <<<"$out"
	assert_eq "$(wc -l <<<"$out")" 24 "flows sent"
	assert_eq "${#used[@]}" 3 "all three slaves carry some flows"
}

test_balance_xor_layer23_spreads_destinations() {
	load_bonding mode=2 xmit_hash_policy=layer2+3
	xmit_topology 2
	local i before d seen=""
	for i in $(seq 10 25); do
		ip neigh replace 192.0.2.$i lladdr 02:00:00:00:00:02 dev bond0 nud permanent
		before=$(tx_counts 2)
		send_udp 4 40000 192.0.2.$i
		d=$(deltas "$before" "$(tx_counts 2)")
		[[ "$d" =~ ^(4 0|0 4)$ ]] || fail "destination 192.0.2.$i split: $d"
		seen+=" $d"
	done
	assert_match "$seen" "4 0" "slave 0 used"
	assert_match "$seen" "0 4" "slave 1 used"
}

# ethtool -k of bond0: every offload, the VLAN filters included.
bond_offloads() {
	ethtool -k bond0
}

test_bond_offloads_follow_the_slaves_as_in_the_c_driver() {
	local drv c_bare c_slaves ours_bare ours_slaves
	make_peer 2
	ethtool -K veth0 tx off sg off >/dev/null 2>&1
	for drv in c ours; do
		load_driver "$drv" mode=0
		ip link set bond0 up
		eval "${drv}_bare=\$(bond_offloads)"
		ip link set veth0 master bond0
		ip link set veth1 master bond0
		eval "${drv}_slaves=\$(bond_offloads)"
		rmmod bonding
	done
	[ "$c_bare" = "$ours_bare" ] || fail "bare bond offloads differ from the C driver: $(diff <(echo "$c_bare") <(echo "$ours_bare"))"
	[ "$c_slaves" = "$ours_slaves" ] || fail "offloads with slaves differ from the C driver: $(diff <(echo "$c_slaves") <(echo "$ours_slaves"))"
	[ "$ours_bare" != "$ours_slaves" ] || fail "enslaving changed no offload (the test would not notice)"
}

# Issue 9: a slave's offloads changing later (NETDEV_FEAT_CHANGE) reach the
# bond's, as in the C driver.
test_bond_offloads_follow_a_slave_that_changes_them_later() {
	local drv c_before c_after ours_before ours_after
	make_peer 2
	for drv in c ours; do
		load_driver "$drv" mode=0
		ip link set bond0 up
		ip link set veth0 master bond0
		ip link set veth1 master bond0
		eval "${drv}_before=\$(bond_offloads)"
		# What one slave still offers the bond offers (NETIF_F_ONE_FOR_ALL):
		# both change.
		ethtool -K veth0 tx off sg off >/dev/null 2>&1
		ethtool -K veth1 tx off sg off >/dev/null 2>&1
		eval "${drv}_after=\$(bond_offloads)"
		ethtool -K veth0 tx on sg on >/dev/null 2>&1
		ethtool -K veth1 tx on sg on >/dev/null 2>&1
		rmmod bonding
	done
	[ "$c_after" = "$ours_after" ] || fail "offloads after the slave's change differ from the C driver: $(diff <(echo "$c_after") <(echo "$ours_after"))"
	[ "$ours_before" != "$ours_after" ] || fail "the slave's change did not reach the bond"
}

test_bond_mtu_reaches_its_slaves() {
	load_bonding mode=0
	make_peer 2
	bond_up
	"$IFENSLAVE" bond0 veth0 veth1
	ip link set bond0 mtu 4000
	assert_eq "$(mtu_of veth0) $(mtu_of veth1) $(mtu_of bond0)" "4000 4000 4000" "MTU of slaves and bond"
	ip link set bond0 address 02:12:34:56:78:9a
	assert_eq "$(mac_of veth0) $(mac_of veth1)" "02:12:34:56:78:9a 02:12:34:56:78:9a" "a MAC set on the bond reaches its slaves"
}

# xor_carrier_scenario <driver>: balance-xor with no link monitor; the
# slave the peer's flow hashes to loses carrier (its peer end goes down).
# Prints the tx deltas of the flow before and after.
xor_carrier_scenario() {
	load_driver "$1" mode=balance-xor
	xmit_topology 2
	local before d used
	before=$(tx_counts 2)
	send_udp 50 40001
	d=$(deltas "$before" "$(tx_counts 2)")
	echo "$d"
	[ "$d" = "50 0" ] && used=0 || used=1
	ip -n peer link set pveth$used down
	# The carrier change reaches the bond through the notifier chain
	# (linkwatch runs from a work item): wait for it, not a fixed time.
	for _ in $(seq 100); do
		[ "$(cat /sys/class/net/veth$used/carrier)" = 0 ] && break
		sleep 0.05
	done
	sleep 0.2
	before=$(tx_counts 2)
	send_udp 50 40001
	deltas "$before" "$(tx_counts 2)"
}

# Issue 9: without miimon the C driver rebuilds its usable-slave array on
# NETDEV_UP/CHANGE/DOWN, so flows leave a slave that lost carrier.
test_balance_xor_without_monitor_moves_flows_off_a_slave_without_carrier() {
	local c ours
	c=$(xor_carrier_scenario c)
	unload_any_bonding
	ip netns del peer
	ours=$(xor_carrier_scenario rust)
	echo "C: $c / ours: $ours"
	# Which slave the flow starts on depends on the bond's random MAC
	# (layer2 hash): what must match is that it moves, whole.
	local drv out
	for drv in c ours; do
		eval "out=\$$drv"
		[ "$(tail -n1 <<<"$out")" = "50 0" ] || [ "$(tail -n1 <<<"$out")" = "0 50" ] ||
			fail "$drv: the flow must move whole to the slave that has carrier: $out"
		[ "$(head -n1 <<<"$out")" != "$(tail -n1 <<<"$out")" ] || fail "$drv: the flow stayed on the slave without carrier"
	done
}

# Broadcast skips a slave without carrier, as bond_xmit_broadcast() does.
test_broadcast_skips_a_slave_without_carrier() {
	load_bonding mode=broadcast
	xmit_topology 2
	ip -n peer link set pveth1 down
	for _ in $(seq 100); do
		[ "$(cat /sys/class/net/veth1/carrier)" = 0 ] && break
		sleep 0.05
	done
	local before dropped
	before=$(tx_counts 2)
	dropped=$(stat_of veth1 tx_dropped)
	send_udp 20 40001
	assert_eq "$(deltas "$before" "$(tx_counts 2)")" "20 0" "broadcast tx with veth1 without carrier"
	# veth drops what it is given while its peer is down: nothing was.
	assert_eq "$(stat_of veth1 tx_dropped)" "$dropped" "frames handed to the slave without carrier"
}

# policy_spread <driver> <policy>: per-slave counts of crafted frames sent
# through bond0 (balance-xor, 3 slaves): IPIP with varied inner addresses
# and ports, then frames of varied source MACs, untagged and through a VLAN.
policy_spread() {
	load_driver "$1" mode=balance-xor miimon=100 xmit_hash_policy="$2"
	xmit_topology 3
	ip link add link bond0 name bond0.100 type vlan id 100
	# No IPv6 chatter mixed with the frames counted.
	echo 1 >/proc/sys/net/ipv6/conf/bond0.100/disable_ipv6
	ip link set bond0.100 up
	local before
	before=$(tx_counts 3)
	python3 - <<'PY'
import socket, struct
def csum(h):
    s = sum(struct.unpack("!10H", h))
    s = (s & 0xffff) + (s >> 16)
    return ~(s + (s >> 16)) & 0xffff
def ip(src, dst, proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0, 64, proto, 0, bytes(src), bytes(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload
def frame(src_mac, proto, payload):
    return bytes.fromhex("020000000002") + bytes(src_mac) + struct.pack("!H", proto) + payload
for dev in ("bond0", "bond0.100"):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    s.bind((dev, 0x0800))
    for i in range(24):
        udp = struct.pack("!HHHH", 40000 + i, 9, 8 + 4, 0) + b"abcd"
        inner = ip([10, 0, 0, i], [10, 1, 0, 7 * i % 256], 17, udp)
        s.send(frame([2, 0, 0, 0, 0, 1], 0x0800, ip([192, 0, 2, 1], [192, 0, 2, 2], 4, inner)))
    for i in range(24):
        s.send(frame([2, i, 0, 0, 3 * i, i], 0x0800, ip([192, 0, 2, 1], [192, 0, 2, 2], 17, struct.pack("!HHHH", 9, 9, 8, 0))))
PY
	deltas "$before" "$(tx_counts 3)"
}

test_encap_and_vlan_srcmac_policies_pick_the_slaves_the_c_driver_picks() {
	local pol c ours
	for pol in encap2+3 encap3+4 vlan+srcmac; do
		c=$(policy_spread c $pol | tail -n1)
		ip netns del peer; ip link del bond0.100 2>/dev/null || true; unload_any_bonding
		ours=$(policy_spread ours $pol | tail -n1)
		ip netns del peer; ip link del bond0.100 2>/dev/null || true; unload_any_bonding
		echo "$pol: C $c, ours $ours"
		assert_same_as_c "slaves chosen by $pol" "$c" "$ours"
		# Spread: no slave took (nearly) every frame (96 of them).
		local x
		for x in $ours; do [ "$x" -lt 90 ] || fail "$pol sent $x of 96 frames through one slave"; done
	done
}
