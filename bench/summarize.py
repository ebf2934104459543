#!/usr/bin/env python3
"""Reads bench/run.sh's per-run result lines and prints the median table (Markdown).

Input lines (stdin): TARGET rps=… p50_us=… p99_us=… requests=… non2xx=… socket_errors=… cpu_us=…
(cpu_us: the target's own processes' CPU time per request, from /proc; optional)

Options: --mode passthrough|hit; --rss-kib N (Sidetrack's RSS after the runs); --rows FILE appends
Sidetrack's row, with its ratios against the baselines and the issue-7 goals, to bench/all.sh's
tab-separated table rows; --workload TEXT describes the load in that row.
"""

from __future__ import annotations

import argparse
import statistics
import sys

LABELS = {
    "passthrough": {"emulator": "bare emulator (upstream)", "sidetrack": "Sidetrack (pass-through)",
                    "nginx": "nginx proxy_pass", "envoy": "Envoy (router, --concurrency 2)"},
    "hit": {"emulator": "bare emulator (no cache)", "sidetrack": "Sidetrack (memory-tier hit)",
            "nginx": "nginx proxy_cache (hit)",
            # BENCH_FLOOR=1: SwiftNIO answering with a hit's pre-built bytes, no gateway work.
            "floor-raw": "NIO floor: bytes in, pre-built bytes out",
            "floor-scan": "NIO floor: + a byte scan into HTTPRequestHead",
            "floor-decoder": "NIO floor: + NIO's request decoder",
            "floor-nio-http": "NIO floor: + NIO's response encoder"},
}
# Rows printed only when measured (Envoy: skipped when its wheel is missing; floors: on request).
OPTIONAL = {"envoy", "floor-raw", "floor-scan", "floor-decoder", "floor-nio-http"}
# Issue 7's goals, as ratios of Sidetrack's req/s to the baseline's (None: reported, no goal).
GOALS = {
    "passthrough": {"nginx": 0.8, "envoy": None},
    "hit": {"nginx": 1.0},
}


def parse(lines: list[str]) -> dict[str, list[dict[str, float]]]:
    runs: dict[str, list[dict[str, float]]] = {}
    for line in lines:
        parts = line.split()
        if len(parts) < 2:
            continue
        fields = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        runs.setdefault(parts[0], []).append({k: float(v) for k, v in fields.items()})
    return runs


def ms(us: float) -> str:
    return f"{us / 1000:.2f} ms"


def met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", default="passthrough", choices=sorted(LABELS))
    parser.add_argument("--rss-kib", type=int)
    parser.add_argument("--rows")
    parser.add_argument("--workload", default="")
    args = parser.parse_args()
    mode = args.mode
    labels = LABELS[mode]
    runs = parse(sys.stdin.read().splitlines())
    if not runs:
        print("summarize: no results", file=sys.stderr)
        return 1
    med = {
        target: {key: statistics.median(r[key] for r in rs) for key in rs[0]} | {"reps": len(rs),
                 "non2xx": sum(r["non2xx"] for r in rs), "socket_errors": sum(r["socket_errors"] for r in rs)}
        for target, rs in runs.items()
    }
    base = med.get("emulator")
    print("| target | req/s | p50 | p99 | CPU per request | req/s vs bare | p50 added vs bare | non-2xx / socket errors | reps |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for target, label in labels.items():
        if target not in med:
            if target not in OPTIONAL:
                print(f"| {label} | pending | | | | | | | |")
            continue
        m = med[target]
        ratio = f"{m['rps'] / base['rps']:.2f}×" if base else "n/a"
        added = ms(m["p50_us"] - base["p50_us"]) if base else "n/a"
        cpu = f"{m['cpu_us']:.0f} µs" if "cpu_us" in m else "n/a"
        print(f"| {label} | {m['rps']:,.0f} | {ms(m['p50_us'])} | {ms(m['p99_us'])} | {cpu} | {ratio} | "
              f"{added} | {int(m['non2xx'])} / {int(m['socket_errors'])} | {int(m['reps'])} |")
    # Sidetrack against each baseline, with the goal where the issue sets one.
    verdicts = []
    s = med.get("sidetrack")
    for other, goal in GOALS[mode].items():
        if s is None or other not in med:
            continue
        o = med[other]
        name = "nginx" if other == "nginx" else "Envoy"
        ratio = s["rps"] / o["rps"]
        line = (f"Sidetrack vs {name}: {ratio:.2f}× the throughput, "
                f"p50 {s['p50_us'] / o['p50_us']:.2f}×, p99 {s['p99_us'] / o['p99_us']:.2f}× {name}'s")
        verdict = f"{ratio:.2f}× {name} req/s"
        if goal is not None:
            line += f" (goal ≥ {goal:g}×: {met(ratio >= goal)})"
            verdict += f" (goal ≥ {goal:g}×: {met(ratio >= goal)})"
        if mode == "hit":
            p99_ok = s["p99_us"] <= o["p99_us"]
            line += f"; p99 goal ≤ nginx's: {met(p99_ok)}"
            verdict += f"; p99 {s['p99_us'] / o['p99_us']:.2f}× {name}'s (goal ≤ 1×: {met(p99_ok)})"
        if "cpu_us" in s and o.get("cpu_us"):
            line += f"; CPU per request {s['cpu_us'] / o['cpu_us']:.2f}× {name}'s"
            verdict += f"; CPU per request {s['cpu_us'] / o['cpu_us']:.2f}× {name}'s"
        verdicts.append(verdict)
        print()
        print(line + ".")
    if s is not None and base is not None and mode == "passthrough":
        verdicts.append(f"+{ms(s['p50_us'] - base['p50_us'])} p50 over the bare upstream")
    if any(m["non2xx"] or m["socket_errors"] for m in med.values()):
        print()
        print("WARNING: some runs had non-2xx answers or socket errors; those numbers are not comparable.")
    if args.rows and s is not None:
        target = {"passthrough": "2. Pass-through", "hit": "1. Cache hit"}[mode]
        workload = {"passthrough": "1 URL, `no-store`, fast upstream", "hit": "100 hot URLs, 2 KiB JSON, keep-alive"}[mode]
        rss = f"{args.rss_kib / 1024:.1f} MiB" if args.rss_kib else ""
        errors = ""
        if s["non2xx"] or s["socket_errors"]:
            errors = f"; {int(s['non2xx'])} non-2xx / {int(s['socket_errors'])} socket errors"
        with open(args.rows, "a") as rows:
            rows.write("\t".join([target, f"{workload}, {args.workload}".rstrip(", "), f"{s['rps']:,.0f}",
                                  ms(s["p50_us"]), ms(s["p99_us"]), rss, "; ".join(verdicts) + errors]) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
