# The classic modprobe configuration (issue 2): `make install` puts our
# module where modprobe prefers it over the kernel's own bonding.ko.
# shellcheck shell=bash

test_modprobe_alias_bond0_loads_ours_with_its_options() {
	install_both_drivers
	cat >/etc/modprobe.d/rbond-bond0.conf <<CONF
alias bond0 bonding
options bond0 mode=1 miimon=100
CONF
	# systemd's /lib/modprobe.d/systemd.conf says max_bonds=0; a later file
	# (by name) restores the classic bond0, as bonding.rst advises.
	echo "options bonding max_bonds=1" >/etc/modprobe.d/zz-rbond-max-bonds.conf
	modprobe bond0
	loaded_bonding_is_ours || fail "modprobe loaded the C driver"
	assert_eq "$(bond_names)" bond0 "bonds"
	assert_match "$(cat /proc/net/bonding/bond0)" "^Bonding Mode: fault-tolerance \(active-backup\)$" "mode from options"
	assert_match "$(cat /proc/net/bonding/bond0)" "^MII Polling Interval \(ms\): 100$" "miimon from options"
	rmmod bonding
	rm -f /etc/modprobe.d/rbond-bond0.conf /etc/modprobe.d/zz-rbond-max-bonds.conf
}

test_ip_link_set_bond0_up_autoloads_the_module() {
	install_both_drivers
	printf 'alias bond0 bonding\noptions bond0 mode=active-backup miimon=100\n' >/etc/modprobe.d/rbond-bond0.conf
	echo "options bonding max_bonds=1" >/etc/modprobe.d/zz-rbond-max-bonds.conf
	[ ! -d /sys/module/bonding ] || fail "already loaded"
	ip link set bond0 up
	loaded_bonding_is_ours || fail "the C driver was autoloaded"
	assert_eq $(( $(dev_flags bond0) & 1 )) 1 "bond0 is up"
	assert_match "$(cat /proc/net/bonding/bond0)" "active-backup" "options applied"
	rmmod bonding
	rm -f /etc/modprobe.d/rbond-bond0.conf /etc/modprobe.d/zz-rbond-max-bonds.conf
}

test_systemd_max_bonds_0_without_override_creates_no_bond() {
	install_both_drivers
	[ -f /lib/modprobe.d/systemd.conf ] || fail "this test expects systemd's modprobe.d file"
	printf 'alias bond0 bonding\noptions bond0 mode=1 miimon=100\n' >/etc/modprobe.d/rbond-bond0.conf
	modprobe bond0
	loaded_bonding_is_ours || fail "the C driver was loaded"
	assert_eq "$(bond_names)" "" "systemd's max_bonds=0 wins without an override"
	rmmod bonding
	rm -f /etc/modprobe.d/rbond-bond0.conf
}
