#!/usr/bin/env bash
# Runs every test: the fresh-machine dry run, the code gates (format,
# clippy, shape: scripts/check-style.sh), the build, host unit tests
# (cargo test) and the VM tests, after setting up whatever is missing. Ends
# with "N passed, N failed" and exits non-zero when anything failed. A
# failed build ends the run there: the tests must never run against a
# module that make did not just produce.
#
#   scripts/test.sh [--dry-run]   --dry-run: print set-up's plan, change nothing
set -uo pipefail
. "$(dirname "$0")/env.sh"
cd "$RBOND_TOP"

if [ "${1:-}" = --dry-run ]; then
	exec "$RBOND_TOP/scripts/setup.sh" --dry-run
fi

mkdir -p "$RBOND_TOP/tests/out"
passed=0
failed=0
summary() {
	echo "$passed passed, $failed failed"
	[ $failed -eq 0 ]
}

# check <script under tests/> <what it shows>: one PASS/FAIL line, with the
# end of the script's log on failure.
check() {
	local log=$RBOND_TOP/tests/out/${1%.sh}.log
	echo "== $1"
	if "$RBOND_TOP/tests/$1" >"$log" 2>&1; then
		echo "  PASS $2"
		passed=$((passed + 1))
	else
		echo "  FAIL $2:"
		sed 's/^/      | /' "$log" | tail -n 20
		failed=$((failed + 1))
	fi
}

# Before set-up, so that it sees this machine as set-up would see a fresh one.
check fresh-dryrun.sh "fresh-machine set-up plan names every missing piece"

echo "== set-up"
if ! "$RBOND_TOP/scripts/setup.sh"; then
	echo "set-up failed (see above)"
	failed=$((failed + 1))
	summary
	exit 1
fi

# The code gates (scripts/check-style.sh), one result each; a failed gate
# fails the run, and the build and tests still run so that CI shows all.
for gate in format clippy shape; do
	echo "== gate: $gate"
	gate_log=$RBOND_TOP/tests/out/gate-$gate.log
	if "$RBOND_TOP/scripts/check-style.sh" $gate >"$gate_log" 2>&1; then
		echo "  PASS gate $gate"
		passed=$((passed + 1))
	else
		echo "  FAIL gate $gate:"
		tail -n 25 "$gate_log" | sed 's/^/      | /'
		failed=$((failed + 1))
	fi
done
if [ "${RBOND_RUNNER_SELFTEST:-}" = gates ]; then
	echo "runner self-test: stopping after the gates"
	summary
	exit
fi

echo "== build"
build_log=$RBOND_TOP/tests/out/build.log
build_ok=1
make -s modules >"$build_log" 2>&1 || build_ok=0
grep -E '^(error|warning)' "$build_log" | sort | uniq -c | sed 's/^/  /' || true
if [ $build_ok -eq 1 ]; then
	make -s ifenslave >>"$build_log" 2>&1 || build_ok=0
fi
if [ $build_ok -eq 0 ] || [ ! -f bonding.ko ]; then
	echo "  FAIL build: make failed; the tests do not run (last lines of $build_log):"
	tail -n 25 "$build_log" | sed 's/^/      | /'
	failed=$((failed + 1))
	summary
	exit 1
fi
echo "  PASS build (bonding.ko $(stat -c %y bonding.ko | cut -d. -f1), ifenslave)"
passed=$((passed + 1))
if [ -n "${RBOND_RUNNER_SELFTEST:-}" ]; then
	# tests/runner-selftest.sh runs this script on a broken copy of the
	# tree; a build that passed there must not recurse into the suite.
	echo "runner self-test: stopping after the build"
	summary
	exit
fi

echo "== host unit tests (cargo test)"
host_log=$(mktemp)
if cargo test --workspace 2>&1 | tee "$host_log" | grep -E '^test .* (ok|FAILED)$|panicked|^error' | sed 's/^/  /'; then :; fi
read -r hp hf < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } } END { print p+0, f+0 }' "$host_log")
if ! grep -q '^test result:' "$host_log" || grep -q '^error' "$host_log"; then
	echo "  cargo test did not run (build error)"
	hf=$((hf + 1))
fi
rm -f "$host_log"
echo "  host: $hp passed, $hf failed"
passed=$((passed + hp))
failed=$((failed + hf))

check runner-selftest.sh "a broken .rs file fails scripts/test.sh at the build step; a format error and a clippy warning fail their gates"

echo "== VM tests"
"$RBOND_TOP/tests/run-vm.sh"
read -r vp vf <"$RBOND_TOP/tests/out/vm/counts" || { vp=0; vf=1; }
echo "  vm: $vp passed, $vf failed"
passed=$((passed + vp))
failed=$((failed + vf))

summary
