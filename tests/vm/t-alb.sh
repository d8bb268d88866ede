# balance-tlb and balance-alb (modes 5 and 6), side by side with the C
# driver in the same boot (issue 21).
# shellcheck shell=bash

# alb_topology <n>: make_peer's bridge with two slaves of fixed MACs (so
# that hashes repeat across drivers) and n clients c1..cn, each in its own
# namespace (its own ARP cache) on the bridge, at 192.0.2.1<i> with MAC
# 02:00:00:00:01:0<i>.
alb_topology() {
	local i
	make_peer 2
	ip link set veth0 address 02:00:00:00:10:00
	ip link set veth1 address 02:00:00:00:10:01
	for i in $(seq 1 "$1"); do
		ip netns add c$i
		ip netns exec c$i sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
		ip -n peer link add pc$i type veth peer name eth0 netns c$i
		ip -n peer link set pc$i master br0
		ip -n peer link set pc$i up
		ip -n c$i link set eth0 address 02:00:00:00:01:0$i
		ip -n c$i link set eth0 up
		ip -n c$i addr add 192.0.2.1$i/24 dev eth0
	done
}

alb_teardown() {
	local i
	unload_any_bonding
	for i in 1 2 3 4; do ip netns del c$i 2>/dev/null || true; done
	ip netns del peer
}

# mac_role <mac>: which slave's own MAC it is, or the bond's.
mac_role() {
	case $1 in
	"$(mac_of bond0)") echo bond ;;
	02:00:00:00:10:00) echo veth0-own ;;
	02:00:00:00:10:01) echo veth1-own ;;
	*) echo "other($1)" ;;
	esac
}

# egress_slave <ping args...>: the slave whose transmit count grew by the
# 5 echo requests.
egress_slave() {
	local a0 a1
	a0=$(stat_of veth0 tx_packets)
	a1=$(stat_of veth1 tx_packets)
	ping -q -c 5 -i 0.01 -W 2 "$@" >/dev/null || echo "noping"
	a0=$(($(stat_of veth0 tx_packets) - a0))
	a1=$(($(stat_of veth1 tx_packets) - a1))
	if [ "$a0" -ge 5 ] && [ "$a1" -lt 5 ]; then echo veth0; elif [ "$a1" -ge 5 ] && [ "$a0" -lt 5 ]; then echo veth1; else echo "both($a0,$a1)"; fi
}

# alb_bond <c|ours> <ip link options...>: bond0 made by netlink with
# these options (tlb_dynamic_lb has no module parameter), up at
# 192.0.2.1, with veth0 then veth1 enslaved and veth0 active.
alb_bond() {
	local drv=$1
	shift
	load_driver "$drv" max_bonds=0
	alb_topology 4
	ip link add bond0 type bond "$@" || fail "$drv: ip link add bond0 type bond $*"
	bond_up
	ip link set veth0 master bond0
	ip link set veth1 master bond0
	wait_for 10000 active_is veth0 >/dev/null || fail "$drv: veth0 never active"
}

# start_dump <file> <namespace> <tcpdump args...>: tcpdump in the
# background, once it captures; its pid in DUMP.
start_dump() {
	local out=$1 ns=$2 i
	shift 2
	rm -f "$out" "$out.err"
	ip netns exec "$ns" tcpdump -l -n -e "$@" >"$out" 2>"$out.err" &
	DUMP=$!
	for i in $(seq 400); do grep -q "listening on" "$out.err" 2>/dev/null && break; sleep 0.05; done
	grep -q "listening on" "$out.err" || fail "tcpdump did not start"
}

# stop_dump [<file> <pattern>]: stops the capture, once <pattern> is in
# <file> (up to 10 s: tcpdump lags on a loaded machine), else after 0.5 s.
stop_dump() {
	if [ $# -eq 2 ]; then
		wait_for 10000 grep -q "$2" "$1" >/dev/null || true
	else
		sleep 0.5
	fi
	kill "$DUMP"
	wait "$DUMP" 2>/dev/null || true
}

# tlb_split <c|ours> <ip link options...>: for each of four clients, the
# slave the bond's echo requests to it leave through, and the source MAC
# they carry at the switch (as a role: a slave's own or the bond's); then
# a failover of the receiving slave.
tlb_split() {
	local drv=$1 i src
	shift
	alb_bond "$drv" "$@"
	# Neighbours resolved first: ARP is not balanced.
	for i in 1 2 3 4; do ping -q -c 1 -W 2 192.0.2.1$i >/dev/null || fail "$drv: no ping to c$i"; done
	start_dump /tmp/tlb.out peer -i br0 icmp
	for i in 1 2 3 4; do
		echo "c$i: $(egress_slave 192.0.2.1$i)"
	done
	stop_dump /tmp/tlb.out "> 192.0.2.14: ICMP echo request"
	for i in 1 2 3 4; do
		src=$(awk -v d="192.0.2.1$i:" '$0 ~ "echo request" && $0 ~ d { print $2; exit }' /tmp/tlb.out)
		echo "c$i source: $(mac_role "$src")"
	done
	echo "veth0 $(mac_role "$(mac_of veth0)"), veth1 $(mac_role "$(mac_of veth1)")"
	# The receiving slave fails: the other takes the bond's MAC, and the
	# bond stays reachable.
	peer_link 0 down
	wait_for 10000 active_is veth1 >/dev/null || fail "$drv: veth1 never active"
	echo "after failover: veth0 $(mac_role "$(mac_of veth0)"), veth1 $(mac_role "$(mac_of veth1)")"
	for i in 1 2 3 4; do
		if wait_for 5000 ip netns exec c$i ping -q -c 1 -W 1 192.0.2.1 >/dev/null; then
			echo "c$i: reachable"
		else
			echo "c$i: unreachable"
		fi
	done
	alb_teardown
}

test_tlb_spreads_flows_with_their_slaves_macs_and_fails_over_as_the_c_driver() {
	side_by_side "balance-tlb, tlb_dynamic_lb 0" tlb_split mode balance-tlb miimon 100 tlb_dynamic_lb 0
	assert_match "$OURS_OUT" "c.: veth0" "a flow on veth0"
	assert_match "$OURS_OUT" "c.: veth1" "a flow on veth1"
	# Every frame leaves with its slave's MAC: the active one has the bond's.
	assert_no_match "$OURS_OUT" "veth0-own|other|both|noping" "source MACs"
	assert_match "$OURS_OUT" "veth0 bond, veth1 veth1-own" "slave MACs"
	assert_no_match "$OURS_OUT" "unreachable" "reachability after failover"
	assert_match "$OURS_OUT" "failover: veth0 veth1-own, veth1 bond" "the MACs swapped at failover"
}

# tlb_rebalance <c|ours>: with tlb_dynamic_lb, flows start on the least
# loaded slave, which is the first while no load is known; at the 10 s
# rebalance each flow's load of the last interval places it again. Rounds
# of echo requests to the four clients until one round uses both slaves
# (where they land depends on when the rebalance falls, so only that is
# compared), each frame with its slave's MAC.
tlb_rebalance() {
	local drv=$1 i round line used ok=yes
	shift
	alb_bond "$drv" "$@"
	for i in 1 2 3 4; do ping -q -c 1 -W 2 192.0.2.1$i >/dev/null || fail "$drv: no ping to c$i"; done
	start_dump /tmp/tlb.out peer -i br0 icmp
	used=no
	for round in $(seq 40); do
		line=
		for i in 1 2 3 4; do line="$line $(egress_slave -s 1000 192.0.2.1$i)"; done
		case $line in *veth0*veth1* | *veth1*veth0*) used=yes; break ;; esac
		sleep 0.5
	done
	stop_dump
	echo "both slaves used within 20 s: $used"
	# An echo request's source MAC is the MAC of the slave it left by.
	while read -r src; do
		case $(mac_role "$src") in bond | veth1-own) ;; *) ok="no ($src)" ;; esac
	done < <(awk '/echo request/ { print $2 }' /tmp/tlb.out)
	echo "sources are slave MACs: $ok"
	alb_teardown
}

test_tlb_rebalances_flows_by_load_as_the_c_driver() {
	side_by_side "balance-tlb, dynamic" tlb_rebalance mode balance-tlb miimon 100
	assert_match "$OURS_OUT" "used within 20 s: yes" "the rebalance"
	assert_match "$OURS_OUT" "sources are slave MACs: yes" "source MACs"
}

# alb_clients <c|ours>: four clients resolve the bond's address and ping
# it: the MAC each learned (as a role), who received their pings; then
# the slave serving some fails: are they told, and reachable again?
alb_clients() {
	local drv=$1 i mac r0 r1 ms roles
	shift
	alb_bond "$drv" "$@"
	for i in 1 2 3 4; do
		ip netns exec c$i ping -q -c 1 -W 2 192.0.2.1 >/dev/null || fail "$drv: c$i cannot reach the bond"
	done
	# Which client gets which slave depends on when the monitor's ticks
	# fall (in the C driver too): the details go to the log, the outcome
	# is compared.
	roles=
	for i in 1 2 3 4; do
		mac=$(ip -n c$i neigh show 192.0.2.1 | awk '{ print $5 }')
		echo "c$i learned: $(mac_role "$mac")" >&2
		roles="$roles $(mac_role "$mac")"
	done
	case $roles in *bond*veth1-own* | *veth1-own*bond*) echo "clients on both slaves: yes" ;; *) echo "clients on both slaves: no ($roles)" ;; esac
	case $roles in *other*) echo "a client learned another MAC: $roles" ;; esac
	r0=$(stat_of veth0 rx_packets)
	r1=$(stat_of veth1 rx_packets)
	for i in 1 2 3 4; do ip netns exec c$i ping -q -c 5 -i 0.01 -W 2 192.0.2.1 >/dev/null || echo "c$i: no ping"; done
	r0=$(($(stat_of veth0 rx_packets) - r0))
	r1=$(($(stat_of veth1 rx_packets) - r1))
	echo "received on veth0: $r0, on veth1: $r1" >&2
	# veth1's clients go to veth0, and are told.
	peer_link 1 down
	for i in 1 2 3 4; do
		if ms=$(wait_for 5000 ip netns exec c$i ping -q -c 1 -W 1 192.0.2.1); then
			echo "c$i: reachable after veth1 failed"
		else
			echo "c$i: unreachable after veth1 failed"
		fi
	done
	for i in 1 2 3 4; do
		mac=$(ip -n c$i neigh show 192.0.2.1 | awk '{ print $5 }')
		echo "c$i now: $(mac_role "$mac")"
	done
	alb_teardown
}

test_alb_spreads_clients_over_the_slaves_and_moves_them_at_failover_as_the_c_driver() {
	side_by_side "balance-alb clients" alb_clients mode balance-alb miimon 100
	assert_match "$OURS_OUT" "clients on both slaves: yes" "receive load balancing"
	assert_no_match "$OURS_OUT" "unreachable|no ping|other" "clients after the failover"
}

test_tlb_and_alb_module_parameters_netlink_and_sysfs_as_the_c_driver() {
	local drv
	show() {
		local drv=$1
		load_driver "$drv" mode=6 miimon=100 lp_interval=3
		echo "$(cat /sys/class/net/bond0/bonding/mode) $(cat /sys/class/net/bond0/bonding/tlb_dynamic_lb) $(cat /sys/class/net/bond0/bonding/lp_interval)"
		grep -E "^Bonding Mode|^Transmit Hash" /proc/net/bonding/bond0
		echo balance-tlb >/sys/class/net/bond0/bonding/mode
		echo 0 >/sys/class/net/bond0/bonding/tlb_dynamic_lb
		grep -E "^Bonding Mode|^Transmit Hash" /proc/net/bonding/bond0
		ip -d link show bond0 | grep -o "mode balance-tlb.*" | grep -o "tlb_dynamic_lb [0-9]*"
		ip link set bond0 up
		echo 1 >/sys/class/net/bond0/bonding/tlb_dynamic_lb 2>&1 || echo "refused while up"
		echo balance-alb >/sys/class/net/bond0/bonding/mode 2>&1 || echo "refused while up"
		ip link set bond0 down
		echo balance-alb >/sys/class/net/bond0/bonding/mode
		cat /sys/class/net/bond0/bonding/tlb_dynamic_lb
		unload_any_bonding
	}
	side_by_side "tlb/alb options" show
}
