#!/usr/bin/env bash
# `make test-ops-live`: the operations pack against a real Prometheus.
#  1. starts the emulator and Sidetrack (port 0) and drives traffic: repeated and distinct reads
#     (cache hits and misses), 404s, unknown routes, mutations, the token endpoint, and through
#     emulator faults a 503, a reset connection, a slow answer, an upstream timeout and a 429
#     with Retry-After;
#  2. starts Prometheus (Debian package; a free loopback port, a temp data dir, 1 s scrape and
#     rule evaluation) scraping Sidetrack's admin listener with alerts/ loaded;
#  3. runs scripts/ops-live-queries.py: every dashboard query, variable and rule expression must
#     parse and return data, every rule must be healthy;
#  4. lints the live scrape with `promtool check metrics`.
# Every wait is bounded; every process started here is stopped by PID on exit (scripts/lib/procs.sh).
# Env: SIDETRACK_BIN (default .build/debug/sidetrack), OPS_LIVE_DEADLINE (seconds the queries are
# retried, default 60), PROCS_KEEP_LOGS=1 to keep the logs and Prometheus' data.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
# shellcheck source-path=SCRIPTDIR/..
source scripts/lib/procs.sh
# shellcheck source-path=SCRIPTDIR/..
source scripts/ops-venv.sh || exit 1

for tool in prometheus promtool curl python3; do
  command -v "$tool" >/dev/null 2>&1 || procs_die "$tool not found (run scripts/install-deps.sh)"
done
deadline=${OPS_LIVE_DEADLINE:-60}

procs_init
start_emulator
# A short upstream timeout so one emulator delay produces a `timeout` outcome quickly.
SIDETRACK_UPSTREAM_REQUEST_TIMEOUT=2s start_gateway
echo "ops-live: emulator $EMULATOR_URL, Sidetrack proxy $PROXY_URL, admin $ADMIN_URL"

req() {  # req METHOD PATH [JSON-BODY] — prints the status code; never fails the script
  local extra=()
  [[ -n ${3:-} ]] && extra=(-H 'Content-Type: application/json' --data "$3")
  curl -sS -o /dev/null --max-time 5 -w '%{http_code}' -X "$1" -H 'Authorization: Bearer ops-live' \
    "${extra[@]}" "$PROXY_URL$2" 2>/dev/null || echo 000
}
fault() {  # fault JSON — the next matching emulator answers misbehave
  curl -sS -o /dev/null --max-time 5 -X POST "$EMULATOR_URL/_emulator/faults" -d "$1" \
    || procs_die "cannot set emulator fault $1"
}

traffic() {
  local i codes=()
  for i in 1 2 3 4 5 6; do  # the same keys again and again: cache hits once the cache exists
    codes+=("$(req GET /v1/tracks/4uLU6hMCjMI75M1A2tKUQC)" "$(req GET '/v1/albums/4aawyAB9vmqN3uQ7FjRGTy/tracks?limit=5&market=SE')")
  done
  for i in 1 2 3 4 5; do  # distinct keys: misses
    codes+=("$(req GET "/v1/artists/0OdUWJ0sBjDrqHygGUXeC$i")")
  done
  codes+=("$(req GET /v1/tracks/missingtrack"$RANDOM")")   # 404 from Spotify
  codes+=("$(req GET /v1/no-such-endpoint)")               # route `other`
  codes+=("$(req GET /v1/me)" "$(req GET /v1/me/playlists)" "$(req GET /v1/me/player/queue)")
  codes+=("$(req GET /v1/playlists/3cEYpjA9oz9GiPac4AsH4n/items)")
  # A mutation (invalidates that playlist's cached pages once the cache exists).
  codes+=("$(req POST /v1/playlists/3cEYpjA9oz9GiPac4AsH4n/items '{"uris":["spotify:track:4uLU6hMCjMI75M1A2tKUQC"]}')")
  codes+=("$(curl -sS -o /dev/null --max-time 5 -w '%{http_code}' -X POST "$PROXY_URL/api/token" \
    -d 'grant_type=client_credentials' -u ops:live 2>/dev/null || echo 000)")
  fault '{"status":503,"count":2,"path_prefix":"/v1/tracks"}'
  codes+=("$(req GET /v1/tracks/4uLU6hMCjMI75M1A2tKUQC)" "$(req GET /v1/tracks/3n3Ppam7vgaVa1iaRUc9Lp)")
  fault '{"reset":true,"count":1,"path_prefix":"/v1/albums"}'
  codes+=("$(req GET /v1/albums/4aawyAB9vmqN3uQ7FjRGTy)")
  fault '{"latency_ms":1200,"count":1,"path_prefix":"/v1/artists"}'   # slow but successful: > 1 s
  codes+=("$(req GET /v1/artists/0OdUWJ0sBjDrqHygGUXeC9)")
  fault '{"latency_ms":2500,"count":1,"path_prefix":"/v1/artists"}'   # over the 2 s upstream timeout
  codes+=("$(req GET /v1/artists/0OdUWJ0sBjDrqHygGUXeC8)")
  fault '{"retry_after":2,"count":1,"path_prefix":"/v1/search"}'      # Spotify 429 + Retry-After
  codes+=("$(req GET '/v1/search?q=abba&type=track')" "$(req GET '/v1/search?q=abba&type=track')")
  curl -sS -o /dev/null --max-time 5 -X DELETE "$EMULATOR_URL/_emulator/faults" || true
  echo "ops-live: traffic answered: $(printf '%s\n' "${codes[@]}" | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}')"
}
traffic

# Prometheus cannot bind port 0: ask the kernel for a free loopback port, then hand it over.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
prom_dir="$PROCS_DIR/prometheus"
mkdir -p "$prom_dir/data"
admin_addr=${ADMIN_URL#http://}
{
  echo "global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}"
  echo "rule_files:"
  for f in "$repo"/alerts/*.rules.yml; do echo "  - $f"; done
  echo "scrape_configs:"
  echo "  - job_name: sidetrack"
  echo "    static_configs:"
  echo "      - targets: ['$admin_addr']"
  # The labels a PodMonitor would add, so per-app and per-pod queries have something to group by.
  echo "        labels: {namespace: ops-live, app: ops-live, pod: sidetrack-live-0}"
} >"$prom_dir/prometheus.yml"
promtool check config "$prom_dir/prometheus.yml" >/dev/null || procs_die "generated Prometheus config is invalid"
procs_start prometheus prometheus --config.file="$prom_dir/prometheus.yml" \
  --storage.tsdb.path="$prom_dir/data" --web.listen-address="127.0.0.1:$port" --log.level=warn
PROM_URL="http://127.0.0.1:$port"

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND... — polls until COMMAND succeeds
  local limit=$1 what=$2; shift 2
  local stop=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= stop)); then procs_show_logs prometheus; procs_die "timed out after ${limit}s waiting for $what"; fi
    kill -0 "$(procs_pid prometheus)" 2>/dev/null || { procs_show_logs prometheus; procs_die "prometheus exited"; }
    sleep 0.5
  done
}
# shellcheck disable=SC2317  # called through wait_for
scraped() {
  curl -sf --max-time 2 "$PROM_URL/api/v1/query" --data-urlencode 'query=up{job="sidetrack"} == 1' | grep -q '"value"'
}
wait_for 30 "Prometheus to be ready on $PROM_URL" curl -sf --max-time 2 "$PROM_URL/-/ready"
wait_for 30 "Prometheus to scrape Sidetrack" scraped
echo "ops-live: Prometheus $PROM_URL scrapes $ADMIN_URL; querying (retrying empty results for up to ${deadline}s)"

# Light, bounded background traffic so rates stay non-zero while the queries run.
# shellcheck disable=SC2016  # expanded by the inner bash: $1 = proxy URL, $2 = seconds to run
load='end=$((SECONDS + $2)); while ((SECONDS < end)); do
  curl -s -o /dev/null --max-time 2 -H "Authorization: Bearer ops-live" "$1/v1/tracks/4uLU6hMCjMI75M1A2tKUQC"
  curl -s -o /dev/null --max-time 2 -H "Authorization: Bearer ops-live" "$1/v1/artists/0OdUWJ0sBjDrqHygGUXeC1"
  sleep 0.5
done'
procs_start load bash -c "$load" load "$PROXY_URL" "$((deadline + 30))"
traffic >/dev/null

status=0
"$OPS_PY" scripts/ops-live-queries.py --prometheus "$PROM_URL" --deadline "$deadline" || status=1

scrape="$PROCS_DIR/metrics.txt"
curl -sS --max-time 5 -o "$scrape" "$ADMIN_URL/metrics" || procs_die "scrape of $ADMIN_URL/metrics failed"
findings=$(promtool check metrics <"$scrape" 2>&1) || true
if [[ -n $findings ]]; then
  echo "FAIL promtool check metrics on the live scrape:"
  awk '{print "     " $0}' <<<"$findings"
  status=1
else
  echo "live: promtool check metrics clean ($(grep -c '^# TYPE ' "$scrape") families, $(grep -cv -e '^#' -e '^$' "$scrape") samples)"
fi

if ((status)); then
  echo "ops-live: FAILED"
else
  echo "ops-live: OK"
fi
exit "$status"
