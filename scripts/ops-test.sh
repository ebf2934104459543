#!/usr/bin/env bash
# `make test-ops`: every static check of the operations pack (alerts, rule tests, runbooks,
# dashboards, Prometheus/Alertmanager config, Kubernetes manifests, Dockerfile). Runs them all,
# prints one PASS/FAIL line each (with the failing check's output), a summary line, and exits
# non-zero if any failed. The live check against a real Prometheus is scripts/ops-live-check.sh.
# Env: SIDETRACK_BIN (default .build/debug/sidetrack) for `sidetrack check-config` on the
# Kubernetes ConfigMap; skipped (and said so) when no binary is built.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 1

for tool in promtool amtool python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "test-ops: $tool not found (run scripts/install-deps.sh)" >&2; exit 1; }
done
# shellcheck source-path=SCRIPTDIR/..
source scripts/ops-venv.sh || exit 1
export SIDETRACK_BIN=${SIDETRACK_BIN:-$repo/.build/debug/sidetrack}

passed=0
failed=()
log=$(mktemp "${TMPDIR:-/tmp}/ops-test.XXXXXX")
trap 'rm -f "$log"' EXIT

check() {  # check NAME COMMAND...
  local name=$1; shift
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    printf 'PASS %-22s %s\n' "$name" "$(grep -v '^\s*$' "$log" | tail -n 1)"
  else
    failed+=("$name")
    printf 'FAIL %s\n' "$name"
    sed -e 's/^/    /' "$log"
  fi
}

rules=(alerts/*.rules.yml)
rule_tests=(alerts/tests/*.yml)
check_rules() {
  promtool check rules --lint=all --lint-fatal "${rules[@]}" || return
  echo "${#rules[@]} rule files, $(grep -ch '^ *- \(alert\|record\):' "${rules[@]}" | awk '{s += $1} END {print s}') rules, lint-clean"
}
test_rules() {
  promtool test rules "${rule_tests[@]}" || return
  echo "${#rule_tests[@]} rule test files, $(grep -ch '^ *- eval_time:' "${rule_tests[@]}" | awk '{s += $1} END {print s}') expectations pass"
}
check generated-slo-rules   "$OPS_PY" scripts/ops-gen-slo-rules.py --check
check generated-dashboards  "$OPS_PY" scripts/ops-gen-dashboards.py --check
check generated-promrule    "$OPS_PY" scripts/ops-gen-prometheusrule.py --check
check promtool-check-rules  check_rules
check promtool-test-rules   test_rules
check alert-conventions     "$OPS_PY" scripts/ops-lint-alerts.py
check runbooks              "$OPS_PY" scripts/ops-check-runbooks.py
check dashboards            "$OPS_PY" scripts/ops-lint-dashboards.py
check prometheus-config     "$OPS_PY" scripts/ops-check-prometheus-config.py
check alertmanager          bash scripts/ops-check-alertmanager.sh "$OPS_PY"
check kubernetes            "$OPS_PY" scripts/ops-check-k8s.py
check dockerfile            "$OPS_PY" scripts/ops-check-dockerfile.py
check promql-lexer          "$OPS_PY" -m pytest -q -p no:cacheprovider Tests/ops

echo "test-ops: ${passed} passed, ${#failed[@]} failed"
if ((${#failed[@]})); then
  echo "test-ops: FAILED: ${failed[*]}" >&2
  exit 1
fi
