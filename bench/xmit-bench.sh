#!/usr/bin/env bash
# Throughput benchmark (issues 4, 11, 13), on the benchmark kernel (no debug
# options; RBOND_BENCH_KERNEL=debug for the test kernel): one VM boot, this
# module and the C bonding.ko of the same kernel alternating in each of
# RBOND_BENCH_ROUNDS rounds (default 9), two veth slaves, every implemented
# mode: pktgen 64 and 1500 B on 1 and 2 threads, iperf3 TCP with 1 and 4
# streams, and a receive flood from the peer; the same on a bare veth as
# the ceiling (RBOND_BENCH_MODES="0 4" runs only those modes). Prints min/median/max tables (tests/out/bench/summary.md)
# and draws Documentation/bench-{pktgen,tcp,rx}.svg. Not a test: numbers
# under TCG compare drivers side by side, they are not absolute.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"
rbond_need_setup
. "$RBOND_TOP/bench/lib.sh"
bench_start bench
bench_boot 7200 guest-xmit.sh bench.txt RBOND_BENCH_COUNT="${RBOND_BENCH_COUNT:-200000}" RBOND_BENCH_ROUNDS="${RBOND_BENCH_ROUNDS:-9}" \
	RBOND_BENCH_TCP_SECS="${RBOND_BENCH_TCP_SECS:-4}" RBOND_BENCH_MODES="${RBOND_BENCH_MODES:-0 1 2 4}"
KDIR=$BENCH_KDIR
python3 "$RBOND_TOP/bench/summarize.py" "$OUT/bench.txt" "$OUT"
stamp="$(date -u +%Y-%m-%d), $(basename "$KDIR")"
python3 "$RBOND_TOP/bench/chart.py" "pktgen through the bond, kpps ($stamp)" kpps "$OUT/pktgen.tsv" "$RBOND_TOP/Documentation/bench-pktgen.svg"
python3 "$RBOND_TOP/bench/chart.py" "TCP (iperf3), Mbit/s ($stamp)" Mbit/s "$OUT/tcp.tsv" "$RBOND_TOP/Documentation/bench-tcp.svg"
python3 "$RBOND_TOP/bench/chart.py" "Receive, kpps delivered ($stamp)" kpps "$OUT/rx.tsv" "$RBOND_TOP/Documentation/bench-rx.svg"
echo "bench: tables in $OUT/summary.md; charts in Documentation/bench-*.svg"
