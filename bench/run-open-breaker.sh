#!/usr/bin/env bash
# How fast Sidetrack refuses while a circuit breaker is open (issue 4: "a fast 503, answered in
# well under a millisecond"): the emulator answers 500 on album routes, a few requests trip the
# catalog breaker (held open for 60 s), then wrk measures the refusals.
#
# Usage: bench/run-open-breaker.sh
# Env (defaults): BENCH_DURATION=10s BENCH_THREADS=2 BENCH_CONNECTIONS=32
#   SIDETRACK_BIN=.build-release/release/sidetrack BENCH_SKIP_BUILD=0
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export SIDETRACK_BIN=${SIDETRACK_BIN:-$repo/.build-release/release/sidetrack}
# shellcheck source-path=SCRIPTDIR/..
source scripts/lib/procs.sh
# shellcheck source-path=SCRIPTDIR/..
source bench/lib/bench.sh

bench_build open-breaker
procs_init
start_emulator || procs_die "emulator did not start"
# Quota guard and client limit off (the emulator is not Spotify); the breaker stays open for 60 s.
bench_limits_off
export SIDETRACK_BREAKER_OPEN_FOR=60s SIDETRACK_BREAKER_OPEN_FOR_MAX=60s SIDETRACK_RETRY_MAX_ATTEMPTS=1
start_gateway || procs_die "gateway did not start"

curl -fsS -X POST -d '{"status":500,"path_prefix":"/v1/albums/"}' "$EMULATOR_URL/_emulator/faults" >/dev/null
for i in 1 2 3 4 5; do curl -s -o /dev/null -H 'Authorization: Bearer bench' "$PROXY_URL/v1/albums/trip$i"; done
label=$(curl -s -o /dev/null -D - -H 'Authorization: Bearer bench' "$PROXY_URL/v1/albums/open1" \
  | tr -d '\r' | awk -F': ' 'tolower($1)=="sidetrack-error"{print $2}')
[[ $label == circuit_open ]] || procs_die "the catalog breaker did not open (Sidetrack-Error: ${label:-none})"
before=$(curl -fsS "$EMULATOR_URL/_emulator/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')

cat >"$PROCS_DIR/open.lua" <<'LUA'
wrk.headers["Authorization"] = "Bearer bench"
done = function(summary, latency, requests)
  io.write(string.format("OPEN_RESULT rps=%.0f p50_us=%d p99_us=%d requests=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99),
    summary.requests, summary.errors.status))
end
LUA
out=$(wrk --latency -t"${BENCH_THREADS:-2}" -c"${BENCH_CONNECTIONS:-32}" -d"${BENCH_DURATION:-10s}" \
  -s "$PROCS_DIR/open.lua" "$PROXY_URL/v1/albums/open1")
after=$(curl -fsS "$EMULATOR_URL/_emulator/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
echo "$out" | grep -E 'Latency|Requests/sec'
echo "$out" | grep '^OPEN_RESULT'
echo "upstream calls during the run: $((after - before))"
