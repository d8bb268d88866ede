# netconsole on the bond (issue 9): kernel messages leave through the bond
# with interrupts off (netpoll), through the active slave, also after a
# failover; a bond whose slaves cannot poll (veth) refuses netconsole
# cleanly, as the C driver does.

NC=/sys/kernel/config/netconsole

netconsole_setup() {
	mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
	[ -d $NC ] || fail "no netconsole in the test kernel"
}

# netconsole_target <name> <dev> <local ip> <remote ip> <remote mac>: a
# target, not yet enabled.
netconsole_target() {
	mkdir "$NC/$1"
	echo "$2" >"$NC/$1/dev_name"
	echo "$3" >"$NC/$1/local_ip"
	echo "$4" >"$NC/$1/remote_ip"
	echo 6666 >"$NC/$1/remote_port"
	echo "$5" >"$NC/$1/remote_mac"
}

netconsole_remove() {
	[ -d "$NC/$1" ] || return 0
	[ "$(cat "$NC/$1/enabled")" = 0 ] || echo 0 >"$NC/$1/enabled"
	rmdir "$NC/$1"
}

# try_enable <target>: prints the errno of enabling it (0 on success).
try_enable() {
	python3 - "$NC/$1/enabled" <<'PY'
import os, sys
try:
    fd = os.open(sys.argv[1], os.O_WRONLY)
    os.write(fd, b"1")
    print(0)
except OSError as e:
    print(e.errno)
PY
}

# e1000_bql_off: no byte queue limit on the e1000's queue. The 6.12 e1000
# frees the frames it has sent with a NAPI budget even when netpoll polls
# it outside softirq (e1000_clean_tx_irq passes 64 to napi_consume_skb),
# and lockdep then warns in napi_skb_cache_put. Netpoll polls the e1000
# when its queue is stopped, and BQL stops it (a limit of 60 bytes in the
# VM) when two netconsole messages go out before an interrupt has
# reclaimed the first. The C bonding driver meets the same WARNING
# (Documentation/reliability.md, "Kernel bugs met").
e1000_bql_off() {
	echo 100000000 >"/sys/class/net/$E1000/queues/tx-0/byte_queue_limits/limit_min"
}

# A UDP listener in the hub peer's namespace, writing what it receives.
start_listener() {
	rm -f /tmp/nc.out /tmp/nc.ready
	ip netns exec hubpeer python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.2.99", 6666))
open("/tmp/nc.ready", "w").close()
with open("/tmp/nc.out", "ab", buffering=0) as f:
    while True:
        f.write(s.recv(4096))
' &
	LISTENER=$!
	for _ in $(seq 100); do [ -f /tmp/nc.ready ] && return 0; sleep 0.05; done
	fail "the UDP listener did not start"
}

# wait_received <text>: the peer got a datagram containing text (10 s).
wait_received() {
	for _ in $(seq 200); do
		grep -q -- "$1" /tmp/nc.out 2>/dev/null && return 0
		sleep 0.05
	done
	fail "the peer did not receive '$1' (got: $(cat /tmp/nc.out 2>/dev/null | tr '\n' '|'))"
}

test_netconsole_over_the_bond_reaches_the_peer_before_and_after_failover() {
	netconsole_setup
	load_bonding mode=1 miimon=100
	enslave_qemu_nics
	e1000_bql_off
	wait_both_nics_up
	"$IFENSLAVE" -c bond0 "$E1000"
	hub_peer
	start_listener
	# The peer's address is known: netconsole sends to a fixed MAC.
	netconsole_target t1 bond0 10.0.2.15 10.0.2.99 52:54:00:00:03:01
	assert_eq "$(try_enable t1)" 0 "enabling netconsole on the bond"
	dmesg -n 8
	echo "<3>rbond-netconsole-one" >/dev/kmsg
	wait_received rbond-netconsole-one
	local active before_e before_v
	active=$(sed -n 's/^Currently Active Slave: //p' /proc/net/bonding/bond0)
	assert_eq "$active" "$E1000" "active slave"
	# The switch port of the active slave goes away: failover to virtio.
	qemu_set_link nic_e1000 off
	for _ in $(seq 100); do
		[ "$(sed -n 's/^Currently Active Slave: //p' /proc/net/bonding/bond0)" = "$VIRTIO" ] && break
		sleep 0.05
	done
	assert_eq "$(sed -n 's/^Currently Active Slave: //p' /proc/net/bonding/bond0)" "$VIRTIO" "active after failover"
	before_e=$(stat_of "$E1000" tx_packets)
	before_v=$(stat_of "$VIRTIO" tx_packets)
	echo "<3>rbond-netconsole-two" >/dev/kmsg
	wait_received rbond-netconsole-two
	[ "$(stat_of "$VIRTIO" tx_packets)" -gt "$before_v" ] || fail "the message did not leave through the new active slave"
	assert_eq "$(stat_of "$E1000" tx_packets)" "$before_e" "nothing through the slave without link"
	qemu_set_link nic_e1000 on
	netconsole_remove t1
	kill "$LISTENER" 2>/dev/null || true
	# Releasing a slave and deleting the bond with netpoll gone leaves
	# nothing behind (kmemleak, debug objects: checked by the runner).
	"$IFENSLAVE" -d bond0 "$E1000"
	kmemleak_check
}

# A slave enslaved while netconsole runs on the bond gets netpoll too.
test_netconsole_keeps_working_through_a_slave_enslaved_later() {
	netconsole_setup
	load_bonding mode=1 miimon=100
	qemu_nics
	e1000_bql_off
	sysctl -qw net.ipv6.conf.bond0.disable_ipv6=1
	ip link set bond0 up
	ip addr add 10.0.2.15/24 dev bond0
	"$IFENSLAVE" bond0 "$E1000"
	hub_peer
	start_listener
	netconsole_target t2 bond0 10.0.2.15 10.0.2.99 52:54:00:00:03:01
	assert_eq "$(try_enable t2)" 0 "enabling netconsole on the bond"
	"$IFENSLAVE" bond0 "$VIRTIO"
	"$IFENSLAVE" -c bond0 "$VIRTIO"
	dmesg -n 8
	echo "<3>rbond-netconsole-late" >/dev/kmsg
	wait_received rbond-netconsole-late
	netconsole_remove t2
	kill "$LISTENER" 2>/dev/null || true
}

# netconsole_on_veth_bond <driver>: the errno of enabling netconsole on a
# bond of veths, which cannot poll.
netconsole_on_veth_bond() {
	load_driver "$1" mode=1 miimon=100
	make_peer 2
	bond_up
	"$IFENSLAVE" bond0 veth0 veth1
	netconsole_target tv bond0 192.0.2.1 192.0.2.2 02:00:00:00:00:02
	try_enable tv
	netconsole_remove tv
	unload_any_bonding
	ip netns del peer
}

test_netconsole_on_a_bond_of_veths_is_refused_as_by_the_c_driver() {
	netconsole_setup
	local c ours
	c=$(netconsole_on_veth_bond c)
	ours=$(netconsole_on_veth_bond rust)
	assert_eq "$ours" "$c" "errno of enabling netconsole"
	[ "$ours" != 0 ] || fail "netconsole was accepted on a bond of veths"
	# And no message ever went through dev_queue_xmit with IRQs off: the
	# runner fails the test on the netpoll WARNING.
	dmesg -n 8
	echo "<3>rbond-after-refusal" >/dev/kmsg
}
