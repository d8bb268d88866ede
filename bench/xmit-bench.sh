#!/usr/bin/env bash
# Transmit benchmark (issues 4, 11): one VM boot, pktgen through bond0 with two
# veth slaves for this module and for the C bonding.ko of the same kernel,
# and through a bare veth. Prints Rust/C and Rust/bare ratios and writes
# them to Documentation/benchmarks.md. Not a test: numbers under TCG are
# relative, not absolute.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"
rbond_need_setup
cd "$RBOND_TOP"
make -s modules
OUT=$RBOND_TOP/tests/out/bench
rm -rf "$OUT" && mkdir -p "$OUT"
KDIR=$(rbond_kernel_dir)
cat >"$OUT/run.sh" <<RUN
#!/bin/bash
export RBOND_TOP=$RBOND_TOP RBOND_KDIR=$KDIR RBOND_BENCH_COUNT=${RBOND_BENCH_COUNT:-300000} RBOND_BENCH_REPEAT=${RBOND_BENCH_REPEAT:-3}
exec $RBOND_TOP/bench/guest-xmit.sh $OUT
RUN
chmod +x "$OUT/run.sh"
echo "bench: booting $KDIR (a few minutes under TCG)"
timeout 1800 vng --run "$KDIR" "${RBOND_VNG_USER[@]}" --disable-kvm --force-9p --disable-microvm --memory 2G --cpus 2 \
	--rwdir "$OUT" --exec "$OUT/run.sh" >"$OUT/console.log" 2>&1 </dev/null || true
grep -q '^done$' "$OUT/bench.txt" || { echo "bench: incomplete, see $OUT"; cat "$OUT/bench.txt" "$OUT/bench.err"; exit 1; }

awk -v cmd="bench/xmit-bench.sh" -v date="$(date -u +%Y-%m-%d)" -v kernel="$(basename "$KDIR")" '
$1 == "bare" { bare[$2] = $4 }
$1 == "rust" { rust[$2 " " $3] = $4 }
$1 == "c"    { c[$2 " " $3] = $4 }
END {
	name[0] = "balance-rr"; name[1] = "active-backup"; name[2] = "balance-xor (layer3+4)"
	name[4] = "802.3ad (layer3+4)"
	printf "| mode | packet | Rust pps | C pps | bare veth pps | Rust/C | Rust/bare |\n"
	printf "|---|---|---|---|---|---|---|\n"
	split("0 1 2 4", modes, " ")
	for (i = 1; i <= 4; i++) for (s = 1; s <= 2; s++) {
		m = modes[i]; size = (s == 1) ? 64 : 1500; k = size " " m
		if (c[k] == 0 || bare[size] == 0) continue
		printf "| %s | %d B | %d | %d | %d | %.2f | %.2f |\n", name[m], size, rust[k], c[k], bare[size], rust[k] / c[k], rust[k] / bare[size]
	}
}' "$OUT/bench.txt" | tee "$OUT/table.md"
