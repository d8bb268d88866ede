# Runs last: what the whole run left behind.
# shellcheck shell=bash

test_whole_run_left_no_leak_and_no_bond() {
	[ ! -d /sys/module/bonding ] || fail "bonding still loaded"
	kmemleak_check
}
