#!/usr/bin/env python3
"""Draws benchmark results as an SVG bar chart: one group of bars per
case, one bar per series at the median, a whisker from min to max.

Usage: chart.py <title> <unit> <input.tsv> <output.svg>
Input lines: <case> TAB <series> TAB <value>[,<value>...]  (one run each)
Standard library only: the benchmark machines have no plotting packages."""
import statistics
import sys
from html import escape

COLORS = {"Rust": "#b7410e", "C": "#4a6fa5", "bare veth": "#8c8c8c"}
FALLBACK = ["#6a994e", "#bc4749", "#7b2cbf", "#e9c46a"]


def main():
    title, unit, src, dst = sys.argv[1:5]
    cases, series, data = [], [], {}
    for line in open(src):
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 3:
            continue
        case, ser, vals = parts
        v = [float(x) for x in vals.split(",") if x]
        if not v:
            continue
        if case not in cases:
            cases.append(case)
        if ser not in series:
            series.append(ser)
        data.setdefault((case, ser), []).extend(v)
    top = max((max(v) for v in data.values()), default=1) * 1.1 or 1
    bw, gap, left, height, plot_top = 18, 26, 70, 300, 40
    group_w = bw * len(series) + gap
    width = left + group_w * len(cases) + 20
    total_h = plot_top + height + 110
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total_h}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="100%" height="100%" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">{escape(title)}</text>']
    y = lambda v: plot_top + height - v / top * height
    for i in range(6):
        v = top / 1.1 * i / 5
        out.append(f'<line x1="{left}" x2="{width - 10}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 5}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.0f}</text>')
    out.append(f'<text x="15" y="{plot_top + height / 2}" transform="rotate(-90 15 {plot_top + height / 2})" '
               f'text-anchor="middle">{escape(unit)}</text>')
    for ci, case in enumerate(cases):
        x0 = left + gap / 2 + ci * group_w
        for si, ser in enumerate(series):
            v = data.get((case, ser))
            if not v:
                continue
            color = COLORS.get(ser, FALLBACK[si % len(FALLBACK)])
            med, lo, hi = statistics.median(v), min(v), max(v)
            x = x0 + si * bw
            out.append(f'<rect x="{x:.1f}" y="{y(med):.1f}" width="{bw - 2}" height="{y(0) - y(med):.1f}" '
                       f'fill="{color}"><title>{escape(case)} {escape(ser)}: median {med:.1f}, '
                       f'min {lo:.1f}, max {hi:.1f} ({len(v)} runs)</title></rect>')
            cx = x + (bw - 2) / 2
            out.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(hi):.1f}" y2="{y(lo):.1f}" stroke="black"/>')
            for yy in (y(hi), y(lo)):
                out.append(f'<line x1="{cx - 4:.1f}" x2="{cx + 4:.1f}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="black"/>')
        lx = x0 + (group_w - gap) / 2
        out.append(f'<text x="{lx:.1f}" y="{plot_top + height + 14}" text-anchor="end" '
                   f'transform="rotate(-35 {lx:.1f} {plot_top + height + 14})">{escape(case)}</text>')
    lx = left
    for si, ser in enumerate(series):
        color = COLORS.get(ser, FALLBACK[si % len(FALLBACK)])
        out.append(f'<rect x="{lx}" y="{total_h - 18}" width="12" height="12" fill="{color}"/>')
        out.append(f'<text x="{lx + 16}" y="{total_h - 8}">{escape(ser)}</text>')
        lx += 30 + 7 * len(ser)
    out.append(f'<text x="{width - 10}" y="{total_h - 8}" text-anchor="end" fill="#555">'
               f'bar: median; whisker: min to max</text>')
    out.append("</svg>")
    with open(dst, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
