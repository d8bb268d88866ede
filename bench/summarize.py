#!/usr/bin/env python3
"""Summarises bench/guest-xmit.sh's runs (bench.txt): markdown tables with
min/median/max per driver and the ratios of medians, and the TSV inputs of
bench/chart.py. Usage: summarize.py <bench.txt> <out dir>
Writes <out dir>/summary.md, pktgen.tsv, tcp.tsv, rx.tsv."""
import os
import statistics
import sys

MODES = {"0": "balance-rr", "1": "active-backup", "2": "balance-xor", "4": "802.3ad"}
SHORT = {"0": "rr", "1": "ab", "2": "xor", "4": "3ad"}
NAMES = {"rust": "Rust", "c": "C", "bare": "bare veth"}


def spread(v):
    return f"{min(v):.0f} / {statistics.median(v):.0f} / {max(v):.0f}" if v else "-"


def ratio(a, b):
    return f"{statistics.median(a) / statistics.median(b):.2f}" if a and b and statistics.median(b) else "-"


def main():
    src, out = sys.argv[1], sys.argv[2]
    runs = {}
    dropped = []
    header = ""
    for line in open(src):
        f = line.split()
        if not f:
            continue
        if f[0] == "#":
            header = header or line[1:].strip()
            continue
        if f[0] == "pps" and len(f) == 7:
            # A run in which the bond dropped frames measured the drop
            # path, not the transmit path: left out, and counted.
            if int(f[6]) > 0:
                dropped.append(" ".join(f[1:]))
                continue
            runs.setdefault(("pps", f[1], f[2], f[3], f[4]), []).append(float(f[5]) / 1000)
        elif f[0] == "tcp" and len(f) == 5:
            runs.setdefault(("tcp", f[1], f[2], f[3]), []).append(float(f[4]))
        elif f[0] == "rx" and len(f) == 4:
            runs.setdefault(("rx", f[1], f[2]), []).append(float(f[3]) / 1000)
    n = max((len(v) for v in runs.values()), default=0)
    md = [f"Runs per figure: {n} ({header}). Figures are min / median / max; ratios are of medians.", ""]

    md += ["**pktgen through the bond (kpps)**", "",
           "Packets per second that left through the slaves, over pktgen's sending time.", "",
           "| mode | packet | threads | Rust | C | bare veth (median) | Rust/C | Rust/bare |",
           "|---|---|---|---|---|---|---|---|"]
    tsv = []
    for mode in "0124":
        for threads in "12":
            for size in ("64", "1500"):
                r = runs.get(("pps", "rust", mode, size, threads), [])
                c = runs.get(("pps", "c", mode, size, threads), [])
                bare = runs.get(("pps", "bare", "-", size, threads), [])
                if not r and not c:
                    continue
                md.append(f"| {MODES[mode]} | {size} B | {threads} | {spread(r)} | {spread(c)} | "
                          f"{statistics.median(bare):.0f} | {ratio(r, c)} | {ratio(r, bare)} |" if bare else
                          f"| {MODES[mode]} | {size} B | {threads} | {spread(r)} | {spread(c)} | - | {ratio(r, c)} | - |")
                case = f"{SHORT[mode]} {size}B {threads}T"
                for impl, v in (("rust", r), ("c", c), ("bare", bare)):
                    if v:
                        tsv.append(f"{case}\t{NAMES[impl]}\t{','.join(f'{x:.1f}' for x in v)}")
    open(os.path.join(out, "pktgen.tsv"), "w").write("\n".join(tsv) + "\n")

    if dropped:
        md += ["", f"{len(dropped)} pktgen run(s) left out because the bond dropped frames "
               "(impl mode size threads pps dropped): " + "; ".join(dropped)]
    md += ["", "**TCP, iperf3 to the peer namespace (Mbit/s)**", "",
           "| mode | streams | Rust | C | bare veth (median) | Rust/C | Rust/bare |", "|---|---|---|---|---|---|---|"]
    tsv = []
    for mode in "0124":
        for streams in "14":
            r = runs.get(("tcp", "rust", mode, streams), [])
            c = runs.get(("tcp", "c", mode, streams), [])
            bare = runs.get(("tcp", "bare", "-", streams), [])
            if not r and not c:
                continue
            bm = f"{statistics.median(bare):.0f}" if bare else "-"
            md.append(f"| {MODES[mode]} | {streams} | {spread(r)} | {spread(c)} | {bm} | {ratio(r, c)} | {ratio(r, bare)} |")
            case = f"{SHORT[mode]} {streams} stream{'s' if streams != '1' else ''}"
            for impl, v in (("rust", r), ("c", c), ("bare", bare)):
                if v:
                    tsv.append(f"{case}\t{NAMES[impl]}\t{','.join(f'{x:.0f}' for x in v)}")
    open(os.path.join(out, "tcp.tsv"), "w").write("\n".join(tsv) + "\n")

    md += ["", "**Receive: the peer floods 64 B UDP, delivered to IP (kpps)**", "",
           "| mode | Rust | C | bare veth (median) | Rust/C | Rust/bare |", "|---|---|---|---|---|---|"]
    tsv = []
    bare = runs.get(("rx", "bare", "-"), [])
    for mode in "0124":
        r = runs.get(("rx", "rust", mode), [])
        c = runs.get(("rx", "c", mode), [])
        if not r and not c:
            continue
        bm = f"{statistics.median(bare):.0f}" if bare else "-"
        md.append(f"| {MODES[mode]} | {spread(r)} | {spread(c)} | {bm} | {ratio(r, c)} | {ratio(r, bare)} |")
        for impl, v in (("rust", r), ("c", c), ("bare", bare)):
            if v:
                tsv.append(f"{SHORT[mode]}\t{NAMES[impl]}\t{','.join(f'{x:.1f}' for x in v)}")
    open(os.path.join(out, "rx.tsv"), "w").write("\n".join(tsv) + "\n")
    open(os.path.join(out, "summary.md"), "w").write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
