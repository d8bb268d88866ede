# 802.3ad (issue 11) against an LACP partner this project did not write:
# teamd's lacp runner (Debian's libteam-utils) on a team device in the
# "peer" namespace, at the other ends of the veth pairs.
# shellcheck shell=bash

# lacp_partner <team> <first> <n> [mac] [active: true|false]: teamd driving
# <team> (address 192.0.2.<mac's last byte>) over pveth<first>.., whose
# other ends veth<first>.. stay here, down, to be enslaved.
lacp_partner() {
	local team=$1 first=$2 n=$3 mac=${4:-02:00:00:00:00:02} active=${5:-true} i ports=
	if ! ip netns list | grep -qw peer; then
		ip netns add peer
		ip netns exec peer sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	fi
	for i in $(seq "$first" $((first + n - 1))); do
		ip link add veth$i type veth peer name pveth$i netns peer
		ports+="${ports:+, }\"pveth$i\": {}"
	done
	mkdir -p /run/teamd
	ip netns exec peer teamd -d -t "$team" -p "/run/teamd/$team.pid" -c "{\"device\": \"$team\", \"hwaddr\": \"$mac\",
		\"runner\": {\"name\": \"lacp\", \"active\": $active, \"fast_rate\": true,
			\"tx_hash\": [\"eth\", \"ipv4\", \"l4\"]},
		\"link_watch\": {\"name\": \"ethtool\"}, \"ports\": {$ports}}" ||
		fail "teamd did not start"
	ip -n peer link set "$team" up
	ip -n peer addr add "192.0.2.$((16#${mac##*:}))/24" dev "$team"
}

# lacp_bond <driver: ours|c> <n> [ip link options]: bond1 in 802.3ad over
# veth0..n-1, up at 192.0.2.1.
lacp_bond() {
	local drv=$1 n=$2 i
	shift 2
	load_driver "$drv" max_bonds=0
	ip link add bond1 type bond mode 802.3ad miimon 100 "$@"
	for i in $(seq 0 $((n - 1))); do ip link set veth$i master bond1; done
	bond_up bond1
}

# proc_field <name>: a field of /proc/net/bonding/bond1's 802.3ad part.
proc_field() {
	awk -F': ' -v k="$1" '{ sub(/^\t/, "") } $1 == k { print $2; exit }' /proc/net/bonding/bond1
}

# wait_aggregated <ports> <partner mac> [seconds]: until the active
# aggregator has that many ports with that partner, and every one of them
# distributes (actor state with collecting and distributing). Polled in
# one process: a Python start costs over a second in the guest.
wait_aggregated() {
	python3 - "$1" "$2" "${3:-40}" <<'PY' || { cat /proc/net/bonding/bond1 >&2; fail "no aggregator of $1 ports with $2 after ${3:-40}s"; }
import re, sys, time
want, partner, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
end = time.monotonic() + secs
while time.monotonic() < end:
    t = open("/proc/net/bonding/bond1").read()
    states = [int(x) for x in re.findall(r"details actor lacp pdu:.*?port state: (\d+)", t, re.S)]
    if ("\tNumber of ports: %s\n" % want in t and "\tPartner Mac Address: %s\n" % partner in t
            and sum(1 for x in states if x & 0x30 == 0x30) == int(want)):
        sys.exit(0)
    time.sleep(0.1)
sys.exit(1)
PY
}

# distributing: the slaves whose actor state has collecting+distributing.
distributing() {
	python3 - <<'PY'
import re
text = open("/proc/net/bonding/bond1").read()
out = []
for block in text.split("\nSlave Interface: ")[1:]:
    name = block.split("\n", 1)[0]
    m = re.search(r"details actor lacp pdu:.*?port state: (\d+)", block, re.S)
    if m and int(m.group(1)) & 0x30 == 0x30:
        out.append(name)
print(" ".join(out))
PY
}

# ports_view <team>: for each of our slaves, what we think of the port and
# of its partner, and what teamd thinks, one line each:
# "<slave> ours: <actor> | <partner>  teamd: <partner> | <actor>", where
# each side is system,key,port,state.
ports_view() {
	local team=$1
	ip netns exec peer teamdctl "$team" state dump >/tmp/teamd-state.json || fail "teamdctl $team failed"
	python3 - /tmp/teamd-state.json <<'PY'
import json, re, sys
team = json.load(open(sys.argv[1]))
text = open("/proc/net/bonding/bond1").read()
for block in text.split("\nSlave Interface: ")[1:]:
    name = block.split("\n", 1)[0]
    def side(which):
        m = re.search(r"details %s lacp pdu:\n(.*?)\n(?=details|\n|$)" % which, block + "\n", re.S)
        f = dict(l.strip().split(": ", 1) for l in m.group(1).splitlines())
        key = f.get("port key", f.get("oper key"))
        return "%s,%s,%s,%s" % (f["system mac address"], key, f["port number"], f["port state"])
    port = team["ports"].get("p" + name)
    if port is None:
        continue
    r = port["runner"]
    def t(info):
        return "%s,%s,%s,%s" % (info["system"], info["key"], info["port"], info["state"])
    print("%s ours: %s | %s  teamd: %s | %s" % (name, side("actor"), side("partner"),
                                              t(r["partner_lacpdu_info"]), t(r["actor_lacpdu_info"])))
PY
}

# assert_views_agree <team>: teamd's partner is our actor and its actor our
# partner, on every port (retried: an LACPDU may be in flight).
assert_views_agree() {
	local v i bad
	for i in $(seq 20); do
		v=$(ports_view "$1")
		bad=$(awk '{ split($0, a, "teamd: "); split(a[1], o, "ours: "); gsub(/ +$/, "", o[2]); if (o[2] != a[2]) print }' <<<"$v")
		[ -z "$bad" ] && [ -n "$v" ] && return 0
		sleep 0.5
	done
	echo "$v" >&2
	fail "teamd and /proc disagree on: $bad"
}

# udp_flows <count> <per flow> [dst]: datagrams from <count> source ports.
udp_flows() {
	python3 - "$1" "$2" "${3:-192.0.2.2}" <<'PY'
import socket, sys
n, per, dst = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("192.0.2.1", 40000 + i))
    for _ in range(per):
        s.sendto(b"x" * 18, (dst, 9))
    s.close()
PY
}

tx_of() {
	local i out=()
	for i in "$@"; do out+=("$(stat_of veth$i tx_packets)"); done
	echo "${out[@]}"
}

test_an_aggregator_forms_with_teamd_and_both_sides_agree() {
	lacp_partner team0 0 3
	lacp_bond ours 3 lacp_rate fast
	wait_aggregated 3 02:00:00:00:00:02
	assert_eq "$(proc_field 'LACP rate')" fast "lacp_rate"
	assert_eq "$(proc_field 'Actor Key')" 15 "10 Gb/s full duplex key"
	assert_eq "$(proc_field 'System MAC address')" "$(mac_of bond1)" "system is the bond's MAC"
	assert_views_agree team0
	# teamd selected every port for its own aggregator.
	local sel
	sel=$(python3 -c 'import json; d = json.load(open("/tmp/teamd-state.json")); print(sorted(p for p, v in d["ports"].items() if v["runner"]["selected"]))')
	assert_eq "$sel" "['pveth0', 'pveth1', 'pveth2']" "teamd's selected ports"
	assert_eq "$(cat /sys/class/net/bond1/carrier)" 1 "carrier"
	# Slow-protocol frames stay in the bond: in 3 s (9 LACPDUs from
	# teamd), none reaches a packet socket on the bond, while one on a
	# slave sees them.
	assert_eq "$(slow_frames_seen bond1)" 0 "LACPDUs delivered up the bond"
	[ "$(slow_frames_seen veth0)" -ge 1 ] || fail "no LACPDU seen on veth0"
}

# slow_frames_seen <dev>: slow-protocol frames a packet socket on <dev>
# receives in 3 s.
slow_frames_seen() {
	python3 - "$1" <<'PY'
import socket, sys, time
# ETH_P_ALL: taps see a slave's frames before its rx handler takes them.
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((sys.argv[1], 0))
s.settimeout(0.2)
n, end = 0, time.time() + 3
while time.time() < end:
    try:
        f, addr = s.recvfrom(2048)
    except socket.timeout:
        continue
    if f[12:14] == b"\x88\x09":
        n += 1
        print(sys.argv[1], addr[2], f[:24].hex(), file=sys.stderr)
print(n)
PY
}

test_traffic_of_64_flows_spreads_over_every_port() {
	lacp_partner team0 0 3
	lacp_bond ours 3 lacp_rate fast xmit_hash_policy layer3+4
	wait_aggregated 3 02:00:00:00:00:02
	ip neigh replace 192.0.2.2 lladdr 02:00:00:00:00:02 dev bond1 nud permanent
	local before after d x
	before=$(tx_of 0 1 2)
	udp_flows 64 20
	after=$(tx_of 0 1 2)
	read -ra b <<<"$before"
	read -ra a <<<"$after"
	d=()
	for x in 0 1 2; do d+=($((a[x] - b[x]))); done
	echo "per port: ${d[*]}"
	# 1280 datagrams; a fair hash gives each port about 427.
	for x in "${d[@]}"; do
		[ "$x" -ge 200 ] || fail "a port carried only $x of 1280 datagrams: ${d[*]}"
	done
	[ $((d[0] + d[1] + d[2])) -ge 1280 ] || fail "datagrams lost: ${d[*]}"
	# The partner received them on its team device.
	local rx
	rx=$(ip netns exec peer cat /sys/class/net/team0/statistics/rx_packets)
	[ "$rx" -ge 1280 ] || fail "team0 received $rx"
}

test_a_port_whose_partner_goes_down_leaves_and_traffic_moves() {
	lacp_partner team0 0 3
	lacp_bond ours 3 lacp_rate fast xmit_hash_policy layer3+4
	wait_aggregated 3 02:00:00:00:00:02
	ip neigh replace 192.0.2.2 lladdr 02:00:00:00:00:02 dev bond1 nud permanent
	ip -n peer link set pveth1 down
	wait_aggregated 2 02:00:00:00:00:02 10
	assert_eq "$(distributing)" "veth0 veth2" "distributing ports"
	local b a
	b=$(tx_of 1)
	udp_flows 64 10
	a=$(tx_of 1)
	assert_eq "$a" "$b" "nothing sent through the port that left"
	ping -c 3 -i 0.2 -W 2 192.0.2.2 >/dev/null || fail "no ping over the remaining ports"
	ip -n peer link set pveth1 up
	wait_aggregated 3 02:00:00:00:00:02 20
}

# expiry_after_partner_stops <rate>: seconds from teamd's freeze until one
# of our ports has the EXPIRED bit in its actor state (polled every 50 ms
# in one process: a Python start costs over a second in the guest).
expiry_after_partner_stops() {
	lacp_partner team0 0 2
	lacp_bond ours 2 lacp_rate "$1"
	wait_aggregated 2 02:00:00:00:00:02
	local t
	t=$(python3 - "$(cat /run/teamd/team0.pid)" <<'PY'
import os, re, signal, sys, time
pid = int(sys.argv[1])
os.kill(pid, signal.SIGSTOP)
start = time.monotonic()
while time.monotonic() - start < 200:
    t = open("/proc/net/bonding/bond1").read()
    s = [int(x) for x in re.findall(r"details actor lacp pdu:.*?port state: (\d+)", t, re.S)]
    if any(x & 0x80 for x in s):
        print("%.2f" % (time.monotonic() - start))
        break
    time.sleep(0.05)
else:
    print("never")
PY
)
	[ "$t" != never ] || fail "no port expired after 200 s"
	# Transmission through the expired ports stops with it.
	local i
	for i in $(seq 10); do [ -z "$(distributing)" ] && break; sleep 0.1; done
	[ -z "$(distributing)" ] || fail "still distributing: $(distributing)"
	kill -CONT "$(cat /run/teamd/team0.pid)"
	echo "$t"
}

test_a_silent_partner_expires_in_about_3_s_with_lacp_rate_fast() {
	local t
	t=$(expiry_after_partner_stops fast | tail -n1)
	echo "expired after ${t}s"
	# The last LACPDU came up to 1 s before the freeze: 2 to 3 s, plus the
	# 100 ms tick; a loaded machine only makes it later.
	[ "$(echo "$t >= 1.8 && $t <= 4.5" | bc)" = 1 ] || fail "expired after ${t}s, want about 3"
}

test_a_silent_partner_expires_in_about_90_s_with_lacp_rate_slow() {
	local t
	t=$(expiry_after_partner_stops slow | tail -n1)
	echo "expired after ${t}s"
	# LACPDUs every 30 s, a timeout of 900 ticks: 60 to 90 s after the
	# freeze, plus the ticks' drift (a 100 ms tick is rearmed after it ran,
	# as the C driver's; under TCG 900 of them last up to ~94 s on an idle
	# machine, and 103 s were seen with three guests on two cores). The
	# lower bound is the point (never early); the upper one only has to
	# tell the slow timeout from none, with room for a loaded machine.
	[ "$(echo "$t >= 59 && $t <= 150" | bc)" = 1 ] || fail "expired after ${t}s, want 60 to 90 (+ drift)"
}

test_lacp_active_off_on_our_side_forms_driven_by_the_partner() {
	lacp_partner team0 0 2
	lacp_bond ours 2 lacp_rate fast lacp_active off
	assert_eq "$(proc_field 'LACP active')" off "lacp_active"
	wait_aggregated 2 02:00:00:00:00:02
	assert_views_agree team0
	local st
	st=$(awk '/details actor lacp pdu/ { a = 1 } a && /port state/ { print $3; exit }' /proc/net/bonding/bond1)
	[ $((st & 1)) -eq 0 ] || fail "actor state $st claims LACP activity"
}

# passive_samples <driver>: against a passive teamd, with lacp_active off,
# how many of 12 samples (every 0.5 s, from 5 s after the bond came up)
# find a port distributing with teamd as partner.
passive_samples() {
	lacp_partner team0 0 2 02:00:00:00:00:02 false
	lacp_bond "$1" 2 lacp_rate fast lacp_active off
	sleep 5
	python3 - <<'PY'
import re, time
n = 0
for _ in range(12):
    t = open("/proc/net/bonding/bond1").read()
    states = [int(x) for x in re.findall(r"details actor lacp pdu:.*?port state: (\d+)", t, re.S)]
    if "Partner Mac Address: 02:00:00:00:00:02" in t and any(x & 0x30 == 0x30 for x in states):
        n += 1
    time.sleep(0.5)
print(n)
PY
	lacp_teardown
}

test_lacp_active_off_on_both_sides_behaves_as_the_c_driver() {
	local c ours
	c=$(passive_samples c | tail -n1)
	ours=$(passive_samples ours | tail -n1)
	echo "distributing in C: $c/12, ours: $ours/12"
	# Passive ports still answer state changes (the C driver's transmit
	# machine sends on NTT whatever the activity), and teamd answers
	# them: the C driver aggregates, and holds, and so must we.
	assert_eq "$ours" "$c" "samples distributing"
	assert_eq "$ours" 12 "samples distributing"
}

# lacp_teardown: partner, namespace, bond and module gone.
lacp_teardown() {
	# Not waited for: the guest's init reaps no orphans (a zombie teamd
	# stays visible to pgrep); the pid files go, so the next one starts.
	pkill -KILL -x teamd && sleep 0.2
	rm -rf /run/teamd
	ip netns del peer 2>/dev/null || true
	ip link del bond1 2>/dev/null || true
	unload_any_bonding
}

# proc_masked: /proc/net/bonding/bond1 without the version line, with MACs
# masked (they are random per run).
# Aggregator IDs are named by order of appearance: which ID the ports end
# on depends, in both drivers, on whether a port selected before the
# partner's first LACPDU arrived (it then takes an aggregator of its own
# first, and the group forms on the next free one).
proc_masked() {
	grep -v '^Ethernet Channel Bonding Driver' /proc/net/bonding/bond1 | sed -E 's/([0-9a-f]{2}:){5}[0-9a-f]{2}/MAC/g' |
		awk '/Aggregator ID: [0-9]+$/ { id = $NF; if (!(id in name)) name[id] = "A" (++n); sub(/[0-9]+$/, name[id]) } { print }'
}

test_the_c_driver_against_the_same_partner_ends_the_same() {
	local drv out_c out_ours
	for drv in c ours; do
		lacp_partner team0 0 3
		lacp_bond $drv 3 lacp_rate fast
		wait_aggregated 3 02:00:00:00:00:02
		assert_views_agree team0
		if [ $drv = c ]; then out_c=$(proc_masked); else out_ours=$(proc_masked); fi
		lacp_teardown
	done
	echo "$out_ours"
	assert_same_as_c "/proc/net/bonding/bond1 in 802.3ad" "$out_c" "$out_ours"
}

test_two_bonds_of_this_driver_aggregate_across_namespaces() {
	load_bonding max_bonds=0
	ip netns add peer
	ip netns exec peer sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n peer link add bond2 address 02:00:00:00:00:02 type bond mode 802.3ad miimon 100 lacp_rate fast
	local i
	for i in 0 1; do
		ip link add veth$i type veth peer name pveth$i netns peer
		ip -n peer link set pveth$i master bond2
	done
	ip -n peer link set bond2 up
	ip -n peer addr add 192.0.2.2/24 dev bond2
	ip link add bond1 type bond mode 802.3ad miimon 100 lacp_rate fast
	for i in 0 1; do ip link set veth$i master bond1; done
	bond_up bond1
	wait_aggregated 2 02:00:00:00:00:02
	local peer
	peer=$(ip netns exec peer cat /proc/net/bonding/bond2)
	assert_match "$peer" "Number of ports: 2" "the peer bond's aggregator"
	assert_match "$peer" "Partner Mac Address: $(mac_of bond1)" "the peer bond's partner"
	ping -c 3 -i 0.2 -W 2 192.0.2.2 >/dev/null || fail "no ping between the two bonds"
}

test_min_links_turns_the_carrier_off_and_on_again() {
	lacp_partner team0 0 3
	lacp_bond ours 3 lacp_rate fast min_links 3
	wait_aggregated 3 02:00:00:00:00:02
	assert_eq "$(proc_field 'Min links')" 3 "min_links"
	assert_eq "$(cat /sys/class/net/bond1/carrier)" 1 "carrier with 3 of 3"
	ip -n peer link set pveth2 down
	local i
	for i in $(seq 100); do [ "$(cat /sys/class/net/bond1/carrier)" = 0 ] && break; sleep 0.1; done
	assert_eq "$(cat /sys/class/net/bond1/carrier)" 0 "carrier with 2 of 3"
	ip link set bond1 type bond min_links 2
	for i in $(seq 50); do [ "$(cat /sys/class/net/bond1/carrier)" = 1 ] && break; sleep 0.1; done
	assert_eq "$(cat /sys/class/net/bond1/carrier)" 1 "carrier with 2 of 3 and min_links 2"
	ip link set bond1 type bond min_links 3
	ip -n peer link set pveth2 up
	wait_aggregated 3 02:00:00:00:00:02 20
	assert_eq "$(cat /sys/class/net/bond1/carrier)" 1 "carrier with 3 of 3 again"
}

# two_partner_choice <driver> <ad_select>: team0 (one port) aggregates
# first; then team1 (two ports, another system) comes up. Prints the active
# aggregator's partner and ports, and how many aggregators our ports are
# spread over. (Partners that come up together race: which aggregator
# forms first is timing, in the C driver as here.)
two_partner_choice() {
	lacp_partner team0 0 1 02:00:00:00:00:02
	lacp_partner team1 1 2 02:00:00:00:00:03
	ip -n peer link set pveth1 down
	ip -n peer link set pveth2 down
	lacp_bond "$1" 3 lacp_rate fast ad_select "$2"
	wait_aggregated 1 02:00:00:00:00:02
	ip -n peer link set pveth1 up
	ip -n peer link set pveth2 up
	# Both partners heard, and every port of the active aggregator
	# distributes (whichever it is), then 3 s to settle.
	python3 - <<'PY'
import re, time
end = time.monotonic() + 30
while time.monotonic() < end:
    t = open("/proc/net/bonding/bond1").read()
    partners = set(re.findall(r"details partner lacp pdu:\n.*?system mac address: (\S+)", t, re.S))
    m = re.search(r"Number of ports: (\d+)", t)
    states = [int(x) for x in re.findall(r"details actor lacp pdu:.*?port state: (\d+)", t, re.S)]
    if {"02:00:00:00:00:02", "02:00:00:00:00:03"} <= partners and m and \
            sum(1 for x in states if x & 0x30 == 0x30) == int(m.group(1)):
        break
    time.sleep(0.1)
PY
	sleep 3
	echo "$(proc_field 'Partner Mac Address') $(proc_field 'Number of ports')" \
		"$(grep '^Aggregator ID' /proc/net/bonding/bond1 | sort -u | wc -l)"
	lacp_teardown
}

test_ad_select_picks_the_aggregator_the_c_driver_picks() {
	local sel c ours
	# bandwidth with equal speeds decides as count does here; its own
	# arithmetic is host-tested (bond_3ad.rs).
	# stable's choice is asserted outright (the first aggregator stays);
	# count's against the C driver's.
	for sel in stable count; do
		ours=$(two_partner_choice ours $sel | tail -n1)
		if [ $sel = stable ]; then
			echo "$sel: ours '$ours'"
			assert_match "$ours" "^02:00:00:00:00:02 1 " "stable keeps the first aggregator"
		else
			c=$(two_partner_choice c $sel | tail -n1)
			echo "$sel: C '$c', ours '$ours'"
			assert_same_as_c "ad_select $sel" "$c" "$ours"
		fi
		assert_match "$ours" " 2$" "two aggregators for two partners ($sel)"
	done
	# stable keeps the aggregator that formed first; with more ports behind
	# team1, count (the last one run) moves to it.
	assert_match "$ours" "^02:00:00:00:00:03 2 " "count picks the bigger aggregator"
}

# lacp_views: what user space reads of bond1 and its slaves besides /proc:
# the bonding/ and bonding_slave/ files, `ip -d link`, MACs and ifindexes
# masked.
lacp_views() {
	local f d
	for f in /sys/class/net/bond1/bonding/*; do
		echo "${f##*/}: $(cat "$f" 2>&1)"
	done
	for d in veth0 veth1 veth2; do
		for f in /sys/class/net/$d/bonding_slave/*; do
			echo "$d ${f##*/}: $(cat "$f" 2>&1)"
		done
		ip -d link show $d | tail -n +2
	done
	ip -d link show bond1 | tail -n +2
} 

test_sysfs_and_netlink_show_what_the_c_driver_shows() {
	local drv out_c out_ours x
	for drv in c ours; do
		lacp_partner team0 0 3
		lacp_bond $drv 3 lacp_rate fast ad_actor_sys_prio 100 ad_user_port_key 5 ad_actor_system 02:00:00:00:00:aa
		wait_aggregated 3 02:00:00:00:00:02
		assert_views_agree team0
		x=$(lacp_views | sed -E 's/([0-9a-f]{2}:){5}[0-9a-f]{2}/MAC/g; s/ (ifindex|link-netnsid) [0-9]+//g')
		# Which port's aggregator the three join is the port that
		# hears the partner first: timing, in the C driver as here.
		# Every view must name the same one; the number is masked.
		assert_eq "$(grep -oE 'ad_aggregator(_id)?:? [0-9]+' <<<"$x" | awk '{print $NF}' | sort -u | wc -l)" 1 \
			"$drv: one aggregator id in every view"
		x=$(sed -E 's/(ad_aggregator(_id)?:?) [0-9]+/\1 N/g' <<<"$x")
		if [ $drv = c ]; then out_c=$x; else out_ours=$x; fi
		lacp_teardown
	done
	echo "$out_ours"
	assert_match "$out_ours" "ad_actor_key: 335" "key with user bits (5 << 6 | 15)"
	assert_match "$out_ours" "ad_actor_sys_prio 100" "netlink's ad_actor_sys_prio"
	assert_same_as_c "sysfs and ip -d link in 802.3ad" "$out_c" "$out_ours"
}

XSTATS=$RBOND_TOP/tests/vm/xstats.py

# xstats_after_aggregating <driver>: the LACPDU counters of bond1 and its
# two slaves (RTM_GETSTATS), with markers and a short frame sent from the
# partner's side first.
xstats_after_aggregating() {
	lacp_partner team0 0 2
	lacp_bond "$1" 2 lacp_rate fast
	wait_aggregated 2 02:00:00:00:00:02
	# From the peer: a marker information PDU, an unknown marker type, a
	# slow-protocol frame of an unknown subtype and a short LACPDU, on
	# pveth0 (so received on veth0).
	ip netns exec peer python3 - <<'PY'
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("pveth0", 0))
hdr = bytes.fromhex("0180c2000002" "020000000002" "8809")
marker = bytearray(110)
marker[:16] = bytes.fromhex("02010110" "0003" "020000000002" "0000002a")
s.send(hdr + bytes(marker))
marker[2] = 9
s.send(hdr + bytes(marker))
s.send(hdr + bytes([7]) + bytes(109))
s.send(hdr + bytes([1, 1]) + bytes(40))
PY
	sleep 1
	python3 "$XSTATS" bond1 veth0:slave veth1:slave
	lacp_teardown
}

test_lacpdu_and_marker_counters_in_xstats_as_the_c_driver_counts() {
	local c ours
	c=$(xstats_after_aggregating c | grep -E '^(bond1|veth[01]):')
	ours=$(xstats_after_aggregating ours | grep -E '^(bond1|veth[01]):')
	echo "C: $c"
	echo "ours: $ours"
	# LACPDU counts depend on timing; what the injected frames did must
	# not: compare everything else exactly.
	local mask='s/lacpdu_(rx|tx) [0-9]+/lacpdu_\1 N/g'
	assert_same_as_c "xstats" "$(sed -E "$mask" <<<"$c")" "$(sed -E "$mask" <<<"$ours")"
	assert_match "$ours" "^bond1: lacpdu_rx [1-9][0-9]* lacpdu_tx [1-9][0-9]* lacpdu_unknown_rx 1 lacpdu_illegal_rx 1 marker_rx 1 marker_tx 0 marker_resp_rx 0 marker_resp_tx 1 marker_unknown_rx 1" "bond counters"
	python3 - "$ours" <<'PY'
import re, sys
c = {name: {k: int(v) for k, v in re.findall(r"(\w+) (\d+)", rest)}
     for name, rest in re.findall(r"^(\w+): (.*)$", sys.argv[1], re.M)}
for k in ("lacpdu_rx", "lacpdu_tx"):
    assert abs(c["bond1"][k] - c["veth0"][k] - c["veth1"][k]) <= 1, (k, c)
PY
}

# set_actor_port_prio <dev> <prio>: IFLA_BOND_SLAVE_ACTOR_PORT_PRIO by hand
# (iproute2 6.1 does not know it); prints "<errno> <extack message>".
set_actor_port_prio() {
	python3 - "$1" "$2" <<'PY'
import socket, struct, sys
def attr(t, payload):
    a = struct.pack("HH", 4 + len(payload), t) + payload
    return a + bytes(-len(a) % 4)
dev, prio = sys.argv[1], int(sys.argv[2])
data = attr(10, struct.pack("H", prio))                  # IFLA_BOND_SLAVE_ACTOR_PORT_PRIO
info = attr(4, b"bond\0") + attr(5 | 0x8000, data)      # IFLA_INFO_SLAVE_KIND, _DATA
body = struct.pack("BBHiII", 0, 0, 0, socket.if_nametoindex(dev), 0, 0) + attr(18 | 0x8000, info)
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.setsockopt(270, 11, 1)   # NETLINK_EXT_ACK
s.setsockopt(270, 10, 1)   # NETLINK_CAP_ACK
s.send(struct.pack("IHHII", 16 + len(body), 16, 1 | 4, 1, 0) + body)
m = s.recv(65536)
err = -struct.unpack_from("i", m, 16)[0]
msg, off = "", 36
while off + 4 <= len(m):
    l, t = struct.unpack_from("HH", m, off)
    if l < 4:
        break
    if t == 1:
        msg = m[off + 4:off + l].rstrip(b"\0").decode()
    off += (l + 3) & ~3
print(err, msg)
PY
}

test_module_parameters_ifenslave_and_actor_port_prio() {
	lacp_partner team0 0 2
	# The classic way: module parameters, bonding_masters, ifenslave.
	load_bonding max_bonds=0 mode=802.3ad miimon=100 lacp_rate=fast ad_select=count min_links=2
	echo +bond1 >/sys/class/net/bonding_masters
	bond_up bond1
	"$IFENSLAVE" bond1 veth0 veth1
	assert_eq "$(proc_field 'LACP rate')" fast "lacp_rate from the module"
	assert_eq "$(proc_field 'Aggregator selection policy (ad_select)')" count "ad_select from the module"
	assert_eq "$(proc_field 'Min links')" 2 "min_links from the module"
	wait_aggregated 2 02:00:00:00:00:02
	assert_eq "$(set_actor_port_prio veth1 100)" "0 " "setting actor_port_prio"
	# teamd hears it in the next LACPDU.
	local i prio
	for i in $(seq 30); do
		ip netns exec peer teamdctl team0 state dump >/tmp/teamd-state.json
		prio=$(python3 -c 'import json; print(json.load(open("/tmp/teamd-state.json"))["ports"]["pveth1"]["runner"]["partner_lacpdu_info"]["port_priority"])')
		[ "$prio" = 100 ] && break
		sleep 0.3
	done
	assert_eq "$prio" 100 "the partner's view of the port priority"
	# Outside 802.3ad the option is refused, as the C driver does.
	ip link add bond2 type bond mode balance-rr
	ip link add veth9 type veth peer name pveth9
	ip link set veth9 master bond2
	assert_eq "$(set_actor_port_prio veth9 5)" "13 option not supported in mode" "the refusal"
	assert_klog "option actor_port_prio: mode dependency failed, not supported in mode balance-rr\(0\)"
}

# set_coupled_control <bond> <0|1>: IFLA_BOND_COUPLED_CONTROL by hand
# (iproute2 6.1 does not know it); prints the errno, 0 for success.
set_coupled_control() {
	PYTHONPATH=$RBOND_TOP/tests/vm python3 - "$1" "$2" <<'PY'
import struct, sys
import rbnl
from rbnl import attr
nl = rbnl.Rtnl()
print(nl.changelink(rbnl.ifindex(sys.argv[1]), "bond", attr(32, struct.pack("B", int(sys.argv[2])))))
PY
}

# coupled_control_bond <ours|c>: bond1 in 802.3ad with coupled_control 0
# (set while it is down) against teamd: which ports end distributing,
# whether it carries traffic, and the refusal of a change while up.
coupled_control_bond() {
	local drv=$1 i
	lacp_partner team0 0 2
	load_driver "$drv" max_bonds=0
	ip link add bond1 type bond mode 802.3ad miimon 100 lacp_rate fast
	echo "coupled_control 0: errno $(set_coupled_control bond1 0)"
	for i in 0 1; do ip link set veth$i master bond1; done
	bond_up bond1
	wait_aggregated 2 02:00:00:00:00:02
	echo "distributing: $(distributing)"
	ping -c 3 -i 0.2 -W 2 192.0.2.2 >/dev/null && echo "ping ok" || echo "no ping"
	echo "while up: errno $(set_coupled_control bond1 1)"
	lacp_teardown
}

test_coupled_control_off_aggregates_with_teamd_as_the_c_driver() {
	side_by_side "coupled_control 0 against teamd" coupled_control_bond
	assert_match "$OURS_OUT" "distributing: veth0 veth1" "both ports distribute"
	assert_match "$OURS_OUT" "ping ok" "traffic over the aggregation"
}
