#!/usr/bin/env bash
# The cache under a realistic mix (issue 3, point 8): bench/zipf_workload.py through a release
# Sidetrack (memory tier only, a small budget so it fills and evicts) in front of the emulator.
# Prints the report; exits non-zero on any isolation violation or stale read after a mutation.
#
# Usage: bench/run-zipf.sh
# Env (defaults): ZIPF_REQUESTS=60000 ZIPF_WORKERS=8 ZIPF_MEMORY_BYTES=16777216 (16 MiB)
#   SIDETRACK_BIN=.build/release/sidetrack BENCH_SKIP_BUILD=0
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export SIDETRACK_BIN=${SIDETRACK_BIN:-$repo/.build/release/sidetrack}
# shellcheck source-path=SCRIPTDIR/..
source scripts/lib/procs.sh

if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  echo "zipf: building release (swift build -c release --product sidetrack)…"
  SWIFT_DETERMINISTIC_HASHING=1 swift build -c release --product sidetrack >/dev/null \
    || procs_die "release build failed (rerun: swift build -c release --product sidetrack)"
fi

results="$repo/bench/results/zipf-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
procs_init
start_emulator || procs_die "emulator did not start"
# The emulator is not Spotify: switch the app-quota guard and the per-client limit off, so the
# numbers are the cache's alone.
bench_limits_off
# The budget reaches the gateway through its environment layer (there is no flag for it).
SIDETRACK_CACHE_MEMORY_MAX_BYTES=${ZIPF_MEMORY_BYTES:-16777216} start_gateway || procs_die "gateway did not start"

python3 bench/zipf_workload.py --gateway "$PROXY_URL" --admin "$ADMIN_URL" --emulator "$EMULATOR_URL" \
  --gateway-pid "$(procs_pid gateway)" --requests "${ZIPF_REQUESTS:-60000}" --workers "${ZIPF_WORKERS:-8}" \
  | tee "$results/report.md"
status=${PIPESTATUS[0]}
echo "zipf: report in ${results#"$repo"/}"
exit "$status"
