#!/usr/bin/env bash
# Boots the test kernel once (virtme-ng, TCG) and runs the given VM test
# files (default: every tests/vm/t-*.sh) inside it. Prints one line per test
# and leaves "<passed> <failed>" in tests/out/vm/counts.
set -uo pipefail
. "$(dirname "$0")/../scripts/env.sh"

KDIR=$(rbond_kernel_dir)
OUT=$RBOND_TOP/tests/out/vm
rm -rf "$OUT"
mkdir -p "$OUT"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$RBOND_TOP"/tests/vm/t-*.sh)
for i in "${!files[@]}"; do files[$i]=$(realpath "${files[$i]}"); done

cat >"$OUT/env.sh" <<ENV
RBOND_TOP=$RBOND_TOP
RBOND_KDIR=$KDIR
RBOND_TEST_TIMEOUT=${RBOND_TEST_TIMEOUT:-600}
ENV
# vng passes --exec on the kernel command line (2048 bytes at most), so the
# guest runs a script file.
cat >"$OUT/guest.sh" <<GUEST
#!/bin/bash
exec "$RBOND_TOP/tests/vm/guest-runner.sh" "$OUT" ${files[*]} >"$OUT/runner.log" 2>&1
GUEST
chmod +x "$OUT/guest.sh"

expected=()
for f in "${files[@]}"; do
	while read -r t; do expected+=("$t"); done < <(grep -oE '^test_[a-z0-9_]+' "$f")
done

echo "vm: booting $KDIR for ${#expected[@]} tests"
timeout -k 30 "${RBOND_VM_TIMEOUT:-3600}" vng --run "$KDIR" --disable-kvm --force-9p --disable-microvm \
	--memory 2G --cpus 2 --rwdir "$OUT" ${RBOND_QEMU_OPTS:+--qemu-opts "$RBOND_QEMU_OPTS"} \
	--exec "$OUT/guest.sh" >"$OUT/console.log" 2>&1 </dev/null
[ -f "$OUT/finished" ] || echo "vm: the guest did not finish (see $OUT/console.log)"

passed=0
failed=0
for t in "${expected[@]}"; do
	line=$(grep -E "^(PASS|FAIL) $t[: ]" "$OUT/results" 2>/dev/null | head -1)
	[ -n "$line" ] || line="FAIL $t: no result (the VM died or timed out; see $OUT/console.log)"
	echo "  $line"
	case $line in
	PASS*) passed=$((passed + 1)) ;;
	*) failed=$((failed + 1)); [ -f "$OUT/$t.log" ] && sed 's/^/      | /' "$OUT/$t.log" | tail -n 15 ;;
	esac
done
echo "$passed $failed" >"$OUT/counts"
