#!/usr/bin/env bash
# Runs every test: host unit tests (cargo test) and the VM tests, after
# setting up whatever is missing. Ends with "N passed, N failed" and exits
# non-zero when anything failed.
set -uo pipefail
. "$(dirname "$0")/env.sh"
cd "$RBOND_TOP"

"$RBOND_TOP/scripts/setup.sh" || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
build_ok=1
echo "== build"
make -s modules 2>&1 | grep -vE '^\s*$' | grep -E 'error|warning: unused|BINDGEN|LD' || true
[ -f bonding.ko ] && [ bonding.ko -nt bond_main.rs ] || build_ok=0
make -s ifenslave || build_ok=0
if [ $build_ok -eq 0 ]; then
	echo "build failed"
	failed=$((failed + 1))
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

if [ $build_ok -eq 1 ]; then
	echo "== VM tests"
	"$RBOND_TOP/tests/run-vm.sh"
	read -r vp vf <"$RBOND_TOP/tests/out/vm/counts" || { vp=0; vf=1; }
	echo "  vm: $vp passed, $vf failed"
	passed=$((passed + vp))
	failed=$((failed + vf))
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
