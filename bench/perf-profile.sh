#!/usr/bin/env bash
# Transmit profile (issue 13): one VM boot on the benchmark kernel, perf
# sampling all CPUs while pktgen sends 64 B frames through the bond on
# every CPU, this module and the C driver in each mode. Prints the share
# of samples in each driver and the top symbols (tests/out/bench-perf/).
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"
rbond_need_setup
. "$RBOND_TOP/bench/lib.sh"
bench_start bench-perf
bench_boot 3600 guest-perf.sh perf.txt RBOND_BENCH_COUNT="${RBOND_BENCH_COUNT:-400000}" RBOND_BENCH_MODES="${RBOND_BENCH_MODES:-0 1 2 4}"
cat "$OUT/perf.txt"
for f in "$OUT"/perf-own-*.txt; do echo "== $(basename "$f")"; cat "$f"; done
