# Receive filters through the bond (issue 9): promiscuity, allmulti and the
# unicast/multicast address lists reach the slaves that receive for the
# bond, as with the C driver: the active slave in active-backup (and they
# move with failover), every slave in the other modes. Shown on the VM's
# e1000 and virtio-net NICs, which filter in hardware, unlike veth.

promiscuity_of() {
	ip -d link show "$1" | sed -n 's/.* promiscuity \([0-9]*\) .*/\1/p'
}

# has_maddr <dev> <mac>: the link-layer multicast address is on dev's list.
has_maddr() {
	ip maddr show dev "$1" | grep -q "link  *$2" && echo yes || echo no
}

# filters_state: one line per NIC: promiscuity count, IFF_ALLMULTI, group.
filters_state() {
	local d
	for d in "$E1000" "$VIRTIO"; do
		[ "$d" = "$E1000" ] && echo -n "e1000 " || echo -n "virtio "
		echo "promisc=$(promiscuity_of "$d") allmulti=$(( ($(dev_flags "$d") & 0x200) != 0 )) group=$(has_maddr "$d" 01:00:5e:01:02:03)"
	done
}

# filters_scenario <driver> <mode>: prints what the slaves receive for at
# each step: bond promiscuous and allmulti with a multicast group, after a
# change of active slave, after the options are taken back, after a
# release, with the bond down.
filters_scenario() {
	local drv=$1 mode=$2
	load_driver "$drv" mode=$mode miimon=100
	enslave_qemu_nics
	wait_both_nics_up
	[ "$mode" != 1 ] || "$IFENSLAVE" -c bond0 "$E1000"
	ip link set bond0 promisc on
	ip link set bond0 allmulticast on
	ip maddr add 01:00:5e:01:02:03 dev bond0
	echo "# promisc, allmulti, group on the bond"
	filters_state
	if [ "$mode" = 1 ]; then
		"$IFENSLAVE" -c bond0 "$VIRTIO"
		echo "# after the active slave changed to virtio"
		filters_state
	fi
	ip link set bond0 promisc off
	ip link set bond0 allmulticast off
	echo "# promisc and allmulti off"
	filters_state
	ip link set bond0 promisc on
	"$IFENSLAVE" -d bond0 "$VIRTIO"
	echo "# virtio released"
	filters_state
	ip link set bond0 down
	echo "# bond down"
	filters_state
	ip link set bond0 up
	echo "# bond up again"
	filters_state
	unload_any_bonding
	echo "# module unloaded"
	filters_state
}

# filters_as_c <mode>: the scenario with the C driver, then this one; they
# must agree. Prints this driver's.
filters_as_c() {
	qemu_nics
	local c ours
	c=$(filters_scenario c "$1")
	ours=$(filters_scenario rust "$1")
	assert_eq "$ours" "$c" "slaves' receive filters as with the C driver"
	echo "$ours"
}

test_active_backup_rx_filters_go_to_the_active_slave_and_follow_failover() {
	local ours
	ours=$(filters_as_c 1)
	echo "$ours"
	# And what that is, spelled out: first the e1000 (active) only.
	assert_match "$ours" "^e1000 promisc=1 allmulti=1 group=yes$" "the active slave receives for the bond"
	assert_match "$(sed -n 3p <<<"$ours")" "^virtio promisc=0 allmulti=0 group=no$" "the backup does not"
	assert_match "$(sed -n 5,6p <<<"$ours")" "e1000 promisc=0 allmulti=0 group=no" "the old active gives them back"
	assert_match "$(sed -n 5,6p <<<"$ours")" "virtio promisc=1 allmulti=1 group=yes" "the new active takes them"
}

test_balance_rr_rx_filters_go_to_every_slave() {
	local ours
	ours=$(filters_as_c 0)
	echo "$ours"
	assert_match "$(sed -n 2,3p <<<"$ours")" "e1000 promisc=1 allmulti=1 group=yes" "every slave receives for the bond"
	assert_match "$(sed -n 2,3p <<<"$ours")" "virtio promisc=1 allmulti=1 group=yes" "every slave receives for the bond"
}

# A bridge port (every KVM host): a bridge with more than one port makes
# its ports promiscuous (with one, it programs the port's unicast filter).
test_bond_as_a_bridge_port_makes_the_active_slave_promiscuous() {
	load_bonding mode=1 miimon=100
	enslave_qemu_nics
	wait_both_nics_up
	"$IFENSLAVE" -c bond0 "$E1000"
	ip link add br-rb type bridge
	ip link add rbvm0 type veth peer name rbvm1
	ip link set rbvm0 master br-rb
	ip link set bond0 master br-rb
	ip link set br-rb up
	assert_eq "$(promiscuity_of "$E1000")" 1 "active slave under a bridge"
	assert_eq "$(promiscuity_of "$VIRTIO")" 0 "backup slave under a bridge"
	ip link set bond0 nomaster
	assert_eq "$(promiscuity_of "$E1000")" 0 "active slave after leaving the bridge"
	ip link del br-rb
	ip link del rbvm0
}

# VLANs on the bond: the VLAN IDs reach the slaves' hardware filters
# (virtio-net drops tagged frames of VLANs it was not told about), on the
# active slave, on the backup (so failover keeps the VLAN), and on a slave
# enslaved after the VLAN was made.
test_vlan_on_the_bond_reaches_slaves_that_filter_vlans() {
	load_bonding mode=1 miimon=100
	enslave_qemu_nics
	"$IFENSLAVE" -c bond0 "$VIRTIO"
	hub_peer
	ip -n hubpeer link add link hp0 name hp0.100 type vlan id 100
	ip -n hubpeer link set hp0.100 up
	ip -n hubpeer addr add 10.10.0.2/24 dev hp0.100
	ip link add link bond0 name bond0.100 type vlan id 100
	sysctl -qw net.ipv6.conf.bond0/100.disable_ipv6=1
	ip link set bond0.100 up
	ip addr add 10.10.0.1/24 dev bond0.100
	ping -c 2 -W 2 10.10.0.2 >/dev/null || fail "no traffic on VLAN 100 through the virtio-net slave"
	"$IFENSLAVE" -d bond0 "$E1000"
	"$IFENSLAVE" bond0 "$E1000"
	# The e1000 negotiates its link again after reopening; until then it
	# cannot be made active (EINVAL, as in the C driver).
	wait_both_nics_up
	"$IFENSLAVE" -c bond0 "$E1000"
	ping -c 2 -W 2 10.10.0.2 >/dev/null || fail "no traffic on VLAN 100 through the e1000 enslaved later"
	"$IFENSLAVE" -c bond0 "$VIRTIO"
	ping -c 2 -W 2 10.10.0.2 >/dev/null || fail "no traffic on VLAN 100 after failing back to virtio-net"
	ip link del bond0.100
}

# A macvlan on the bond adds its own MAC to the bond's unicast list, which
# must reach the active slave's filter (virtio-net drops unicast frames for
# MACs it was not given).
test_macvlan_on_the_bond_receives_through_a_filtering_slave() {
	load_bonding mode=1 miimon=100
	enslave_qemu_nics
	"$IFENSLAVE" -c bond0 "$VIRTIO"
	hub_peer
	# In a namespace of its own, so that only the macvlan answers for its
	# address, with its own MAC.
	ip netns add mvns
	ip link add link bond0 name mv0 address 02:00:00:00:07:07 type macvlan mode bridge
	ip link set mv0 netns mvns
	ip netns exec mvns sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n mvns link set mv0 up
	ip -n mvns addr add 10.0.2.77/24 dev mv0
	ip netns exec hubpeer ping -c 2 -W 2 10.0.2.77 >/dev/null || fail "the macvlan on the bond is unreachable"
	ip netns del mvns
}
