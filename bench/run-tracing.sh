#!/usr/bin/env bash
# Tracing overhead (issue 5, point 6): the pass-through workload of bench/run.sh through Sidetrack
# with tracing off, sampling 10 % and sampling 100 %, exporting OTLP/HTTP to a local sink
# (bench/otlp_sink.py), one gateway per mode, alternating modes over N repetitions; prints medians.
#
# Usage: bench/run-tracing.sh
# Env (defaults): BENCH_REPS=3 BENCH_DURATION=10s BENCH_THREADS=2 BENCH_CONNECTIONS=32
#   SIDETRACK_BIN=.build-release/release/sidetrack BENCH_SKIP_BUILD=0
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export SIDETRACK_BIN=${SIDETRACK_BIN:-$repo/.build-release/release/sidetrack}
# shellcheck source-path=SCRIPTDIR/..
source scripts/lib/procs.sh
# shellcheck source-path=SCRIPTDIR/..
source bench/lib/bench.sh

reps=${BENCH_REPS:-3} duration=${BENCH_DURATION:-10s}
threads=${BENCH_THREADS:-2} connections=${BENCH_CONNECTIONS:-32}
path=/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh
bench_build tracing
procs_init
start_emulator || procs_die "emulator did not start"
procs_start otlp python3 bench/otlp_sink.py
for ((i = 0; i < 50; i++)); do [[ -s $PROCS_DIR/otlp.log ]] && break; sleep 0.1; done
sink_port=$(head -n 1 "$PROCS_DIR/otlp.log")
[[ $sink_port =~ ^[0-9]+$ ]] || procs_die "the OTLP sink did not start"

# The emulator is not Spotify: the app-quota guard and the client limit are off, as in bench/run.sh.
bench_limits_off

results=$(bench_results_dir tracing)
: >"$results/runs.txt"
run_mode() {  # run_mode NAME ENABLED RATIO REP
  local name=$1 enabled=$2 ratio=$3 rep=$4 out
  SIDETRACK_TRACING_ENABLED=$enabled SIDETRACK_TRACING_SAMPLE_RATIO=$ratio \
    SIDETRACK_TRACING_ENDPOINT="http://127.0.0.1:$sink_port/v1/traces" start_gateway \
    || procs_die "gateway ($name) did not start"
  wrk -t"$threads" -c"$connections" -d2s -s bench/wrk.lua "$PROXY_URL$path" >/dev/null 2>&1 || true
  out="$results/wrk-$name-$rep.txt"
  wrk --latency -t"$threads" -c"$connections" -d"$duration" --timeout 5s -s bench/wrk.lua "$PROXY_URL$path" >"$out" 2>&1
  echo "$name $(grep '^BENCH_RESULT ' "$out" | sed 's/^BENCH_RESULT //')" >>"$results/runs.txt"
  procs_stop gateway >/dev/null || true
  PROCS_PIDS=("${PROCS_PIDS[@]:0:${#PROCS_PIDS[@]}-1}")
  PROCS_NAMES=("${PROCS_NAMES[@]:0:${#PROCS_NAMES[@]}-1}")
}
for ((rep = 1; rep <= reps; rep++)); do
  echo "tracing: rep $rep/$reps"
  run_mode off false 1.0 "$rep"
  run_mode sampled10 true 0.1 "$rep"
  run_mode sampled100 true 1.0 "$rep"
done
python3 - "$results/runs.txt" <<'PY' | tee "$results/table.md"
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    name, *fields = line.split()
    runs.setdefault(name, []).append({k: float(v) for k, v in (f.split("=", 1) for f in fields)})
labels = {"off": "tracing off", "sampled10": "tracing on, 10 % sampled", "sampled100": "tracing on, 100 % sampled"}
base = statistics.median(r["rps"] for r in runs["off"])
print("| mode | req/s | p50 | p99 | req/s vs off | non-2xx / socket errors | reps |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name in ("off", "sampled10", "sampled100"):
    rs = runs.get(name, [])
    if not rs:
        continue
    med = lambda k: statistics.median(r[k] for r in rs)
    print(f"| {labels[name]} | {med('rps'):,.0f} | {med('p50_us') / 1000:.2f} ms | {med('p99_us') / 1000:.2f} ms | "
          f"{med('rps') / base:.2f}× | {int(sum(r['non2xx'] for r in rs))} / {int(sum(r['socket_errors'] for r in rs))} | {len(rs)} |")
PY
echo "tracing: the sink received $(curl -fsS "http://127.0.0.1:$sink_port/stats")"
