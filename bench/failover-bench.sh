#!/usr/bin/env bash
# Failover-latency benchmark (issues 5, 13): active-backup, miimon=100, two
# veth slaves; the outage seen by a ping every millisecond over 50
# failovers (RBOND_FAILOVERS), this module and the C driver in the same VM,
# on the benchmark kernel. Prints min, median, 90th percentile and max.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"
rbond_need_setup
. "$RBOND_TOP/bench/lib.sh"
cd "$RBOND_TOP"
bench_prepare
KDIR=$BENCH_KDIR
OUT=$RBOND_TOP/tests/out/bench-failover
rm -rf "$OUT" && mkdir -p "$OUT"
cat >"$OUT/run.sh" <<RUN
#!/bin/bash
export RBOND_TOP=$RBOND_TOP RBOND_KDIR=$KDIR RBOND_BENCH_KO=$BENCH_KO RBOND_FAILOVERS=${RBOND_FAILOVERS:-50}
exec $RBOND_TOP/bench/guest-failover.sh $OUT
RUN
chmod +x "$OUT/run.sh"
echo "bench: booting $KDIR"
timeout 1800 vng --run "$KDIR" "${RBOND_VNG_USER[@]}" --disable-kvm --force-9p --disable-microvm --memory 2G --cpus 2 \
	--rwdir "$OUT" --exec "$OUT/run.sh" >"$OUT/console.log" 2>&1 </dev/null || true
grep -q '^done$' "$OUT/failover.txt" || { echo "bench: incomplete"; cat "$OUT/failover.txt" "$OUT/failover.err"; exit 1; }
{
echo "| driver | failovers | min | median | 90th percentile | max |"
echo "|---|---|---|---|---|---|"
for impl in rust c; do
	awk -v i=$impl '$1 == i { print $3 }' "$OUT/failover.txt" | sort -g | awk -v i=$impl '
		{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
		p = int(NR * 0.9 + 0.999); if (p < 1) p = 1
		printf "| %s | %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms |\n", (i == "rust" ? "Rust bonding.ko" : "C bonding.ko"), NR, v[1], m, v[p], v[NR] }'
done
} | tee "$OUT/table.md"
