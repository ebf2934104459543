#!/usr/bin/env bash
# Splits a cache hit's CPU into user and system time, Sidetrack beside nginx's proxy_cache, to
# show where the difference between them lies (`bench/run.sh` reports only their sum). Each target
# in turn (alternating, CPU_SPLIT_RUNS rounds) takes `wrk -t2 -c32` for 8 s on the 100 hot URLs;
# its user and system ticks come from /proc/PID/stat (nginx: master and workers summed).
#
# Usage: bench/cpu-split.sh [BIN]   (default: the release build)   Env: CPU_SPLIT_RUNS=2
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
for _ in $(seq 1 50); do curl -s -o /dev/null "$nginx_url/" && break; sleep 0.1; done
for url in "$PROXY_URL" "$nginx_url"; do
  for i in $(seq 0 99); do curl -s -o /dev/null -H "Authorization: Bearer bench" "$url/v1/tracks/benchhot$(printf %03d "$i")?market=US"; done
done

ticks() {  # user and system clock ticks summed over the PIDs given
  local user=0 system=0 u s pid
  for pid in "$@"; do
    read -r u s < <(awk '{print $14, $15}' "/proc/$pid/stat")
    user=$((user + u)) system=$((system + s))
  done
  echo "$user $system"
}
hz=$(getconf CLK_TCK)
for _ in $(seq 1 "$runs"); do
  for target in sidetrack nginx; do
    if [[ $target == sidetrack ]]; then
      pids=("$(procs_pid gateway)") url=$PROXY_URL
    else
      master=$(procs_pid nginx)
      mapfile -t pids < <(echo "$master"; pgrep -P "$master")
      url=$nginx_url
    fi
    wrk -t2 -c32 -d2s -s bench/wrk-hit.lua "$url" >/dev/null
    read -r user0 system0 < <(ticks "${pids[@]}")
    requests=$(wrk -t2 -c32 -d8s -s bench/wrk-hit.lua "$url/v1/tracks/x" | awk '/requests in/ {print $1}')
    read -r user1 system1 < <(ticks "${pids[@]}")
    python3 -c "
r, hz = $requests, $hz
user, system = ($user1 - $user0) * 1e6 / hz / r, ($system1 - $system0) * 1e6 / hz / r
print(f'$target: {r / 8:,.0f} req/s, user {user:.1f} µs + system {system:.1f} µs = {user + system:.1f} µs of CPU per hit')"
  done
done
