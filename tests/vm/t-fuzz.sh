# The fuzzer over every input the module accepts (issue 12): tests/vm/fuzz.py,
# seeded and reproducible, with its invariants checked after every batch
# (no splat, /proc, sysfs and rtnetlink agree, released slaves whole, an
# unprivileged caller changes nothing). CI runs a few thousand operations
# of fixed seeds (1 and 2, 1,500 each); RBOND_SOAK=1 runs RBOND_FUZZ_OPS
# (default 200000) of seeds 100 to 109; RBOND_FUZZ_SEED=<n> replays one seed.

FUZZ=$RBOND_TOP/tests/vm/fuzz.py

# fuzz_seed <seed> <ops>: its whole output in $OUT/fuzz-<seed>.log (the
# guest's result directory: still there if the test times out).
fuzz_seed() {
	local log=$OUT/fuzz-$1.log
	python3 "$FUZZ" "$RBOND_KO" "$1" "$2" >"$log" 2>&1 || { tail -n 60 "$log"; fail "fuzz seed $1 failed"; }
	tail -n 20 "$log"
	assert_match "$(cat "$log")" "fuzz: seed $1: [0-9]+ operations" "summary line"
}

# fuzz_seeds <CI seeds> <soak seeds>: each seed's run in turn, with no
# module autoloading meanwhile: every ioctl or request naming a device or
# link kind that does not exist would start modprobe (the core's
# dev_load() and rtnetlink's request_module()), most of a second each
# under TCG. The runner puts the helper back after the test. The seeds
# are split over two tests so that the runner's two guests share them.
fuzz_seeds() {
	echo >/proc/sys/kernel/modprobe
	local seeds=$1 ops=${RBOND_FUZZ_OPS:-1500}
	[ "${RBOND_SOAK:-0}" = 1 ] && { seeds=$2; ops=${RBOND_FUZZ_OPS:-200000}; }
	[ -n "${RBOND_FUZZ_SEED:-}" ] && seeds=$RBOND_FUZZ_SEED
	local s
	for s in $seeds; do fuzz_seed "$s" "$ops"; done
	kmemleak_check
}

test_fuzzer_over_every_input_finds_nothing() {
	fuzz_seeds 1 "$(seq 100 104)"
}

test_fuzzer_over_every_input_second_seeds_find_nothing() {
	# RBOND_FUZZ_SEED replays one seed: the first test alone runs it.
	[ -n "${RBOND_FUZZ_SEED:-}" ] && return 0
	fuzz_seeds 2 "$(seq 105 109)"
}
