#!/usr/bin/env bash
# Sets everything up, builds bonding.ko and ifenslave, and shows the bond
# working in the VM: the classic `insmod bonding.ko mode=1 miimon=100`.
#   scripts/demo.sh [--dry-run]   --dry-run: print set-up's plan, change nothing
set -euo pipefail
. "$(dirname "$0")/env.sh"
cd "$RBOND_TOP"
if [ "${1:-}" = --dry-run ]; then
	exec "$RBOND_TOP/scripts/setup.sh" --dry-run
fi
"$RBOND_TOP/scripts/setup.sh"
rbond_hint "the build failed; the messages above say where"
make -s modules
make -s ifenslave
rbond_hint
OUT=$RBOND_TOP/tests/out/demo
rm -rf "$OUT" && mkdir -p "$OUT"
echo "demo: booting the test kernel ($(rbond_kernel_dir))"
vng --run "$(rbond_kernel_dir)" "${RBOND_VNG_USER[@]}" --disable-kvm --force-9p --disable-microvm --memory 1G --cpus 2 \
	--rwdir "$OUT" --exec "RBOND_TOP=$RBOND_TOP $RBOND_TOP/tests/demo-guest.sh $OUT" >"$OUT/console.log" 2>&1 </dev/null || true
if [ -f "$OUT/demo.txt" ]; then
	cat "$OUT/demo.txt"
else
	echo "demo: the guest produced no output; see $OUT/console.log" >&2
	exit 1
fi
grep -q '^demo: ok$' "$OUT/demo.txt"
