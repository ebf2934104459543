#!/usr/bin/env bash
# Static checks of monitoring/alertmanager: amtool check-config, every routing case in
# tests/routes.yml (amtool config routes test --verify.receivers), and the notification templates
# rendered with sample data must print the summary, description, runbook and dashboard.
# Usage: scripts/ops-check-alertmanager.sh PYTHON   (a python with PyYAML, from the ops venv)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
python=${1:?usage: ops-check-alertmanager.sh PYTHON}
dir=$repo/monitoring/alertmanager
command -v amtool >/dev/null 2>&1 || { echo "amtool not found (scripts/install-deps.sh installs prometheus-alertmanager)" >&2; exit 1; }

failures=0
fail() { echo "FAIL alertmanager: $*" >&2; failures=$((failures + 1)); }

out=$(amtool check-config "$dir/alertmanager.yml" 2>&1) || fail "amtool check-config: $out"

# One case per line: "<receivers>\t<label=value> ...".
cases=$("$python" - "$dir/tests/routes.yml" <<'EOF'
import sys, yaml
for case in yaml.safe_load(open(sys.argv[1])):
    labels = " ".join(f"{k}={v}" for k, v in case["labels"].items())
    print(f"{case['receivers']}\t{labels}")
EOF
)
routes=0
while IFS=$'\t' read -r receivers labels; do
  routes=$((routes + 1))
  # shellcheck disable=SC2086  # labels are separate arguments on purpose
  if ! got=$(amtool config routes test --config.file="$dir/alertmanager.yml" \
      --verify.receivers="$receivers" $labels 2>/dev/null); then
    fail "route {$labels} went to '${got%%$'\n'*}', expected '$receivers'"
  fi
done <<<"$cases"

data=$dir/tests/template-data.json
render() {  # render TEMPLATE_NAME
  (cd "$dir" && amtool template render --template.glob='templates/*.tmpl' \
    --template.text="{{ template \"$1\" . }}" --template.data="$data" 2>&1)
}
for name in sidetrack.pager.description sidetrack.ticket.text sidetrack.ticket.subject; do
  render "$name" >/dev/null || fail "template $name does not render: $(render "$name")"
done
text=$(render sidetrack.ticket.text || true)
for want in "Spotify asked Sidetrack to stop calling" "Retry-After 2h 0m 0s" \
  "runbooks/SidetrackUpstreamRetryAfterLong.md" "d/sidetrack-upstream"; do
  grep -qF "$want" <<<"$text" || fail "ticket text lacks '$want':"$'\n'"$text"
done
pager=$(render sidetrack.pager.description || true)
[[ $pager == "[FIRING] SidetrackUpstreamRetryAfterLong (shop/web): Spotify asked"* ]] \
  || fail "pager description is '$pager'"

if ((failures)); then
  echo "alertmanager: $failures failure(s)" >&2
  exit 1
fi
echo "alertmanager: config OK, $routes routing cases OK, templates render summary/description/runbook/dashboard"
