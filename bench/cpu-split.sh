#!/usr/bin/env bash
# Splits a cache hit's CPU into user and system time, Sidetrack beside nginx's proxy_cache, to
# show where the difference between them lies (`bench/run.sh` reports only their sum). Each target
# in turn (alternating, CPU_SPLIT_RUNS rounds) takes `wrk -t2 -c32` for 8 s on the 100 hot URLs;
# its user and system ticks come from /proc/PID/stat (nginx: master and workers summed), and its
# involuntary context switches (every thread's, from /proc/PID/task/*/status) per request: how
# often its threads were preempted, here mostly by wrk's threads waking on the same cores.
# CPU_SPLIT_FLOOR=1 adds SwiftNIO's floor (`nio-floor scan`: a hit's bytes for every request, no
# gateway work; NIO_FLOOR_BIN, or built from Benchmarks/ by `bench_nio_floor_bin`).
#
# Usage: bench/cpu-split.sh [BIN]   (default: the release build)
# Env: CPU_SPLIT_RUNS=2, CPU_SPLIT_FLOOR=0, NIO_FLOOR_BIN
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
export SIDETRACK_BIN=$(realpath "${1:-$repo/.build-release/release/sidetrack}")
# shellcheck source-path=SCRIPTDIR/..
source scripts/lib/procs.sh
# shellcheck source-path=SCRIPTDIR/..
source bench/lib/bench.sh
runs=${CPU_SPLIT_RUNS:-2}
[[ $runs =~ ^[1-9][0-9]*$ ]] || procs_die "CPU_SPLIT_RUNS must be a positive integer, got '$runs'"
bench_require_tools wrk nginx curl python3

procs_init
start_emulator
bench_limits_off
start_gateway
nginx_port=$(bench_free_port)
nginx_dir="$PROCS_DIR/nginx"
mkdir -p "$nginx_dir/tmp"
chmod 755 "$PROCS_DIR" "$nginx_dir"
sed -e "s|@DIR@|$nginx_dir|g" -e "s|@PORT@|$nginx_port|g" -e "s|@UPSTREAM@|$EMULATOR_ADDR|g" \
  bench/nginx-cache.conf.template >"$nginx_dir/nginx.conf"
procs_start nginx nginx -p "$nginx_dir" -e "$nginx_dir/error.log" -c "$nginx_dir/nginx.conf"
nginx_url="http://127.0.0.1:$nginx_port"
targets=(sidetrack nginx)
if [[ ${CPU_SPLIT_FLOOR:-0} == 1 ]]; then
  floor_bin=$(bench_nio_floor_bin) || procs_die "no nio-floor to measure"
  procs_start floor "$floor_bin" scan 2
  floor_url="http://$(procs_wait_bound floor proxy)"
  targets+=(floor)
fi
for _ in $(seq 1 50); do curl -s -o /dev/null "$nginx_url/" && break; sleep 0.1; done
for url in "$PROXY_URL" "$nginx_url"; do
  bench_warm_hot "$url"
done

ticks() {  # user and system clock ticks summed over the PIDs given
  local user=0 system=0 u s pid
  for pid in "$@"; do
    read -r u s < <(awk '{print $14, $15}' "/proc/$pid/stat")
    user=$((user + u)) system=$((system + s))
  done
  echo "$user $system"
}

switches() {  # involuntary context switches summed over every thread of the PIDs given
  local total=0 n pid task
  for pid in "$@"; do
    for task in /proc/"$pid"/task/*; do
      n=$(awk '/^nonvoluntary_ctxt_switches/ {print $2}' "$task/status" 2>/dev/null || echo 0)
      total=$((total + ${n:-0}))
    done
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)
for _ in $(seq 1 "$runs"); do
  for target in "${targets[@]}"; do
    case $target in
      sidetrack) pids=("$(procs_pid gateway)") url=$PROXY_URL ;;
      nginx)
        master=$(procs_pid nginx)
        mapfile -t pids < <(echo "$master"; pgrep -P "$master")
        url=$nginx_url
        ;;
      floor) pids=("$(procs_pid floor)") url=$floor_url ;;
    esac
    wrk -t2 -c32 -d2s -s bench/wrk-hit.lua "$url" >/dev/null
    read -r user0 system0 < <(ticks "${pids[@]}")
    preempted0=$(switches "${pids[@]}")
    requests=$(wrk -t2 -c32 -d8s -s bench/wrk-hit.lua "$url/v1/tracks/x" | awk '/requests in/ {print $1}')
    read -r user1 system1 < <(ticks "${pids[@]}")
    preempted1=$(switches "${pids[@]}")
    python3 -c "
r, hz = $requests, $hz
user, system = ($user1 - $user0) * 1e6 / hz / r, ($system1 - $system0) * 1e6 / hz / r
print(f'$target: {r / 8:,.0f} req/s, user {user:.1f} µs + system {system:.1f} µs = {user + system:.1f} µs of CPU per hit; '
      f'{($preempted1 - $preempted0) / r:.2f} involuntary context switches per request')"
  done
done
