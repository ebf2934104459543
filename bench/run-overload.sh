#!/usr/bin/env bash
# Overload (issue 7): at twice its peak offered load Sidetrack should keep answering — refusing the
# excess with 503/429 rather than letting requests time out — and recover within seconds after.
#
# The bottleneck is made real and known: the emulator delays every /v1/tracks/ answer by
# OVERLOAD_UPSTREAM_MS (fault injection, POST /_emulator/faults {"latency_ms":…}), so the catalog
# group's bulkhead (bulkhead.max_concurrent 32 in flight + max_queue 64 waiting ≤ queue_timeout
# 100 ms, the defaults) caps throughput at about 32 / latency, far below what the CPU allows.
#   1. peak: wrk, closed loop, OVERLOAD_PEAK_CONNECTIONS connections (the bulkhead's size) for
#      OVERLOAD_PEAK_DURATION; the 2xx rate is the peak;
#   2. overload: bench/openloop.py offers 2 × peak req/s open-loop (a new request on schedule
#      whatever the earlier ones did) for OVERLOAD_SECONDS and counts 2xx / 429 / 503 / other /
#      timeouts (no answer in OVERLOAD_CLIENT_TIMEOUT) / socket errors;
#   3. recovery: from the moment the load stops, a request every 50 ms until one answers 2xx within
#      1.5 × the unloaded latency (+ 5 ms), measured before the load.
# `Cache-Control: no-store` sends every request upstream (as bench/wrk.lua does). Rate limits off,
# as in the other harnesses (bench_limits_off): they would refuse the excess with 429 before the
# bulkhead ever filled, which measures only the limiter.
# Goal: timeouts + socket errors ≤ 0.1 % of the requests, and recovery within 5 s.
#
# OVERLOAD_BOTTLENECK=cpu measures the other kind of overload: a fast upstream, and the gateway
# itself the bottleneck — its process capped at OVERLOAD_CPU_PERCENT (default 10) % of one core with
# a cgroup v1 `cpu` quota (root; skipped with a message otherwise), so that twice its peak is a rate
# the Python generator can offer. Same peak / 2× / recovery steps and goal.
#
# Usage: bench/run-overload.sh
#        BENCH_QUICK=1 bench/run-overload.sh   (smoke: 3 s peak, 5 s overload)
# Env (defaults): OVERLOAD_UPSTREAM_MS=50 OVERLOAD_PEAK_CONNECTIONS=32 OVERLOAD_PEAK_DURATION=10s
#   OVERLOAD_SECONDS=15 OVERLOAD_FACTOR=2 OVERLOAD_CLIENT_TIMEOUT=5 (seconds)
#   OVERLOAD_RATE (req/s; offer this instead of FACTOR × the measured peak, to compare two builds
#   or settings at the same load)
#   SIDETRACK_BIN=.build-release/release/sidetrack BENCH_SKIP_BUILD=0 BENCH_ROWS_FILE (bench/all.sh's rows)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export SIDETRACK_BIN=${SIDETRACK_BIN:-$repo/.build-release/release/sidetrack}
# shellcheck source-path=SCRIPTDIR/..
source scripts/lib/procs.sh
# shellcheck source-path=SCRIPTDIR/..
source bench/lib/bench.sh

if [[ ${BENCH_QUICK:-0} == 1 ]]; then
  peak_duration=${OVERLOAD_PEAK_DURATION:-3s} seconds=${OVERLOAD_SECONDS:-5}
else
  peak_duration=${OVERLOAD_PEAK_DURATION:-10s} seconds=${OVERLOAD_SECONDS:-15}
fi
# upstream: the emulator answers 50 ms late, so the bulkhead is the bottleneck.
# cpu: a fast upstream, and the gateway capped at OVERLOAD_CPU_PERCENT of one core with a cgroup v1
#   `cpu` quota, so its own CPU is the bottleneck at a rate the Python generator can offer twice.
bottleneck=${OVERLOAD_BOTTLENECK:-upstream}
case $bottleneck in
  upstream) upstream_ms=${OVERLOAD_UPSTREAM_MS:-50} ;;
  cpu) upstream_ms=0 cpu_percent=${OVERLOAD_CPU_PERCENT:-10} cgroup=/sys/fs/cgroup/cpu/sidetrack-bench-$$ ;;
  *) procs_die "OVERLOAD_BOTTLENECK must be upstream or cpu, got '$bottleneck'" ;;
esac
peak_connections=${OVERLOAD_PEAK_CONNECTIONS:-32}
factor=${OVERLOAD_FACTOR:-2}
client_timeout=${OVERLOAD_CLIENT_TIMEOUT:-5}
path=/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh

bench_require_tools wrk curl python3
bench_build overload

results=$(bench_results_dir overload)
procs_init
start_emulator || procs_die "emulator did not start"
bench_limits_off
start_gateway || procs_die "gateway did not start"
gateway_pid=$(procs_pid gateway)

if [[ $bottleneck == upstream ]]; then
  curl -fsS -X POST -d "{\"latency_ms\":$upstream_ms,\"path_prefix\":\"/v1/tracks/\"}" \
    "$EMULATOR_URL/_emulator/faults" >/dev/null || procs_die "could not set the emulator's latency fault"
else
  if ! mkdir "$cgroup" 2>/dev/null || [[ ! -w $cgroup/cpu.cfs_quota_us ]]; then
    echo "overload: SKIPPING the CPU-bound case: cannot create a cgroup v1 cpu group at $cgroup" \
      "(needs root and the cpu controller)" >&2
    exit 0
  fi
  # Removed on exit once the gateway (its only member) has stopped.
  trap 'procs_stop_all; rmdir "$cgroup" 2>/dev/null || true' EXIT
  echo $((cpu_percent * $(cat "$cgroup/cpu.cfs_period_us") / 100)) >"$cgroup/cpu.cfs_quota_us"
  echo "$gateway_pid" >"$cgroup/cgroup.procs"
  echo "overload: gateway capped at ${cpu_percent} % of one core (cgroup $cgroup)"
fi
code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 -H 'Authorization: Bearer bench' \
  -H 'Cache-Control: no-store' "$PROXY_URL$path" || true)
[[ $code == 200 ]] || procs_die "Sidetrack did not answer the benchmark request with 200 (got ${code:-none})"

# 1. Peak: closed loop, as many connections as the bulkhead admits at once.
echo "overload: peak — wrk -c$peak_connections -d$peak_duration, bottleneck: $bottleneck"
wrk --latency -t2 -c"$peak_connections" -d"$peak_duration" --timeout 5s -s bench/wrk.lua "$PROXY_URL$path" \
  >"$results/peak.txt" 2>&1 || procs_die "wrk failed: $(tail -n 3 "$results/peak.txt")"
line=$(grep '^BENCH_RESULT ' "$results/peak.txt") || procs_die "no BENCH_RESULT in $results/peak.txt"
declare -A peak
for field in ${line#BENCH_RESULT }; do peak[${field%%=*}]=${field#*=}; done
((peak[non2xx] == 0 && peak[socket_errors] == 0)) \
  || echo "overload: WARNING: the peak run had ${peak[non2xx]} non-2xx and ${peak[socket_errors]} socket errors" >&2
# The peak is what the gateway completes, not what it refuses: the 2xx rate of the closed-loop run.
peak_rps=$(python3 -c "print(int(${peak[rps]} * (${peak[requests]} - ${peak[non2xx]}) / max(1, ${peak[requests]})))")
((peak_rps > 0)) || procs_die "peak run measured 0 2xx req/s"
rate=${OVERLOAD_RATE:-$((peak_rps * factor))}
[[ -z ${OVERLOAD_RATE:-} ]] || factor=$(python3 -c "print(round($rate / $peak_rps, 2))")
echo "overload: peak ${peak_rps} 2xx req/s (p50 $((peak[p50_us] / 1000)) ms, p99 $((peak[p99_us] / 1000)) ms); offering ${rate} req/s"
sleep 1  # let the peak run's connections close

# 2 + 3. Overload, open loop, then recovery; bounded by the client timeout and the probe limit.
timeout $((seconds + 2 * client_timeout + 60)) python3 bench/openloop.py --url "$PROXY_URL$path" \
  --header 'Authorization: Bearer bench' --header 'Cache-Control: no-store' --rate "$rate" \
  --duration "$seconds" --timeout "$client_timeout" --probe-max 30 --count-header Sidetrack-Error | tee "$results/overload.txt" \
  || procs_die "bench/openloop.py failed"
rss=$(bench_rss_kib "$gateway_pid") || rss=0
kill -0 "$gateway_pid" 2>/dev/null || procs_die "the gateway died under overload"
# The gateway's own view (its access log): how long requests took from the moment it read their
# head. A client-side timeout with no gateway-side request that long waited before the gateway
# read it (generator pool, accept backlog, socket buffer), not inside it.
python3 - "$GATEWAY_LOG" "$client_timeout" <<'PY' | tee -a "$results/overload.txt"
import json, sys
slow_ms = float(sys.argv[2]) * 1000
by_status = {}
for line in open(sys.argv[1], errors="replace"):
    if '"msg":"request"' not in line:
        continue
    try:
        record = json.loads(line)
    except ValueError:
        continue
    by_status.setdefault(record.get("status"), []).append(float(record.get("duration_ms") or 0))
def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0
parts = []
for status, values in sorted(by_status.items(), key=lambda item: str(item[0])):
    slow = sum(1 for v in values if v > slow_ms)
    parts.append(f"{status} × {len(values)}: p50 {pct(values, 0.5):.1f} ms, p99 {pct(values, 0.99):.1f} ms, "
                 f"max {max(values):.1f} ms, {slow} over {slow_ms / 1000:g} s")
print("gateway-side (head read → answer written): " + ("; ".join(parts) or "no access lines"))
PY

line=$(grep '^OPENLOOP_RESULT ' "$results/overload.txt") || procs_die "no OPENLOOP_RESULT line"
mapfile -t row < <(python3 - "$peak_rps" "$factor" "$upstream_ms" "$rss" "${line#OPENLOOP_RESULT }" \
  "$bottleneck" "${cpu_percent:-}" <<'PY'
import sys
peak, factor, upstream_ms, rss_kib = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
bottleneck, cpu_percent = sys.argv[6], sys.argv[7]
o = {k: float(v) for k, v in (a.split("=", 1) for a in sys.argv[5].split())}
sent = o["sent"]
failed = o["timeouts"] + o["socket_errors"]
recovery = o["recovery_ms"]
answered_ok = failed <= 0.001 * sent
recovered = 0 <= recovery <= 5000
pct = lambda n: f"{100 * n / sent:.1f} %" if sent else "n/a"  # noqa: E731
if bottleneck == "cpu":
    print("5. Overload, CPU-bound")
    why = f"fast upstream, gateway capped at {cpu_percent} % of one core: its CPU the bottleneck"
else:
    print("5. Overload")
    why = f"upstream +{upstream_ms} ms, bulkhead the bottleneck"
print(f"{factor}× peak: {o['offered_rps']:,.0f} req/s offered open-loop for {o['seconds']:.0f} s "
      f"(peak {peak:,} req/s closed-loop; {why})")
print(f"{o['answered'] / o['seconds']:,.0f} answered ({o['s2xx'] / o['seconds']:,.0f} 2xx)")
print(f"{o['p50_us'] / 1000:.2f} ms")
print(f"{o['p99_us'] / 1000:.2f} ms")
print(f"{rss_kib / 1024:.1f} MiB" if rss_kib else "")
verdict = "met" if answered_ok and recovered else "**not met**"
recovery_text = f"recovered in {recovery / 1000:.2f} s" if recovery >= 0 else "**did not recover within 30 s**"
print(f"2xx {pct(o['s2xx'])}, 503 {pct(o['s503'])}, 429 {pct(o['s429'])}, other {pct(o['other'])}, "
      f"timeouts {pct(o['timeouts'])}, socket errors {pct(o['socket_errors'])}; 2xx p99 {o['ok_p99_us'] / 1000:.0f} ms; "
      f"{recovery_text} "
      f"(goal: ≤ 0.1 % timeouts + errors, recovery ≤ 5 s: {verdict})")
PY
)
bench_row "${row[@]}"
echo "overload: ${row[6]}"
echo "overload: raw results in ${results#"$repo"/}"
