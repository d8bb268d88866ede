#!/usr/bin/env bash
# Failover-latency benchmark (issue 5): active-backup, miimon=100, two veth
# slaves; the outage seen by a 10 ms ping over 20 failovers, this module
# and the C driver in the same VM. Prints median and max.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"
rbond_need_setup
cd "$RBOND_TOP"
make -s modules
OUT=$RBOND_TOP/tests/out/bench-failover
rm -rf "$OUT" && mkdir -p "$OUT"
KDIR=$(rbond_kernel_dir)
cat >"$OUT/run.sh" <<RUN
#!/bin/bash
export RBOND_TOP=$RBOND_TOP RBOND_KDIR=$KDIR RBOND_FAILOVERS=${RBOND_FAILOVERS:-20}
exec $RBOND_TOP/bench/guest-failover.sh $OUT
RUN
chmod +x "$OUT/run.sh"
echo "bench: booting $KDIR"
timeout 1800 vng --run "$KDIR" "${RBOND_VNG_USER[@]}" --disable-kvm --force-9p --disable-microvm --memory 2G --cpus 2 \
	--rwdir "$OUT" --exec "$OUT/run.sh" >"$OUT/console.log" 2>&1 </dev/null || true
grep -q '^done$' "$OUT/failover.txt" || { echo "bench: incomplete"; cat "$OUT/failover.txt" "$OUT/failover.err"; exit 1; }
for impl in rust c; do
	awk -v i=$impl '$1 == i { print $3 }' "$OUT/failover.txt" | sort -n | awk -v i=$impl '
		{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
		printf "| %s | %d | %d ms | %d ms |\n", (i == "rust" ? "Rust bonding.ko" : "C bonding.ko"), NR, m, v[NR] }'
done | tee "$OUT/table.md"
