# Peer notification after failover, and ARP targets that do not answer
# (issue 5).
# shellcheck shell=bash

# failover_announcements <c|ours> <params...>: gratuitous ARPs and
# unsolicited NAs for the bond's addresses seen on the new active slave's
# switch port after the active slave's link is cut.
failover_announcements() {
	local drv=$1
	shift
	load_driver "$drv" "$@"
	make_peer 2
	ip netns exec peer sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.pveth1.disable_ipv6=0
	ip link set bond0 up
	ip addr add 192.0.2.1/24 dev bond0
	ip addr add 2001:db8::1/64 dev bond0 nodad
	ip link set veth0 master bond0
	ip link set veth1 master bond0
	ping -c 1 -W 2 192.0.2.2 >/dev/null || fail "no ping"
	rm -f /tmp/notify.out /tmp/notify.err
	ip netns exec peer tcpdump -l -n -i pveth1 'arp or icmp6' >/tmp/notify.out 2>/tmp/notify.err &
	local dump=$! i
	# tcpdump says "listening on" once it captures: not before (a loaded
	# machine can take seconds to start it).
	for i in $(seq 400); do grep -q "listening on" /tmp/notify.err 2>/dev/null && break; sleep 0.05; done
	grep -q "listening on" /tmp/notify.err || fail "tcpdump did not start"
	ip -n peer link set pveth0 down
	# num_grat_arp=3 at miimon=100: the last is due 200 ms after the
	# failover; generous for a loaded machine.
	sleep 3
	kill $dump; wait $dump 2>/dev/null || true
	# grep -c prints 0 and fails when nothing matches: the count is the answer.
	echo "$(grep -c "Request who-has 192.0.2.1 tell 192.0.2.1" /tmp/notify.out || true) $(grep -c "neighbor advertisement, tgt is 2001:db8::1" /tmp/notify.out || true)"
	rmmod bonding
	ip netns del peer
}

test_failover_announces_the_bonds_addresses_as_the_c_driver() {
	local params c ours
	for params in "num_grat_arp=1" "num_grat_arp=3"; do
		c=$(failover_announcements c mode=1 miimon=100 $params)
		ours=$(failover_announcements ours mode=1 miimon=100 $params)
		echo "$params: C driver $c, ours $ours (gratuitous ARPs, unsolicited NAs)"
		assert_eq "$ours" "$c" "announcements with $params"
		[ "${ours%% *}" -ge 1 ] && [ "${ours##* }" -ge 1 ] || fail "no announcement with $params: $ours"
	done
	ours=$(failover_announcements ours mode=1 miimon=100 num_grat_arp=0)
	assert_eq "$ours" "0 0" "num_grat_arp=0 announces nothing"
}

test_an_unanswered_arp_target_does_not_flap_a_healthy_slave() {
	# arp_all_targets=any: one target answering keeps the slaves up.
	load_bonding mode=0 arp_interval=100 arp_ip_target=192.0.2.2,192.0.2.99
	make_peer 2
	bond_up
	ip link set veth0 master bond0
	ip link set veth1 master bond0
	sleep 2
	local before after
	before=$(awk '/^Link Failure Count:/ { n += $4 } END { print n + 0 }' /proc/net/bonding/bond0)
	sleep 3
	after=$(awk '/^Link Failure Count:/ { n += $4 } END { print n + 0 }' /proc/net/bonding/bond0)
	assert_eq "$((after - before))" 0 "failures over 30 intervals"
	assert_match "$(cat /proc/net/bonding/bond0)" "^ARP IP target/s \(n.n.n.n form\): 192.0.2.2, 192.0.2.99$" "targets"
	[ "$(grep -c '^MII Status: up' /proc/net/bonding/bond0)" -eq 3 ] || fail "bond and both slaves should be up: $(cat /proc/net/bonding/bond0)"
}

# rejoin_reports <c|ours> <params...>: the MLD and IGMP reports for the
# groups joined on the bond (ff05::1234, 239.1.2.3) that the new active
# slave sends after a failover, counted at its switch port: "<MLD> <IGMP>".
# The joins' own reports are retransmitted within 1 ms (an unsolicited
# report interval of 1 ms), long done when the count starts.
rejoin_reports() {
	local drv=$1 n last i
	shift
	load_driver "$drv" "$@"
	make_peer 2
	sysctl -qw net.ipv6.conf.bond0.mldv2_unsolicited_report_interval=1
	sysctl -qw net.ipv4.conf.bond0.igmpv3_unsolicited_report_interval=1
	ip link set bond0 up
	ip addr add 192.0.2.1/24 dev bond0
	ip link set veth0 master bond0
	ip link set veth1 master bond0
	wait_for 10000 active_is veth0 >/dev/null || fail "$drv: veth0 never active"
	ip -6 addr add ff05::1234/128 dev bond0 autojoin
	ip addr add 239.1.2.3/32 dev bond0 autojoin
	ping -c 1 -W 2 192.0.2.2 >/dev/null || fail "$drv: no ping"
	rm -f /tmp/rejoin.out /tmp/rejoin.err
	ip netns exec peer tcpdump -l -n -v -Q in -i pveth1 "ip6 or igmp" >/tmp/rejoin.out 2>/tmp/rejoin.err &
	local dump=$!
	for i in $(seq 400); do grep -q "listening on" /tmp/rejoin.err 2>/dev/null && break; sleep 0.05; done
	grep -q "listening on" /tmp/rejoin.err || fail "tcpdump did not start"
	peer_link 0 down
	# resend_igmp reports 200 ms apart: done when the count has not moved
	# for 2 s, or after 20 s on a very loaded machine.
	last=-1
	for i in $(seq 10); do
		sleep 2
		n="$(grep -c "gaddr ff05::1234" /tmp/rejoin.out || true) $(grep -c "gaddr 239.1.2.3" /tmp/rejoin.out || true)"
		[ "$n" = "$last" ] && break
		last=$n
	done
	kill $dump
	wait $dump 2>/dev/null || true
	echo "$n"
	unload_any_bonding
	ip netns del peer
}

test_a_failover_reports_the_bonds_multicast_groups_resend_igmp_times_as_the_c_driver() {
	local r c ours
	for r in 0 1 3; do
		c=$(rejoin_reports c mode=1 miimon=100 resend_igmp=$r)
		ours=$(rejoin_reports ours mode=1 miimon=100 resend_igmp=$r)
		echo "resend_igmp=$r: C driver $c, ours $ours (MLD and IGMP reports on the new active slave)"
		assert_eq "$ours" "$c" "membership reports after a failover with resend_igmp=$r"
		# The scenario shows the option at all: one report of each a rejoin.
		assert_eq "$c" "$r $r" "the C driver's reports with resend_igmp=$r (scenario broken)"
	done
}
