# sysfs (issue 10): /sys/class/net/bonding_masters, <bond>/bonding/,
# <slave>/bonding_slave/, read and written as with the C driver, in the
# same boot.
# shellcheck shell=bash

SYSFS_SCRIPT=$RBOND_TOP/tests/vm/sysfs_script.py
B=/sys/class/net/bond1/bonding

sysfs_topology() {
	make_peer 2
	ip link set veth0 address 02:00:00:00:10:00
	ip link set veth1 address 02:00:00:00:10:01
}

# sysfs_transcript <driver> <setup> <script>: loads the driver without
# bonds, runs the setup commands, then the sysfs script; prints the
# transcript and the driver's kernel log lines for bond1.
sysfs_transcript() {
	local drv=$1 setup=$2 script=$3
	load_driver "$drv" max_bonds=0
	sysfs_topology
	eval "$setup"
	dmesg -C
	python3 "$SYSFS_SCRIPT" <<<"$script"
	dmesg --notime | grep -E "^bond|^bonding: " | grep -vE "Enslaving|making interface|link status|Releasing|entered|left|is NOT|new active|active interface up|now running without" || true
	ip link del bond1 2>/dev/null || true
	ip netns del peer
	unload_any_bonding
}

same_as_c() {
	local c ours
	c=$(sysfs_transcript c "$1" "$2")
	ours=$(sysfs_transcript ours "$1" "$2")
	echo "$ours"
	assert_same_as_c "sysfs" "$c" "$ours"
}

test_bonding_files_read_as_in_the_c_driver() {
	local setup='
		ip link add bond1 type bond mode active-backup miimon 100 updelay 200 primary veth1 arp_all_targets all
		ip link set veth0 master bond1
		ip link set veth1 master bond1
		bond_up bond1
		for i in $(seq 100); do [ "$(grep -c "^MII Status: up" /proc/net/bonding/bond1)" = 3 ] && break; sleep 0.05; done
		sleep 0.5'
	local script
	script="ls $B
ls /sys/class/net/veth0/bonding_slave
$(for f in slaves mode fail_over_mac arp_validate arp_all_targets arp_interval arp_ip_target downdelay updelay \
	peer_notif_delay lacp_active lacp_rate ad_select xmit_hash_policy num_grat_arp num_unsol_na miimon primary \
	primary_reselect use_carrier active_slave mii_status ad_aggregator ad_num_ports ad_actor_key ad_partner_key \
	ad_partner_mac queue_id all_slaves_active resend_igmp min_links lp_interval packets_per_slave tlb_dynamic_lb \
	ad_actor_sys_prio ad_actor_system ad_user_port_key arp_missed_max; do echo "r $B/$f"; done)
$(for s in veth0 veth1; do for f in state mii_status link_failure_count perm_hwaddr queue_id ad_aggregator_id \
	ad_actor_oper_port_state ad_partner_oper_port_state; do echo "r /sys/class/net/$s/bonding_slave/$f"; done; done)"
	same_as_c "$setup" "$script"
}

test_bonding_writes_accept_and_refuse_as_the_c_driver() {
	local setup='ip link add bond1 type bond'
	local script="w $B/mode active-backup
r $B/mode
w $B/mode 7
w $B/mode nonsense
w $B/updelay 200
w $B/miimon 100
w $B/updelay 250
r $B/updelay
w $B/downdelay abc
w $B/arp_ip_target +192.0.2.5
w $B/arp_ip_target +192.0.2.6
w $B/arp_ip_target +192.0.2.5
w $B/arp_ip_target 192.0.2.7
w $B/arp_ip_target -192.0.2.9
w $B/arp_ip_target -192.0.2.5
r $B/arp_ip_target
w $B/arp_interval 200
r $B/miimon
w $B/miimon 100
r $B/arp_interval
w $B/packets_per_slave 3
w $B/xmit_hash_policy layer3+4
r $B/xmit_hash_policy
w $B/fail_over_mac follow
w $B/slaves +veth0
w $B/slaves +veth1
w $B/slaves +nosuch0
w $B/slaves veth0
r $B/slaves
w $B/fail_over_mac none
w $B/mode balance-rr
w $B/primary veth1
r $B/primary
w $B/queue_id veth0:2
w $B/queue_id veth1:2
w $B/queue_id veth1:99
w $B/queue_id bogus
r $B/queue_id
w $B/all_slaves_active 1
r $B/all_slaves_active
w $B/num_grat_arp 300
w $B/num_unsol_na 5
r $B/num_grat_arp
w $B/lacp_rate fast
w $B/ad_select count
r $B/ad_select
w $B/tlb_dynamic_lb 0
w $B/use_carrier 0
r $B/use_carrier
w $B/mii_status up
w $B/slaves -veth1
r $B/slaves
r $B/primary"
	same_as_c "$setup" "$script"
}

test_802_3ad_writes_accept_and_refuse_as_the_c_driver() {
	local script="w $B/lacp_rate fast
r $B/lacp_rate
w $B/lacp_rate 2
w $B/lacp_active off
r $B/lacp_active
w $B/lacp_active maybe
w $B/ad_select bandwidth
r $B/ad_select
w $B/min_links 2
r $B/min_links
w $B/ad_actor_sys_prio 0
w $B/ad_actor_sys_prio 100
r $B/ad_actor_sys_prio
w $B/ad_actor_system 01:00:00:00:00:01
w $B/ad_actor_system nonsense
w $B/ad_actor_system 02:00:00:00:00:aa
r $B/ad_actor_system
w $B/ad_user_port_key 1024
w $B/ad_user_port_key 7
r $B/ad_user_port_key
w $B/arp_interval 100
w $B/primary veth0
w $B/active_slave veth0
w $B/packets_per_slave 2
w $B/xmit_hash_policy encap3+4
r $B/xmit_hash_policy
w $B/slaves +veth0
w $B/slaves +veth1
r $B/ad_aggregator
r $B/ad_num_ports
r $B/ad_actor_key
r $B/ad_partner_key
r $B/ad_partner_mac
w $B/mode balance-rr"
	same_as_c 'ip link add bond1 type bond mode 802.3ad' "$script"
	# While up, the options that need the bond down are refused (EBUSY).
	script="w $B/lacp_rate fast
w $B/lacp_active off
w $B/ad_select count
w $B/ad_user_port_key 3
w $B/min_links 1
w $B/ad_actor_sys_prio 5
w $B/ad_actor_system 02:00:00:00:00:bb
r $B/ad_actor_system"
	same_as_c 'ip link add bond1 type bond mode 802.3ad; ip link set bond1 up' "$script"
}

test_active_slave_can_be_chosen_through_sysfs() {
	local setup='
		ip link add bond1 type bond mode active-backup miimon 100
		ip link set veth0 master bond1
		ip link set veth1 master bond1
		bond_up bond1
		for i in $(seq 100); do [ "$(grep -c "^MII Status: up" /proc/net/bonding/bond1)" = 3 ] && break; sleep 0.05; done'
	local script="r $B/active_slave
w $B/active_slave veth1
r $B/active_slave
r /sys/class/net/veth0/bonding_slave/state
r /sys/class/net/veth1/bonding_slave/state
w $B/active_slave nosuch0
w $B/active_slave lo
w $B/active_slave
r $B/active_slave"
	same_as_c "$setup" "$script"
}

test_bonding_masters_creates_and_deletes_bonds_as_the_c_driver() {
	local m=/sys/class/net/bonding_masters
	local script="r $m
w $m +bond1
r $m
w $m +bond1
w $m bond4
w $m -bond9
w $m +bond2
r $m
w $m -bond2
r $m
r $B/mode"
	same_as_c "" "$script"
}

test_sysfs_writes_need_root() {
	load_bonding max_bonds=0
	echo +bond1 >/sys/class/net/bonding_masters
	local r
	r=$(setpriv --reuid=65534 --regid=65534 --clear-groups python3 "$SYSFS_SCRIPT" <<<"w $B/miimon 100
w /sys/class/net/bonding_masters +bond2")
	assert_eq "$r" "w $B/miimon '100': EACCES
w /sys/class/net/bonding_masters '+bond2': EACCES" "unprivileged writes"
	assert_eq "$(cat $B/miimon)" 0 "miimon unchanged"
	echo -bond1 >/sys/class/net/bonding_masters
}

test_a_renamed_bond_keeps_its_proc_and_sysfs_files() {
	load_bonding max_bonds=0
	echo +bond1 >/sys/class/net/bonding_masters
	echo 100 >$B/miimon
	ip link set bond1 name uplink0
	[ -e /proc/net/bonding/uplink0 ] && [ ! -e /proc/net/bonding/bond1 ] || fail "the proc file did not follow the rename"
	assert_eq "$(cat /sys/class/net/uplink0/bonding/miimon)" 100 "sysfs after the rename"
	assert_eq "$(cat /sys/class/net/bonding_masters)" uplink0 "bonding_masters after the rename"
	echo -uplink0 >/sys/class/net/bonding_masters
	[ ! -e /proc/net/bonding/uplink0 ] || fail "proc file left"
}

test_bonding_masters_is_per_namespace() {
	load_bonding max_bonds=1
	ip netns add n3
	ip netns exec n3 sh -c 'echo +bond7 > /sys/class/net/bonding_masters'
	assert_eq "$(ip netns exec n3 cat /sys/class/net/bonding_masters)" bond7 "n3's bonds"
	assert_eq "$(cat /sys/class/net/bonding_masters)" bond0 "init_net's bonds"
	ip netns exec n3 cat /proc/net/bonding/bond7 >/dev/null || fail "no /proc/net/bonding/bond7 in n3"
	[ ! -e /proc/net/bonding/bond7 ] || fail "n3's bond7 shows in init_net's /proc"
	ip netns del n3
	rmmod bonding
	kmemleak_check
}
