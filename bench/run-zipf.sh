#!/usr/bin/env bash
# The cache under a realistic mix (issue 3, point 8): bench/zipf_workload.py through a release
# Sidetrack (memory tier only, a small budget so it fills and evicts) in front of the emulator.
# Prints the report (upstream-call reduction, hit ratio, client p50/p99, RSS); exits non-zero on any
# isolation violation or stale read after a mutation.
#
# Usage: bench/run-zipf.sh
#        BENCH_QUICK=1 bench/run-zipf.sh   (smoke: 6,000 requests)
# Env (defaults): ZIPF_REQUESTS=60000 ZIPF_WORKERS=8 ZIPF_MEMORY_BYTES=16777216 (16 MiB)
#   SIDETRACK_BIN=.build-release/release/sidetrack BENCH_SKIP_BUILD=0 BENCH_TIMEOUT=900 (seconds, the whole
#   workload) BENCH_ROWS_FILE (bench/all.sh's table rows; goal: >= 80 % fewer upstream calls)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export SIDETRACK_BIN=${SIDETRACK_BIN:-$repo/.build-release/release/sidetrack}
# shellcheck source-path=SCRIPTDIR/..
source scripts/lib/procs.sh
# shellcheck source-path=SCRIPTDIR/..
source bench/lib/bench.sh

bench_build zipf

results=$(bench_results_dir zipf)
procs_init
start_emulator || procs_die "emulator did not start"
# The emulator is not Spotify: switch the app-quota guard and the per-client limit off, so the
# numbers are the cache's alone.
bench_limits_off
# The budget reaches the gateway through its environment layer (there is no flag for it).
SIDETRACK_CACHE_MEMORY_MAX_BYTES=${ZIPF_MEMORY_BYTES:-16777216} start_gateway || procs_die "gateway did not start"

if [[ ${BENCH_QUICK:-0} == 1 ]]; then requests=${ZIPF_REQUESTS:-6000}; else requests=${ZIPF_REQUESTS:-60000}; fi
workers=${ZIPF_WORKERS:-8}
# Bounded: a workload that hangs is killed (by PID: timeout signals only its own child).
status=0
timeout "${BENCH_TIMEOUT:-900}" python3 bench/zipf_workload.py --gateway "$PROXY_URL" --admin "$ADMIN_URL" \
  --emulator "$EMULATOR_URL" --gateway-pid "$(procs_pid gateway)" --requests "$requests" --workers "$workers" \
  >"$results/report.md" || status=$?
cat "$results/report.md"
((status != 124)) || echo "zipf: the workload did not finish within ${BENCH_TIMEOUT:-900}s" >&2

if line=$(grep '^ZIPF_RESULT ' "$results/report.md"); then
  # One row for bench/all.sh's table, its seven fields one per line.
  # shellcheck disable=SC2086  # the result line is a list of key=value words on purpose
  mapfile -t row < <(python3 - "$workers" ${line#ZIPF_RESULT } <<'PY'
import sys
workers, z = sys.argv[1], {k: float(v) for k, v in (a.split("=", 1) for a in sys.argv[2:])}
reduction = z["reduction"]
verdict = "met" if reduction >= 0.8 else "**not met**"
notes = ""
if z["isolation_violations"] or z["stale_reads"] or z["errors"]:
    notes = (f"; **{z['isolation_violations']:.0f} isolation violations, {z['stale_reads']:.0f} stale reads, "
             f"{z['errors']:.0f} worker errors**")
print("3. Zipf mix")
print(f"{z['requests']:,.0f} calls, {workers} workers, Zipf s=1.1, {z['budget'] / 2**20:.0f} MiB budget")
print(f"{z['rps']:,.0f}")
print(f"{z['p50_us'] / 1000:.2f} ms")
print(f"{z['p99_us'] / 1000:.2f} ms")
print(f"{z['rss_after'] / 2**20:.1f} MiB")
print(f"upstream calls {reduction:.1%} fewer than client calls ({z['upstream']:,.0f} for {z['requests']:,.0f}; "
      f"goal ≥ 80 %: {verdict}){notes}")
PY
  )
  bench_row "${row[@]}"
else
  bench_row "3. Zipf mix" "$requests calls" "" "" "" "" "**no result** (see bench/run-zipf.sh's output)"
fi
echo "zipf: report in ${results#"$repo"/}"
exit "$status"
