# shellcheck shell=bash
# Sourceable helpers: start Sidetrack's emulator and gateway on port 0 in the background, learn
# their ports from the `listener.bound` log lines, and stop exactly the PIDs we started on exit.
#
#   source scripts/lib/procs.sh
#   procs_init                      # temp dir + EXIT/INT/TERM trap
#   start_emulator                  # sets EMULATOR_URL (http://127.0.0.1:PORT)
#   start_gateway                   # sets PROXY_URL, ADMIN_URL, GATEWAY_LOG
#
# Environment: SIDETRACK_BIN (default .build/debug/sidetrack), PROCS_WAIT_SECONDS (default 30),
# PROCS_KEEP_LOGS=1 keeps the log dir after exit. Logs live in $PROCS_DIR/<name>.{log,err}.

PROCS_REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SIDETRACK_BIN=${SIDETRACK_BIN:-$PROCS_REPO_ROOT/.build/debug/sidetrack}
PROCS_WAIT_SECONDS=${PROCS_WAIT_SECONDS:-30}
PROCS_DIR=""
PROCS_PIDS=()
PROCS_NAMES=()

procs_die() { echo "error: $*" >&2; exit 1; }

# Creates the log/temp dir and installs the cleanup trap. Call once, before starting anything.
procs_init() {
  PROCS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/sidetrack-procs.XXXXXX")
  trap 'procs_stop_all' EXIT
  # Turn Ctrl-C / TERM into a normal exit so the EXIT trap runs once.
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# procs_start NAME CMD [ARGS...] — runs CMD in the background, stdout → NAME.log, stderr → NAME.err.
procs_start() {
  local name=$1; shift
  [[ -n $PROCS_DIR ]] || procs_die "procs_init was not called"
  # SIDETRACK_BIN is ours, not the gateway's: its config rejects unknown SIDETRACK_* variables.
  env -u SIDETRACK_BIN "$@" >"$PROCS_DIR/$name.log" 2>"$PROCS_DIR/$name.err" </dev/null &
  PROCS_PIDS+=("$!")
  PROCS_NAMES+=("$name")
}

# procs_pid NAME — prints the PID recorded for NAME.
procs_pid() {
  local i
  for i in "${!PROCS_NAMES[@]}"; do
    if [[ ${PROCS_NAMES[$i]} == "$1" ]]; then echo "${PROCS_PIDS[$i]}"; return 0; fi
  done
  return 1
}

# procs_show_logs NAME — last lines of a process's logs, for error messages.
procs_show_logs() {
  local f
  for f in "$PROCS_DIR/$1.log" "$PROCS_DIR/$1.err"; do
    [[ -s $f ]] || continue
    echo "--- tail of $f" >&2
    tail -n 20 "$f" >&2
  done
}

# procs_wait_bound NAME LISTENER — waits (bounded) for NAME's log to show
# {"msg":"listener.bound","listener":LISTENER,"address":"HOST:PORT"} and prints HOST:PORT.
procs_wait_bound() {
  local name=$1 listener=$2 pid line addr
  pid=$(procs_pid "$name") || procs_die "no process named $name"
  local deadline=$((SECONDS + PROCS_WAIT_SECONDS))
  while ((SECONDS < deadline)); do
    # Match on each field separately so key order and spacing in the JSON do not matter.
    line=$(grep -E '"msg" *: *"listener\.bound"' "$PROCS_DIR/$name.log" 2>/dev/null \
      | grep -E "\"listener\" *: *\"$listener\"" | head -n 1 || true)
    if [[ -n $line ]]; then
      addr=$(sed -E 's/.*"address" *: *"([^"]+)".*/\1/' <<<"$line")
      [[ $addr =~ ^[0-9.]+:[0-9]+$ ]] || procs_die "$name: cannot parse address from: $line"
      echo "$addr"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      procs_show_logs "$name"
      procs_die "$name (pid $pid) exited before its $listener listener was bound"
    fi
    sleep 0.1
  done
  procs_show_logs "$name"
  procs_die "$name: no listener.bound line for '$listener' within ${PROCS_WAIT_SECONDS}s"
}

procs_require_bin() {
  [[ -x $SIDETRACK_BIN ]] || procs_die "sidetrack binary not found at $SIDETRACK_BIN (run 'swift build' first, or set SIDETRACK_BIN)"
}

# start_emulator [EXTRA ARGS...] — the fake Spotify. Sets EMULATOR_ADDR and EMULATOR_URL.
# shellcheck disable=SC2120  # extra args are optional
start_emulator() {
  procs_require_bin
  procs_start emulator "$SIDETRACK_BIN" emulator --listen 127.0.0.1:0 "$@"
  EMULATOR_ADDR=$(procs_wait_bound emulator emulator) || return 1
  EMULATOR_URL="http://$EMULATOR_ADDR"
  export EMULATOR_URL
}

# start_gateway [EXTRA ARGS...] — Sidetrack in front of the emulator, pass-through cache.
# Sets PROXY_URL, ADMIN_URL and GATEWAY_LOG (its JSON access log on stdout).
# shellcheck disable=SC2120  # extra args are optional
start_gateway() {
  procs_require_bin
  [[ -n ${EMULATOR_URL:-} ]] || procs_die "start_emulator must run before start_gateway"
  procs_start gateway "$SIDETRACK_BIN" serve --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 \
    --upstream "$EMULATOR_URL" --accounts-upstream "$EMULATOR_URL" --cache-path none "$@"
  local proxy admin
  proxy=$(procs_wait_bound gateway proxy) || return 1
  admin=$(procs_wait_bound gateway admin) || return 1
  PROXY_URL="http://$proxy"
  ADMIN_URL="http://$admin"
  GATEWAY_LOG="$PROCS_DIR/gateway.log"
  export PROXY_URL ADMIN_URL GATEWAY_LOG
}

# procs_stop NAME — SIGTERM, bounded wait (10 s), then SIGKILL. Returns the exit status
# (143 = died of SIGTERM; 137 = had to be killed).
procs_stop() {
  local pid status=0 i
  pid=$(procs_pid "$1") || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "warning: $1 (pid $pid) ignored SIGTERM for 10s; sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || status=$?
  # Forget it so the exit trap does not stop it again.
  for i in "${!PROCS_NAMES[@]}"; do
    [[ ${PROCS_NAMES[$i]} == "$1" ]] && PROCS_NAMES[i]="" && PROCS_PIDS[i]=""
  done
  return "$status"
}

# Stops every process we started, newest first (gateway before its upstream), then removes logs.
procs_stop_all() {
  local i name
  for ((i = ${#PROCS_NAMES[@]} - 1; i >= 0; i--)); do
    name=${PROCS_NAMES[$i]}
    [[ -n $name ]] && { procs_stop "$name" || true; }
  done
  if [[ -n $PROCS_DIR && -d $PROCS_DIR ]]; then
    if [[ ${PROCS_KEEP_LOGS:-0} == 1 ]]; then
      echo "logs kept in $PROCS_DIR" >&2
    else
      rm -rf "$PROCS_DIR"
    fi
  fi
}

# bench_limits_off — switch the app-quota guard and the per-client limit off for gateways started
# afterwards: the emulator is not Spotify, and a 10/s quota guard would only measure itself.
bench_limits_off() {
  export SIDETRACK_RATE_LIMIT_UPSTREAM_PER_SECOND=0 SIDETRACK_RATE_LIMIT_UPSTREAM_PER_MINUTE=0 \
    SIDETRACK_RATE_LIMIT_UPSTREAM_PER_HOUR=0 SIDETRACK_RATE_LIMIT_UPSTREAM_PER_30S=0 \
    SIDETRACK_RATE_LIMIT_CLIENT_PER_SECOND=0
}
