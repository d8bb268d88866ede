# Debian's ifupdown with its ifenslave package (issue 10): the hooks drive
# the bond through `ip link add type bond` and sysfs, as on a Debian
# server. The packages (downloaded by scripts/setup.sh) are unpacked in the
# guest, whose /etc and /usr are its own.
# shellcheck shell=bash

ifupdown_install() {
	local d top
	rm -rf /tmp/debroot
	for d in ifupdown ifenslave; do
		ls "$RBOND_DEBS/${d}_"*.deb >/dev/null 2>&1 || fail "no $d package in $RBOND_DEBS (run scripts/setup.sh)"
		dpkg -x "$RBOND_DEBS/${d}_"*.deb /tmp/debroot || fail "unpacking $d"
	done
	# The guest's / is read-only; /etc, /usr (and /sbin, /lib through the
	# merged-/usr links) are writable overlays.
	for top in /tmp/debroot/*; do
		cp -a "$top/." "/${top##*/}/" || fail "installing ${top##*/} from the packages"
	done
	mkdir -p /run/network /etc/network/interfaces.d
	command -v ifup >/dev/null || fail "no ifup after unpacking ifupdown"
}

# ifupdown_run <driver>: ifup bond1 from an interfaces(5) file with the
# bond-* options, prints what the bond looks like, then ifdown bond1 and
# prints what is left.
ifupdown_run() {
	local drv=$1 i
	load_driver "$drv" max_bonds=0
	make_peer 2
	ip link set veth0 address 02:00:00:00:10:00
	ip link set veth1 address 02:00:00:00:10:01
	cat >/etc/network/interfaces <<IFACES
auto bond1
iface bond1 inet static
	address 192.0.2.1/24
	bond-slaves veth0 veth1
	bond-mode active-backup
	bond-miimon 100
	bond-updelay 200
	bond-primary veth1
IFACES
	rm -f /run/network/ifstate*
	ifup bond1 >/tmp/ifup.out 2>&1 || { cat /tmp/ifup.out >&2; fail "$drv: ifup bond1"; }
	for i in $(seq 200); do grep -q "^Currently Active Slave: veth1$" /proc/net/bonding/bond1 2>/dev/null && break; sleep 0.05; done
	echo "slaves: $(cat /sys/class/net/bond1/bonding/slaves)"
	echo "mode: $(cat /sys/class/net/bond1/bonding/mode)"
	echo "miimon: $(cat /sys/class/net/bond1/bonding/miimon) updelay: $(cat /sys/class/net/bond1/bonding/updelay)"
	echo "primary: $(cat /sys/class/net/bond1/bonding/primary) active: $(cat /sys/class/net/bond1/bonding/active_slave)"
	echo "address: $(ip -4 -o addr show dev bond1 | awk '{ print $4 }')"
	ping -c 1 -W 2 192.0.2.2 >/dev/null && echo "ping: ok" || echo "ping: failed"
	ifdown bond1 >/tmp/ifdown.out 2>&1 || { cat /tmp/ifdown.out >&2; fail "$drv: ifdown bond1"; }
	echo "after ifdown: bonds '$(cat /sys/class/net/bonding_masters 2>/dev/null)' veth0 master '$(readlink /sys/class/net/veth0/master || true)'"
	ip link del bond1 2>/dev/null || true
	ip netns del peer
	unload_any_bonding
}

test_debian_ifupdown_brings_a_bond_up_and_down_as_with_the_c_driver() {
	ifupdown_install
	local c ours
	c=$(ifupdown_run c)
	ours=$(ifupdown_run ours)
	echo "$ours"
	assert_same_as_c "the bond ifupdown makes" "$c" "$ours"
	assert_match "$ours" "slaves: veth0 veth1" "both slaves"
	assert_match "$ours" "primary: veth1 active: veth1" "primary and active"
	assert_match "$ours" "ping: ok" "traffic"
}
