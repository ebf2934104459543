#!/usr/bin/env python3
"""Reads bench/run.sh's per-run result lines and prints the median table (Markdown).

Input lines (stdin): TARGET rps=… p50_us=… p99_us=… requests=… non2xx=… socket_errors=…
"""

from __future__ import annotations

import statistics
import sys

LABELS = {
    "passthrough": {"emulator": "bare emulator (upstream)", "sidetrack": "Sidetrack (pass-through)", "nginx": "nginx proxy_pass"},
    "hit": {"emulator": "bare emulator (no cache)", "sidetrack": "Sidetrack (memory-tier hit)",
            "nginx": "nginx proxy_cache (hit)"},
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


def main() -> int:
    mode = sys.argv[2] if len(sys.argv) == 3 and sys.argv[1] == "--mode" else "passthrough"
    if mode not in LABELS:
        print(f"summarize: unknown mode {mode}", file=sys.stderr)
        return 1
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
    print("| target | req/s | p50 | p99 | req/s vs bare | p50 added vs bare | non-2xx / socket errors | reps |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for target in ("emulator", "sidetrack", "nginx"):
        if target not in med:
            print(f"| {labels[target]} | pending | | | | | | |")
            continue
        m = med[target]
        ratio = f"{m['rps'] / base['rps']:.2f}×" if base else "n/a"
        added = ms(m["p50_us"] - base["p50_us"]) if base else "n/a"
        print(f"| {labels[target]} | {m['rps']:,.0f} | {ms(m['p50_us'])} | {ms(m['p99_us'])} | {ratio} | "
              f"{added} | {int(m['non2xx'])} / {int(m['socket_errors'])} | {int(m['reps'])} |")
    if "sidetrack" in med and "nginx" in med:
        s, n = med["sidetrack"], med["nginx"]
        print()
        print(f"Sidetrack vs nginx: {s['rps'] / n['rps']:.2f}× the throughput, "
              f"p50 {s['p50_us'] / n['p50_us']:.2f}×, p99 {s['p99_us'] / n['p99_us']:.2f}× nginx's.")
    if any(m["non2xx"] or m["socket_errors"] for m in med.values()):
        print()
        print("WARNING: some runs had non-2xx answers or socket errors; those numbers are not comparable.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
