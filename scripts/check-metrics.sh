#!/usr/bin/env bash
# Lints Sidetrack's live /metrics with `promtool check metrics` on both listeners (proxy and
# admin) after a few representative requests, and checks that no raw Spotify id or path leaked
# into a label (DESIGN §4: labels are route templates, never raw paths or ids).
# Env: SIDETRACK_BIN (default .build/debug/sidetrack).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
# shellcheck source-path=SCRIPTDIR/..
source scripts/lib/procs.sh

command -v promtool >/dev/null 2>&1 || procs_die "promtool not found (scripts/install-deps.sh installs it via the prometheus package)"
command -v curl >/dev/null 2>&1 || procs_die "curl not found"

procs_init
start_emulator
start_gateway

# Distinctive ids: if they show up in /metrics, a raw path leaked into a label.
known_id="metricsprobe$RANDOM$RANDOM"
missing_id="missingmetricsprobe$RANDOM"
unknown_path="/v1/no-such-endpoint/metricsprobe$RANDOM"

send() {  # send EXPECTED_STATUS PATH
  local code
  code=$(curl -sS -o /dev/null --max-time 5 -w '%{http_code}' -H 'Authorization: Bearer check-metrics' "$PROXY_URL$2") \
    || procs_die "request to $PROXY_URL$2 failed"
  [[ $code == "$1" ]] || procs_die "GET $2 answered $code, expected $1"
}
send 200 "/v1/tracks/$known_id"
send 404 "/v1/tracks/$missing_id"
send 404 "$unknown_path"

indent() { sed -e 's/^/  /'; }
failures=0
summary=()
lint() {  # lint NAME URL
  local name=$1 url=$2 body findings code families samples
  body="$PROCS_DIR/metrics-$name.txt"
  code=$(curl -sS -o "$body" --max-time 5 -w '%{http_code}' "$url/metrics") || procs_die "scrape of $url/metrics failed"
  if [[ $code != 200 ]]; then
    echo "FAIL $name: GET $url/metrics answered $code" >&2
    failures=$((failures + 1)); summary+=("$name=HTTP$code"); return
  fi
  # promtool prints one line per finding (and exits non-zero); treat any output as a failure.
  findings=$(promtool check metrics <"$body" 2>&1) || true
  if [[ -n $findings ]]; then
    echo "FAIL $name: promtool check metrics found:" >&2
    indent <<<"$findings" >&2
    failures=$((failures + 1))
  fi
  local leaked
  leaked=$(grep -v '^#' "$body" | grep -E "$known_id|$missing_id|no-such-endpoint" || true)
  if [[ -n $leaked ]]; then
    echo "FAIL $name: raw ids/paths in metric labels (unbounded cardinality):" >&2
    indent <<<"$leaked" | head -n 10 >&2
    failures=$((failures + 1))
  fi
  if ! grep -q '^sidetrack_http_server_requests_total' "$body"; then
    echo "FAIL $name: no sidetrack_http_server_requests_total samples after 3 requests" >&2
    failures=$((failures + 1))
  fi
  families=$(grep -c '^# TYPE ' "$body" || true)
  samples=$(grep -cv -e '^#' -e '^$' "$body" || true)
  summary+=("$name=${families}families/${samples}samples")
}
lint proxy "$PROXY_URL"
lint admin "$ADMIN_URL"

if [[ $failures -eq 0 ]]; then
  echo "check-metrics: OK — promtool clean, no leaked ids (${summary[*]})"
else
  echo "check-metrics: FAILED — $failures finding(s) (${summary[*]})" >&2
  exit 1
fi
