#!/usr/bin/env bash
# Every issue-7 performance target in one run, one Markdown table (docs/benchmarks.md, "All targets
# in one run"). Runs the harnesses one after another, each starting and stopping its own processes:
#   1. cache hits vs nginx proxy_cache        BENCH_MODE=hit bench/run.sh
#   2. pass-through vs nginx and Envoy         BENCH_MODE=passthrough bench/run.sh
#   3. Zipf mix, upstream-call reduction, p99  bench/run-zipf.sh (the gateway's default 64 MiB budget)
#   4. memory: idle, under load, soak          bench/run-memory.sh
#   5. overload at 2× peak, recovery           bench/run-overload.sh
# Each is bounded by a timeout; one that fails gets a "failed" row and the others still run.
# Full length takes ~20 minutes (the soak is 10 of them); BENCH_QUICK=1 is a smoke run (~3 min).
#
# Usage: bench/all.sh        (or: make bench-all)
#        BENCH_QUICK=1 SOAK_SECONDS=30 bench/all.sh
# Env: everything the harnesses read (SIDETRACK_BIN, BENCH_SKIP_BUILD, BENCH_QUICK, SOAK_SECONDS,
#   ENVOY_BIN, …); BENCH_ALL_ONLY="hit passthrough zipf memory overload" runs a subset.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export SIDETRACK_BIN=${SIDETRACK_BIN:-$repo/.build-release/release/sidetrack}

if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  # shellcheck source-path=SCRIPTDIR/..
  source bench/lib/bench.sh  # for bench_release_build alone (the harnesses source it themselves)
  echo "all: building release (scripts/build-release.sh)…"
  bench_release_build >/dev/null || { echo "error: release build failed (rerun: scripts/build-release.sh)" >&2; exit 1; }
fi
export BENCH_SKIP_BUILD=1  # built once, above; the harnesses must not rebuild

results="$repo/bench/results/all-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
export BENCH_ROWS_FILE="$results/rows.tsv"
: >"$BENCH_ROWS_FILE"

quick=${BENCH_QUICK:-0}
soak=${SOAK_SECONDS:-$([[ $quick == 1 ]] && echo 30 || echo 600)}
only=${BENCH_ALL_ONLY:-hit passthrough zipf memory overload overload-cpu}
started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# piece NAME TIMEOUT_SECONDS TARGET_LABEL CMD… — runs one harness, bounded, its output kept.
piece() {
  local name=$1 limit=$2 label=$3 before status=0 t0=$SECONDS
  shift 3
  [[ " $only " == *" $name "* ]] || return 0
  echo "all: ── $name (at most ${limit}s) ──"
  before=$(wc -l <"$BENCH_ROWS_FILE")
  timeout --kill-after=15 "$limit" "$@" 2>&1 | tee "$results/$name.log" || status=${PIPESTATUS[0]}
  echo "all: $name finished in $((SECONDS - t0))s (exit $status)"
  if ((status != 0)) && (($(wc -l <"$BENCH_ROWS_FILE") == before)); then
    local why="exit $status"
    ((status == 124)) && why="timed out after ${limit}s"
    printf '%s\t%s\t\t\t\t\t%s\n' "$label" "$name" "**failed** ($why; see ${results#"$repo"/}/$name.log)" >>"$BENCH_ROWS_FILE"
  fi
}

piece hit 900 "1. Cache hit" env BENCH_MODE=hit bash bench/run.sh
piece passthrough 1200 "2. Pass-through" env BENCH_MODE=passthrough bash bench/run.sh
piece zipf 1200 "3. Zipf mix" env ZIPF_MEMORY_BYTES="${ZIPF_MEMORY_BYTES:-67108864}" bash bench/run-zipf.sh
piece memory $((soak + 400)) "4. Memory" env SOAK_SECONDS="$soak" bash bench/run-memory.sh
piece overload 600 "5. Overload" bash bench/run-overload.sh
piece overload-cpu 600 "5. Overload, CPU-bound" env OVERLOAD_BOTTLENECK=cpu bash bench/run-overload.sh

{
  echo "## bench/all.sh — $started, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo
  echo "$(nproc) cores, load average $load_before before / $(cut -d' ' -f1-3 /proc/loadavg) after;" \
    "$([[ $quick == 1 ]] && echo "BENCH_QUICK=1 (smoke run: short, not comparable)" || echo "full length"), soak ${soak}s"
  echo
  echo "| target | workload | req/s | p50 | p99 | RSS | ratio (vs comparison; goal: met / not met) |"
  echo "|---|---|---:|---:|---:|---:|---|"
  # awk, not `read`: a tab is whitespace to IFS, so `read` would merge empty fields.
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }' "$BENCH_ROWS_FILE"
} | tee "$results/table.md"
echo "all: raw results in ${results#"$repo"/}"
