#!/usr/bin/env bash
# Memory (issue 7): idle RSS, RSS under load against the cache's byte budget, and no growth over a
# bounded soak. One gateway (memory tier only) in front of the emulator, RSS read from
# /proc/PID/status (VmRSS):
#   1. idle: 1 s after the listeners are bound, and again after 20 requests of the mix;
#      goal ≤ 40 MiB both;
#   2. load: bench/wrk-mix.lua closed loop (wrk -t2 -c32) for MEMORY_LOAD_DURATION — 80 % cacheable
#      reads over 50,000 ids (the tier fills and evicts), 10 % no-store, 5 % /v1/me over 100
#      tokens, 5 % POSTs with a body; RSS sampled every second; its req/s is the peak;
#      goal: highest RSS, here and during the soak, ≤ idle + 1.1 × the memory tier's budget;
#   3. soak: the same mix paced to half the peak for SOAK_SECONDS (wrk-mix.lua hands out send
#      slots at a fixed rate), RSS sampled every SOAK_SAMPLE_SECONDS; first-minute vs last-minute
#      mean (first/last fifth when the soak is shorter than 5 minutes) and least-squares slopes over
#      the whole soak and its second half;
#      goal: last − first ≤ max(2 MiB, 5 % of first).
#
# Usage: bench/run-memory.sh
#        BENCH_QUICK=1 bench/run-memory.sh   (smoke: 16 MiB budget, 5 s load, 30 s soak)
# Env (defaults): SOAK_SECONDS=600 SOAK_SAMPLE_SECONDS=5 MEMORY_LOAD_DURATION=20
#   MEMORY_BUDGET_BYTES=67108864 (the gateway's default) SOAK_CONNECTIONS=16
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
  soak=${SOAK_SECONDS:-30} sample=${SOAK_SAMPLE_SECONDS:-1} load=${MEMORY_LOAD_DURATION:-5}
  budget=${MEMORY_BUDGET_BYTES:-16777216}
else
  soak=${SOAK_SECONDS:-600} sample=${SOAK_SAMPLE_SECONDS:-5} load=${MEMORY_LOAD_DURATION:-20}
  budget=${MEMORY_BUDGET_BYTES:-67108864}
fi
soak_connections=${SOAK_CONNECTIONS:-16}
for n in "$soak" "$sample" "$load"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || procs_die "SOAK_SECONDS, SOAK_SAMPLE_SECONDS and MEMORY_LOAD_DURATION must be positive integers"
done
bench_require_tools wrk curl python3
bench_build memory

results=$(bench_results_dir memory)
procs_init
start_emulator || procs_die "emulator did not start"
bench_limits_off
SIDETRACK_CACHE_MEMORY_MAX_BYTES=$budget start_gateway || procs_die "gateway did not start"
pid=$(procs_pid gateway)
rss() { bench_rss_kib "$pid" || procs_die "gateway (pid $pid) is gone"; }

# 1. Idle.
sleep 1
idle_start=$(rss)
for ((i = 0; i < 20; i++)); do
  if ! curl -fsS -o /dev/null --max-time 5 -H "Authorization: Bearer memtoken$((i % 3))" "$PROXY_URL/v1/me" \
    || ! curl -fsS -o /dev/null --max-time 5 -H 'Authorization: Bearer bench' "$PROXY_URL/v1/tracks/memidle$i?market=US"; then
    procs_die "the gateway did not answer an idle request"
  fi
done
sleep 1
idle_after=$(rss)
echo "memory: idle RSS $((idle_start / 1024)) MiB just started, $((idle_after / 1024)) MiB after 40 requests"

# sample_while PID FILE INTERVAL — appends "SECONDS RSS_KIB" every INTERVAL s while PID lives.
sample_while() {
  local watched=$1 file=$2 every=$3 t0=$SECONDS
  while kill -0 "$watched" 2>/dev/null; do
    echo "$((SECONDS - t0)) $(rss)" >>"$file"
    sleep "$every"
  done
}
# run_mix NAME DURATION CONNECTIONS RATE SAMPLE — wrk with the mix in the background, RSS sampled;
# prints its BENCH_RESULT line. Each run starts the id cycle where the last one stopped ($offset).
offset=0
advance() {  # advance BENCH_RESULT-LINE — moves $offset past the requests of that run (per thread)
  local requests
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$1")
  offset=$(((offset + requests / 2) % 50000))
}
run_mix() {
  local name=$1 duration=$2 connections=$3 rate=$4 every=$5
  : >"$results/rss-$name.txt"
  timeout $((duration + 30)) wrk --latency -t2 -c"$connections" -d"${duration}s" --timeout 5s \
    -s bench/wrk-mix.lua "$PROXY_URL" -- "$rate" 2 "$offset" >"$results/wrk-$name.txt" 2>&1 &
  local wrk_pid=$!
  sample_while "$wrk_pid" "$results/rss-$name.txt" "$every"
  wait "$wrk_pid" || procs_die "wrk ($name) failed: $(tail -n 3 "$results/wrk-$name.txt")"
  grep '^BENCH_RESULT ' "$results/wrk-$name.txt" || procs_die "no BENCH_RESULT in $results/wrk-$name.txt"
}

# 2. Load: closed loop; the peak rate.
echo "memory: load — wrk-mix closed loop, -c32, ${load}s, budget $((budget >> 20)) MiB"
load_line=$(run_mix load "$load" 32 0 1)
advance "$load_line"
tier_stats() {  # bytes entries capacity-evictions of the memory tier
  curl -fsS "$ADMIN_URL/cache/stats" \
    | python3 -c 'import json,sys; m=json.load(sys.stdin)["tiers"]["memory"]; print(m["bytes"], m["entries"], m["evictions"]["capacity"])'
}
tier=$(tier_stats)
echo "memory: load ${load_line#BENCH_RESULT }; tier bytes/entries/evictions: $tier"
# The soak must start with the tier full (evicting), or it measures the tier filling, not a leak:
# more closed-loop load, 5 s at a time (RSS still sampled), until it evicts; bounded.
fill_deadline=$((SECONDS + ${MEMORY_FILL_MAX_SECONDS:-180}))
fill=0
while [[ ${tier##* } == 0 ]] && ((SECONDS < fill_deadline)); do
  fill=$((fill + 1))
  advance "$(run_mix "fill$fill" 5 32 0 1)"
  tier=$(tier_stats)
  echo "memory: filling the tier, +5 s: bytes/entries/evictions $tier"
done
[[ ${tier##* } != 0 ]] || echo "memory: WARNING: the memory tier did not fill within ${MEMORY_FILL_MAX_SECONDS:-180}s; the soak includes its filling" >&2

# 3. Soak: half the peak, paced.
peak=$(sed -E 's/.*rps=([0-9]+).*/\1/' <<<"$load_line")
rate=$((peak / 2))
((rate > 0)) || procs_die "the load phase measured no throughput"
echo "memory: soak — ${rate} req/s paced (half of ${peak}), ${soak}s, RSS every ${sample}s"
soak_line=$(run_mix soak "$soak" "$soak_connections" "$rate" "$sample")
echo "memory: soak ${soak_line#BENCH_RESULT }"
tier=$(tier_stats)  # at the end, for the table

mapfile -t rows < <(python3 - "$results" "$idle_start" "$idle_after" "$budget" "$load" "$soak" "$rate" "$fill" \
  "$load_line" "$soak_line" "$tier" <<'PY'
import sys
results, idle_start, idle_after, budget, load_s, soak_s, rate, fills = sys.argv[1], *map(int, sys.argv[2:9])
parse = lambda line: {k: float(v) for k, v in (a.split("=", 1) for a in line.split()[1:])}  # noqa: E731
load, soak = parse(sys.argv[9]), parse(sys.argv[10])
tier_bytes, tier_entries, tier_evictions = map(int, sys.argv[11].split())
mib = lambda kib: kib / 1024  # noqa: E731
met = lambda ok: "met" if ok else "**not met**"  # noqa: E731
samples = lambda name: [tuple(map(int, l.split())) for l in open(f"{results}/rss-{name}.txt") if l.strip()]  # noqa: E731,E741
load_rss = samples("load") + [s for i in range(1, fills + 1) for s in samples(f"fill{i}")]
soak_rss = samples("soak")
peak_rss = max(r for _, r in load_rss + soak_rss)  # under load: the closed-loop run and the soak
idle = max(idle_start, idle_after)
limit = idle + 1.1 * budget / 1024
window = min(60, soak_s / 5)
first = [r for t, r in soak_rss if t < window] or soak_rss[:1]
last = [r for t, r in soak_rss if t >= soak_s - window] or soak_rss[-1:]
mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
n = len(soak_rss)


def fit(points):  # least-squares slope, KiB per second
    if len(points) < 2:
        return 0.0
    mt, mr = mean([t for t, _ in points]), mean([r for _, r in points])
    var = sum((t - mt) ** 2 for t, _ in points)
    return sum((t - mt) * (r - mr) for t, r in points) / var if var else 0.0


slope = fit(soak_rss)
# The whole-run slope is pulled up by a settling first minute; the second half shows a trend.
slope_late = fit([(t, r) for t, r in soak_rss if t >= soak_s / 2])
growth = mean(last) - mean(first)
growth_ok = growth <= max(2048, 0.05 * mean(first))
mix = "mix: 80 % cacheable over 50k ids, 10 % no-store, 5 % /me × 100 tokens, 5 % POST"
print("4. Memory, idle")
print("just started; after 40 requests")
print(""); print(""); print("")
print(f"{mib(idle_start):.1f} → {mib(idle_after):.1f} MiB")
print(f"goal ≤ 40 MiB: {met(max(idle_start, idle_after) <= 40 * 1024)}")
print("4. Memory, under load")
fill_text = f" (+{5 * fills} s until the tier evicted)" if fills else ""
print(f"{mix}; -c32 closed loop, {load_s} s{fill_text}; {budget >> 20} MiB budget")
print(f"{load['rps']:,.0f}")
print(f"{load['p50_us'] / 1000:.2f} ms")
print(f"{load['p99_us'] / 1000:.2f} ms")
print(f"{mib(peak_rss):.1f} MiB max")
print(f"max RSS (load and soak) {mib(peak_rss):.1f} ≤ idle + 1.1 × budget = {mib(limit):.1f} MiB: {met(peak_rss <= limit)} "
      f"(tier {tier_bytes / 2**20:.1f} MiB in {tier_entries:,} entries, {tier_evictions:,} evictions)")
print("4. Memory, soak")
print(f"same mix paced to {rate:,} req/s (half the peak), {soak_s} s, RSS every {soak_rss[1][0] - soak_rss[0][0] if n > 1 else 0} s")
print(f"{soak['rps']:,.0f}")
print(f"{soak['p50_us'] / 1000:.2f} ms")
print(f"{soak['p99_us'] / 1000:.2f} ms")
print(f"{mib(mean(first)):.1f} → {mib(mean(last)):.1f} MiB")
print(f"first {window:.0f} s vs last {window:.0f} s: {growth / 1024:+.1f} MiB, slope {slope * 3600 / 1024:+.1f} MiB/h "
      f"({slope_late * 3600 / 1024:+.1f} MiB/h over the second half; {n} samples; goal growth ≤ max(2 MiB, 5 %): {met(growth_ok)})")
errors = [f"{name}: {int(r['non2xx'])} non-2xx / {int(r['socket_errors'])} socket errors"
          for name, r in (("load", load), ("soak", soak)) if r["non2xx"] or r["socket_errors"]]
print("NOTE " + "; ".join(errors) if errors else "NOTE")
PY
)
((${#rows[@]} == 22)) || procs_die "could not summarize the memory results (${#rows[@]} lines)"
bench_row "${rows[@]:0:7}"
bench_row "${rows[@]:7:7}"
bench_row "${rows[@]:14:7}"
printf '| %s | %s | %s | %s | %s | %s | %s |\n' "${rows[@]:0:21}"
[[ ${rows[21]} == NOTE ]] || echo "memory: WARNING: ${rows[21]#NOTE }" >&2
echo "memory: raw results in ${results#"$repo"/}"
