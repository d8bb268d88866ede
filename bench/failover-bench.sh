#!/usr/bin/env bash
# Failover-latency benchmark (issues 5, 13): active-backup, miimon=100, two
# veth slaves behind a bridge; the outage seen by 1 ms probes in both
# directions over 50 failovers (RBOND_FAILOVERS), each followed by a
# control cut that fails nothing over; this module and the C driver in the
# same VM, on the benchmark kernel. Prints min, median, 90th percentile and
# max, and draws Documentation/bench-failover.svg.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"
rbond_need_setup
. "$RBOND_TOP/bench/lib.sh"
bench_start bench-failover
gcc -O2 -Wall -o "$OUT/prober" bench/prober.c
gcc -O2 -Wall -o "$OUT/linkcut" bench/linkcut.c
bench_boot 2400 guest-failover.sh failover.txt RBOND_PROBER="$OUT/prober" RBOND_LINKCUT="$OUT/linkcut" \
	RBOND_FAILOVERS="${RBOND_FAILOVERS:-50}"
KDIR=$BENCH_KDIR
# table <kind> <column> <title>: min, median, 90th percentile and max of
# one column of failover.txt, per driver (see guest-failover.sh).
table() {
	echo "**$3**"
	echo
	echo "| driver | cuts | min | median | 90th percentile | max |"
	echo "|---|---|---|---|---|---|"
	for impl in rust c; do
		awk -v i=$impl -v k="$1" -v c="$2" '$1 == i && $2 == k { print $c }' "$OUT/failover.txt" | sort -g | awk -v i=$impl '
			{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
			p = int(NR * 0.9 + 0.999); if (p < 1) p = 1
			printf "| %s | %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms |\n", (i == "rust" ? "Rust bonding.ko" : "C bonding.ko"), NR, v[1], m, v[p], v[NR] }'
	done
	echo
}
{
table failover 15 "Outage: loss window of the probes from the bond to the peer (bench/prober.c, every 1 ms)"
table failover 16 "Outage: loss window of the probes from the peer to the bond"
table failover 6 "Kernel log: the peer's port down to the new active slave"
table failover 7 "Longest gap between replies, bond to peer"
table failover 4 "Longest gap seen by ping -i 0.001 from the bond (the outage plus iputils' 10 ms wait after a lost probe)"
table control 7 "Control (the backup slave's link cut, no failover): longest gap between replies, bond to peer"
table control 15 "Control: loss window, bond to peer"
for k in failover control; do
	echo "$k: probes lost per cut (bond to peer, peer to bond) $(awk -v k=$k '$2 == k { f += $9; r += $10; n++ } END { printf "%.1f, %.1f", f / n, r / n }' "$OUT/failover.txt");" \
		"median pace $(awk -v k=$k '$2 == k { f += $13; r += $14; n++ } END { printf "%.2f ms, %.2f ms", f / n, r / n }' "$OUT/failover.txt")"
	echo
done
} | tee "$OUT/table.md"
# The chart: each measure's median per driver, whiskers from min to max.
awk 'BEGIN { split("loss window, bond to peer|loss window, peer to bond|kernel: port down to new active|ping -i 0.001 gap|control (no failover): reply gap", order, "|") }
{
	d = ($1 == "rust") ? "Rust" : "C"
	if ($2 == "failover") {
		v[order[1] "\t" d] = v[order[1] "\t" d] "," $15
		v[order[2] "\t" d] = v[order[2] "\t" d] "," $16
		if ($6 != "-") v[order[3] "\t" d] = v[order[3] "\t" d] "," $6
		v[order[4] "\t" d] = v[order[4] "\t" d] "," $4
	} else if ($2 == "control") {
		v[order[5] "\t" d] = v[order[5] "\t" d] "," $7
	}
}
END { for (i = 1; i <= 5; i++) for (j = 1; j <= 2; j++) { k = order[i] "\t" (j == 1 ? "Rust" : "C"); if (k in v) print k "\t" substr(v[k], 2) } }' \
	"$OUT/failover.txt" >"$OUT/failover.tsv"
python3 "$RBOND_TOP/bench/chart.py" "Active-backup failover, ms ($(date -u +%Y-%m-%d))" ms \
	"$OUT/failover.tsv" "$RBOND_TOP/Documentation/bench-failover.svg"
