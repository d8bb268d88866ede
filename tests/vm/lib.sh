# Helpers for the VM tests; sourced by guest-runner.sh inside the guest.
# shellcheck shell=bash

: "${RBOND_TOP:?}" "${RBOND_KDIR:?}"
RBOND_KO=$RBOND_TOP/bonding.ko
C_BONDING_KO=$RBOND_KDIR/drivers/net/bonding/bonding.ko
IFENSLAVE=$RBOND_TOP/target/x86_64-unknown-linux-gnu/release/ifenslave

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# assert_eq <got> <want> <what>
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

# assert_match <text> <extended regex> <what>
assert_match() {
	grep -Eq -- "$2" <<<"$1" || fail "$3: '$2' not found in: $1"
}

assert_no_match() {
	! grep -Eq -- "$2" <<<"$1" || fail "$3: '$2' unexpectedly found in: $1"
}

# The kernel log since the test started (the runner clears it before).
klog() {
	dmesg --notime 2>/dev/null || dmesg
}

assert_klog() {
	# Not `klog | grep -q`: grep exiting at the first match would kill
	# dmesg with SIGPIPE, which pipefail turns into a failure.
	local log
	log=$(klog)
	grep -Eq -- "$1" <<<"$log" || fail "kernel log lacks '$1'"
}

# load_bonding [params...]: our module, by path (never by name: a plain
# `modprobe bonding` could pick the C driver if one were installed).
load_bonding() {
	unload_any_bonding
	insmod "$RBOND_KO" "$@" || fail "insmod bonding.ko $* failed"
}

# The C driver built in the same kernel, for side-by-side comparisons.
load_c_bonding() {
	unload_any_bonding
	insmod "$C_BONDING_KO" "$@" || fail "insmod C bonding.ko $* failed"
}

# load_driver <c|ours> [params]: the C driver of the test kernel or this
# one, for the tests that run a scenario against both.
load_driver() {
	local drv=$1
	shift
	if [ "$drv" = c ]; then load_c_bonding "$@"; else load_bonding "$@"; fi
}

unload_any_bonding() {
	if [ -d /sys/module/bonding ]; then
		rmmod bonding || fail "rmmod bonding failed"
	fi
}

# Whether the loaded bonding module is ours (an out-of-tree module taints
# the kernel with O; the in-tree C driver does not).
loaded_bonding_is_ours() {
	grep -q O /sys/module/bonding/taint
}

# try_insmod <ko> [params...]: prints the errno of finit_module (0 on success)
# so that tests can assert the exact error, which insmod(8) only paraphrases.
try_insmod() {
	local ko=$1
	shift
	python3 - "$ko" "$*" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(sys.argv[1], os.O_RDONLY)
SYS_finit_module = 313
r = libc.syscall(SYS_finit_module, fd, sys.argv[2].encode(), 0)
print(0 if r == 0 else ctypes.get_errno())
PY
}

# Names of the bonding masters: devices whose flags include IFF_MASTER
# (0x400) and that have a /proc/net/bonding file.
bond_names() {
	local d
	for d in /sys/class/net/*; do
		d=${d##*/}
		[ -e "/proc/net/bonding/$d" ] && echo "$d"
	done
	return 0
}

dev_flags() {
	printf '%d' "$(cat "/sys/class/net/$1/flags")"
}

# kmemleak_check: fails with the report if kmemleak finds a leak. Objects
# must be older than 5 s before kmemleak reports them, hence the wait.
kmemleak_check() {
	local f=/sys/kernel/debug/kmemleak
	[ -w $f ] || fail "kmemleak is not available"
	sleep 6
	echo scan >$f
	echo scan >$f
	local report
	report=$(cat $f)
	if [ -n "$report" ]; then
		echo "$report" >&2
		echo clear >$f
		fail "kmemleak found unreferenced objects"
	fi
}

BONDCTL=$RBOND_TOP/tests/vm/bondctl.py

# make_peer [n]: a network namespace "peer" with a bridge br0 at
# 192.0.2.2/24 and n veth pairs: vethI (down, in this namespace, to be
# enslaved) and pvethI (a port of br0). IPv6 is off in the peer so that
# packet counts are not disturbed by neighbour discovery.
make_peer() {
	local n=${1:-2} i
	ip netns add peer
	ip netns exec peer sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	# A fixed MAC: a bridge otherwise takes its lowest port's, and changes
	# it when that port goes away.
	ip -n peer link add br0 address 02:00:00:00:00:02 type bridge
	for i in $(seq 0 $((n - 1))); do
		ip link add veth$i type veth peer name pveth$i netns peer
		ip -n peer link set pveth$i master br0
		ip -n peer link set pveth$i up
	done
	ip -n peer link set br0 up
	ip -n peer addr add 192.0.2.2/24 dev br0
}

# bond_up [bond]: up, with 192.0.2.1/24 and without IPv6 chatter.
bond_up() {
	local b=${1:-bond0}
	sysctl -qw net.ipv6.conf.$b.disable_ipv6=1
	ip link set "$b" up
	ip addr add 192.0.2.1/24 dev "$b"
}

mac_of() { cat "/sys/class/net/$1/address"; }
mtu_of() { cat "/sys/class/net/$1/mtu"; }
stat_of() { cat "/sys/class/net/$1/statistics/$2"; }

# The interface with MAC address $1 (the VM's e1000 and virtio NICs).
dev_with_mac() {
	local d
	for d in /sys/class/net/*/; do
		d=${d%/}
		[ "$(cat "$d/address" 2>/dev/null)" = "$1" ] && { echo "${d##*/}"; return 0; }
	done
	fail "no interface with MAC $1"
}

# What a refused operation must leave alone: flags, MTU, MAC and master.
dev_state() {
	echo "$(dev_flags "$1") $(mtu_of "$1") $(mac_of "$1") $(readlink "/sys/class/net/$1/master" || true)"
}

# IPv4 packets the stack of this namespace received (Ip: InReceives): what
# the bond actually delivered up, unlike its rx counters, which sum every
# slave's, backups included (as the C driver's do).
ip_in_receives() {
	awk '/^Ip: [0-9]/ { print $4 }' /proc/net/snmp
}

# qemu_set_link <nic id> on|off: cuts or restores a QEMU NIC's link from the
# host side (the "switch"), through tests/qmp-agent.py on the host.
qemu_set_link() {
	local id=$RANDOM$RANDOM dir=$OUT/qmp i
	mkdir -p "$dir"
	echo "set_link $1 $2" >"$dir/tmp-req-$id"
	mv "$dir/tmp-req-$id" "$dir/req-$id"
	for i in $(seq 500); do
		if [ -f "$dir/resp-$id" ]; then
			local r
			r=$(cat "$dir/resp-$id")
			rm -f "$dir/resp-$id"
			[ "$r" = ok ] || fail "QMP set_link $1 $2: $r"
			return 0
		fi
		sleep 0.02
	done
	fail "no answer from the QMP agent"
}

# qemu_nics: sets E1000 and VIRTIO, the VM's two NICs on the QEMU hub,
# with IPv6 off on both, so that they send nothing of their own (router
# solicitations, MLD reports) beside the bond's traffic.
qemu_nics() {
	E1000=$(dev_with_mac 52:54:00:00:01:01)
	VIRTIO=$(dev_with_mac 52:54:00:00:02:01)
	sysctl -qw "net.ipv6.conf.$E1000.disable_ipv6=1" "net.ipv6.conf.$VIRTIO.disable_ipv6=1"
}

# enslave_qemu_nics: bond0 up at 10.0.2.15/24 (the QEMU user network) with
# the VM's e1000 and virtio-net NICs, named in $E1000 and $VIRTIO.
enslave_qemu_nics() {
	qemu_nics
	sysctl -qw net.ipv6.conf.bond0.disable_ipv6=1
	ip link set bond0 up
	ip addr add 10.0.2.15/24 dev bond0
	"$IFENSLAVE" bond0 "$E1000" "$VIRTIO"
}

# wait_both_nics_up: the e1000 negotiates its link a few seconds after it
# opens; until both slaves show MII Status up, which one is active depends
# on timing.
wait_both_nics_up() {
	local i
	for i in $(seq 300); do
		[ "$(grep -A1 -E "^Slave Interface: ($E1000|$VIRTIO)$" /proc/net/bonding/bond0 | grep -c "MII Status: up")" = 2 ] && return 0
		sleep 0.05
	done
	fail "the QEMU NICs did not both come up in the bond"
}

# hub_peer [ip/len]: the VM's third NIC (on the QEMU hub with the e1000 and
# the virtio-net) in a namespace "hubpeer", up at 10.0.2.99/24 by default;
# its name there is hp0.
hub_peer() {
	local nic i
	# A namespace deleted by an earlier test gives the NIC back to this
	# one from a work item: wait for it.
	for i in $(seq 200); do
		nic=$(dev_with_mac 52:54:00:00:03:01 2>/dev/null) && break
		sleep 0.05
	done
	[ -n "$nic" ] || fail "the hub peer NIC (52:54:00:00:03:01) never came back"
	ip netns add hubpeer
	ip link set "$nic" netns hubpeer name hp0
	ip netns exec hubpeer sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n hubpeer link set lo up
	ip -n hubpeer link set hp0 up
	ip -n hubpeer addr add "${1:-10.0.2.99/24}" dev hp0
}

# module_fn_range <module> <symbol substring>: the start and end address
# (hex) of a function of a loaded module, from /proc/kallsyms (the end is
# the next symbol of that module).
module_fn_range() {
	local syms
	syms=$(awk -v m="[$1]" '$4 == m { print $1, $3 }' /proc/kallsyms | sort)
	awk -v f="$2" '
		found && !done { print start, "0x" $1; done = 1 }
		!found && index($2, f) { start = "0x" $1; found = 1 }' <<<"$syms"
}

FAILSLAB=/sys/kernel/debug/failslab

# failslab_arm <start> <end> [times]: the next <times> (1) slab allocations
# made with a return address in [start, end) on the stack fail, whichever
# task makes them (a monitor's work item, say).
failslab_arm() {
	[ -d $FAILSLAB ] || fail "failslab is not available"
	echo N >$FAILSLAB/task-filter
	echo N >$FAILSLAB/ignore-gfp-wait
	echo "$1" >$FAILSLAB/require-start
	echo "$2" >$FAILSLAB/require-end
	echo 1 >$FAILSLAB/interval
	echo 1 >$FAILSLAB/verbose
	echo "${3:-1}" >$FAILSLAB/times
	echo 100 >$FAILSLAB/probability
}

failslab_disarm() {
	echo 0 >$FAILSLAB/probability
	echo 0 >$FAILSLAB/require-start
	echo 0xffffffffffffffff >$FAILSLAB/require-end
}

# Installs the kernel's own C bonding.ko where a distribution has it, then
# ours with `make install`, into the guest's (tmpfs) /lib/modules.
install_both_drivers() {
	local kver mods
	kver=$(uname -r)
	mods=/lib/modules/$kver
	mkdir -p "$mods/kernel/drivers/net/bonding"
	cp "$C_BONDING_KO" "$mods/kernel/drivers/net/bonding/"
	cp "$RBOND_KDIR/modules.builtin" "$RBOND_KDIR/modules.builtin.modinfo" "$mods/"
	depmod "$kver"
	assert_match "$(modprobe -n -v bonding)" "kernel/drivers/net/bonding/bonding.ko" "the C driver alone is found"
	make -s -C "$RBOND_TOP" install >/dev/null
	[ -f "$mods/updates/bonding.ko" ] || fail "make install did not install to updates/"
	[ -x /sbin/ifenslave ] || fail "make install did not install /sbin/ifenslave"
	assert_match "$(modprobe -n -v bonding)" "updates/bonding.ko" "modprobe resolves bonding to ours"
}

# side_by_side <what> <scenario> [args...]: runs `<scenario> c args`, then
# `<scenario> ours args`, prints both transcripts and fails with the diff
# unless they are the same; leaves them in $C_OUT and $OURS_OUT.
side_by_side() {
	local what=$1 scenario=$2
	shift 2
	C_OUT=$("$scenario" c "$@")
	OURS_OUT=$("$scenario" ours "$@")
	printf '%s\nC driver:\n%s\nours:\n%s\n' "$what" "$C_OUT" "$OURS_OUT"
	assert_same_as_c "$what" "$C_OUT" "$OURS_OUT"
}

# assert_same_as_c <what> <C driver's output> <ours>: fails with the diff.
assert_same_as_c() {
	[ "$2" = "$3" ] && return 0
	diff <(echo "$2") <(echo "$3") >&2 || true
	fail "$1 differs from the C driver's"
}

# validate_phases <what> <tc protocol> <flower match> <arp_validate
# values...>: active-backup over veth0 (active) and veth1, with the ARP or
# NS monitor (t-arpmon.sh, t-nsmon.sh). For each value in turn: <what>
# (ARP, ICMPv6) stops reaching veth1's port, where the active slave's
# probes pass the switch to it; a backup that validates, or that counts
# only such frames, goes down while one that counts any frame stays up;
# then <what> reaches it again. Prints veth0's and veth1's MII status after
# each phase.
validate_phases() {
	local what=$1 proto=$2 match=$3 v
	shift 3
	ip netns exec peer tc qdisc add dev pveth1 clsact
	for v in "$@"; do
		ip link set bond0 type bond arp_validate "$v"
		# Settled: veth1 up, or (arp_all_targets all with a dead target) not.
		wait_for 3000 slave_is veth1 up >/dev/null || true
		echo "$v, healthy: $(slave_mii veth0) $(slave_mii veth1)"
		# shellcheck disable=SC2086 # the protocol and match are words
		ip netns exec peer tc filter add dev pveth1 egress $proto pref 1 flower $match skip_hw action drop
		# Down within 3 missed intervals where it goes down; 20 intervals
		# for the others to show that they stay up.
		wait_for 2000 slave_is veth1 down >/dev/null || true
		echo "$v, no $what to veth1: $(slave_mii veth0) $(slave_mii veth1)"
		ip netns exec peer tc filter del dev pveth1 egress pref 1
		wait_for 3000 slave_is veth1 up >/dev/null || true
		echo "$v, $what back: $(slave_mii veth0) $(slave_mii veth1)"
	done
}

# Link monitoring helpers (t-monitor.sh, t-carrier.sh): veth<i>'s peer
# end pveth<i> in namespace "peer" carries veth<i>'s carrier.
peer_link() { ip -n peer link set pveth$1 "$2"; }

ms_now() { date +%s%3N; }

# wait_for <timeout ms> <command...>: polls every 10 ms; prints the ms
# waited, fails (status 1) after the timeout.
wait_for() {
	local limit=$1 start
	shift
	start=$(ms_now)
	until "$@"; do
		[ $(( $(ms_now) - start )) -lt "$limit" ] || return 1
		sleep 0.01
	done
	echo $(( $(ms_now) - start ))
}

# slave_mii <slave>: its "MII Status" in /proc/net/bonding/bond0.
slave_mii() {
	awk -v s="$1" '/^Slave Interface:/ { cur = $3 } cur == s && /^MII Status:/ { print $3; exit }' /proc/net/bonding/bond0
}
slave_is() { [ "$(slave_mii "$1")" = "$2" ]; }
active_is() { grep -q "^Currently Active Slave: $1$" /proc/net/bonding/bond0; }

# klog_ms <regex>: the kernel timestamp, in ms, of the last line matching.
klog_ms() {
	local log
	log=$(dmesg)
	grep -E -- "$1" <<<"$log" | tail -1 | sed -E 's/^\[ *([0-9]+)\.([0-9]{3}).*/\1\2/'
}
