# fail_over_mac (issue 9): with `active` the slaves keep their own MACs and
# the bond takes the active one's; with `follow` the active slave takes the
# bond's MAC and hands its own to the slave it replaces. Checked step by
# step against the C driver, with the peer reachable after every failover.

# macs_named: bond0, veth0 and veth1's MACs, named after the permanent
# addresses they equal (perm0, perm1), or "other".
macs_named() {
	local d m out=()
	for d in bond0 veth0 veth1; do
		m=$(mac_of $d)
		case $m in
		"$PERM0") out+=("$d=perm0") ;;
		"$PERM1") out+=("$d=perm1") ;;
		*) out+=("$d=other") ;;
		esac
	done
	echo "${out[*]}"
}

reachable() {
	# A few tries: the peer's bridge and ARP cache follow the gratuitous ARP.
	local i
	for i in 1 2 3 4 5; do
		ping -c 1 -W 1 192.0.2.2 >/dev/null 2>&1 && { echo reachable; return 0; }
	done
	echo unreachable
}

active_now() { sed -n 's/^Currently Active Slave: //p' /proc/net/bonding/bond0; }

# fom_scenario <driver> <fail_over_mac> [same]: "same" gives veth1 veth0's
# MAC before it is enslaved.
fom_scenario() {
	local drv=$1 fom=$2
	if [ "$drv" = c ]; then
		load_c_bonding mode=1 miimon=100 fail_over_mac=$fom num_grat_arp=1
	else
		load_bonding mode=1 miimon=100 fail_over_mac=$fom num_grat_arp=1
	fi
	make_peer 2
	[ "${3:-}" != same ] || ip link set veth1 address "$(mac_of veth0)"
	PERM0=$(mac_of veth0)
	PERM1=$(mac_of veth1)
	bond_up
	"$IFENSLAVE" bond0 veth0 veth1
	echo "enslaved: $(macs_named) $(reachable)"
	"$IFENSLAVE" -c bond0 veth1
	echo "active veth1: $(macs_named) $(reachable)"
	"$IFENSLAVE" -c bond0 veth0
	echo "active veth0: $(macs_named) $(reachable)"
	ip -n peer link set pveth0 down
	for _ in $(seq 100); do [ "$(active_now)" = veth1 ] && break; sleep 0.05; done
	echo "veth0 down, active $(active_now): $(macs_named) $(reachable)"
	ip -n peer link set pveth0 up
	"$IFENSLAVE" -d bond0 veth1
	echo "veth1 released: $(macs_named)"
	"$IFENSLAVE" -d bond0 veth0
	echo "both released: $(macs_named)"
	unload_any_bonding
	ip netns del peer
}

check_fom() {
	local c ours
	c=$(fom_scenario c "$@")
	ours=$(fom_scenario rust "$@")
	echo "C:"; echo "$c"; echo "ours:"; echo "$ours"
	assert_eq "$ours" "$c" "MACs and reachability at each step, as the C driver"
	assert_no_match "$ours" "unreachable" "the peer stays reachable"
}

test_fail_over_mac_active_moves_the_bond_to_the_active_slaves_mac() {
	check_fom active
}

test_fail_over_mac_follow_swaps_the_slaves_macs() {
	check_fom follow
}

test_fail_over_mac_follow_gives_a_duplicate_slave_a_random_mac() {
	check_fom follow same
}
