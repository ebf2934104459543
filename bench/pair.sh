#!/usr/bin/env bash
# Compares two Sidetrack builds' CPU per request, paired: both gateways serve at once in front of
# one emulator, one wrk loads each at the same time (started in swapped order every other run), and
# each gateway's CPU comes from its /proc/PID/stat. Whatever else the machine is doing then weighs
# on both alike: separate runs move by ±15 % or more, the ratio within a pair far less, which is
# what a change of a few per cent needs.
#
# Usage: bench/pair.sh OLD_BIN NEW_BIN
# Env (defaults): PAIR_MODE=hit (hit: 100 warmed hot URLs; passthrough: `no-store`, every request
#   upstream; close: hits with `Connection: close`; refusal: every request a `503 bulkhead_full`, as
#   bench_load sets it up) PAIR_RUNS=6 PAIR_DURATION=8s PAIR_CONNECTIONS=16
#   PAIR_SEQUENTIAL=0 (1: the two builds take turns, each loaded alone by a two-thread wrk, as in
#   bench/all.sh: what concerns both event loops running at once, e.g. objects shared between
#   them, shows there and is diluted when four loops share two cores)
# Prints per run: µs of CPU per request and requests answered for each build, and NEW ÷ OLD; then
# the median ratio.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
(($# == 2)) || { echo "usage: bench/pair.sh OLD_BIN NEW_BIN" >&2; exit 2; }
old_bin=$(realpath "$1") new_bin=$(realpath "$2")
export SIDETRACK_BIN=$old_bin
# shellcheck source-path=SCRIPTDIR/..
source scripts/lib/procs.sh
# shellcheck source-path=SCRIPTDIR/..
source bench/lib/bench.sh

mode=${PAIR_MODE:-hit} runs=${PAIR_RUNS:-6} duration=${PAIR_DURATION:-8s} connections=${PAIR_CONNECTIONS:-16}
sequential=${PAIR_SEQUENTIAL:-0} wrk_threads=1
[[ $sequential == 0 || $sequential == 1 ]] || procs_die "PAIR_SEQUENTIAL must be 0 or 1, got '$sequential'"
# Alone, a build gets the whole machine and both cores' loops run at once, as in bench/all.sh.
[[ $sequential == 1 ]] && wrk_threads=2
[[ $runs =~ ^[1-9][0-9]*$ ]] || procs_die "PAIR_RUNS must be a positive integer, got '$runs'"
procs_init
script_dir=$PROCS_DIR
case $mode in
  hit) lua=bench/wrk-hit.lua ;;
  passthrough) lua=bench/wrk.lua ;;
  close)
    { echo 'wrk.headers["Connection"] = "close"'; sed 's|^dofile.*|dofile("'"$repo"'/bench/wrk-report.lua")|' bench/wrk-hit.lua; } >"$script_dir/close.lua"
    lua=$script_dir/close.lua ;;
  refusal) bench_load refusal PAIR_MODE; lua=$BENCH_WRK_SCRIPT ;;
  *) procs_die "PAIR_MODE must be hit, passthrough, close or refusal, got '$mode'" ;;
esac
for bin in "$old_bin" "$new_bin"; do [[ -x $bin ]] || procs_die "not an executable: $bin"; done
bench_require_tools wrk curl

start_emulator || procs_die "emulator did not start"
bench_limits_off
declare -A url pid
for name in old new; do
  bin=$old_bin
  [[ $name == new ]] && bin=$new_bin
  procs_start "$name" "$bin" serve --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 \
    --upstream "$EMULATOR_URL" --accounts-upstream "$EMULATOR_URL" --cache-path none
  url[$name]="http://$(procs_wait_bound "$name" proxy)"
  pid[$name]=$(procs_pid "$name")
  # Warm the 100 hot URLs (and the connections) so the runs measure hits.
  wrk -t1 -c4 -d2s -s bench/wrk-hit.lua "${url[$name]}" >/dev/null
done
bench_load_ready

# utime + stime of PID, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks_per_second=$(getconf CLK_TCK)

# One run against NAME, in the background: writes µs of CPU per request to $PROCS_DIR/NAME.run.
measure() {
  local name=$1 before after out requests
  before=$(cpu_ticks "${pid[$name]}")
  out=$(wrk -t"$wrk_threads" -c"$connections" -d"$duration" -s "$lua" "${url[$name]}/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh")
  after=$(cpu_ticks "${pid[$name]}")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  ((requests > 0)) || { echo "$name answered no requests: $out" >&2; return 1; }
  # A build that answers with errors would look cheap: only 2xx runs count. Refusal runs count
  # when nearly every answer is non-2xx (the 503s; the held slot's few 200s aside) and none failed.
  if [[ $mode == refusal ]]; then
    local refused
    refused=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    ! grep -qE "Socket errors" <<<"$out" && ((${refused:-0} * 100 >= requests * 99)) \
      || { echo "$name: not a run of refusals (${refused:-0} non-2xx of $requests): $out" >&2; return 1; }
  else
    ! grep -qE "Non-2xx|Socket errors" <<<"$out" || { echo "$name: errors in the run: $out" >&2; return 1; }
  fi
  python3 -c "print(f'{($after - $before) / $ticks_per_second * 1e6 / $requests:.1f} {$requests}')" >"$PROCS_DIR/$name.run"
}

ratios=()
echo "pair: $mode, $runs runs of ${duration} at ${connections} connections$([[ $sequential == 1 ]] && echo ", one build at a time"); µs CPU per request"
for ((run = 1; run <= runs; run++)); do
  if ((run % 2)); then
    order=(old new)
  else
    order=(new old)
  fi
  if [[ $sequential == 1 ]]; then
    for name in "${order[@]}"; do measure "$name" || procs_die "run $run failed"; done
  else
    measure "${order[0]}" & first=$!; measure "${order[1]}" & second=$!
    wait "$first" && wait "$second" || procs_die "run $run failed"
  fi
  read -r o o_requests <"$PROCS_DIR/old.run"
  read -r n n_requests <"$PROCS_DIR/new.run"
  ratio=$(python3 -c "print(f'{$n / $o:.3f}')")
  ratios+=("$ratio")
  echo "run $run: old $o µs ($o_requests req)  new $n µs ($n_requests req)  new/old $ratio"
done
python3 -c "import statistics, sys; r = sorted(map(float, sys.argv[1:])); print(f'median new/old {statistics.median(r):.3f} (range {r[0]:.3f}-{r[-1]:.3f}, {len(r)} pairs)')" "${ratios[@]}"
