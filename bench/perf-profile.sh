#!/usr/bin/env bash
# Transmit profile (issue 13): one VM boot on the benchmark kernel, perf
# sampling all CPUs while pktgen sends 64 B frames through the bond on
# every CPU, this module and the C driver in each mode. Prints the share
# of samples in each driver and the top symbols (tests/out/bench-perf/).
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"
rbond_need_setup
. "$RBOND_TOP/bench/lib.sh"
cd "$RBOND_TOP"
bench_prepare
KDIR=$BENCH_KDIR
OUT=$RBOND_TOP/tests/out/bench-perf
rm -rf "$OUT" && mkdir -p "$OUT"
cat >"$OUT/run.sh" <<RUN
#!/bin/bash
export RBOND_TOP=$RBOND_TOP RBOND_KDIR=$KDIR RBOND_BENCH_KO=$BENCH_KO RBOND_BENCH_COUNT=${RBOND_BENCH_COUNT:-400000} RBOND_BENCH_MODES="${RBOND_BENCH_MODES:-0 1 2 4}"
exec $RBOND_TOP/bench/guest-perf.sh $OUT
RUN
chmod +x "$OUT/run.sh"
echo "bench: booting $KDIR"
timeout 3600 vng --run "$KDIR" "${RBOND_VNG_USER[@]}" --disable-kvm --force-9p --disable-microvm --memory 2G --cpus 2 \
	--rwdir "$OUT" --exec "$OUT/run.sh" >"$OUT/console.log" 2>&1 </dev/null || true
grep -q '^done$' "$OUT/perf.txt" || { echo "bench: incomplete, see $OUT"; cat "$OUT/perf.txt" "$OUT/perf.err"; exit 1; }
cat "$OUT/perf.txt"
for f in "$OUT"/perf-own-*.txt; do echo "== $(basename "$f")"; cat "$f"; done
