#!/usr/bin/env python3
"""The query half of scripts/ops-live-check.sh: against a real Prometheus that scrapes a loaded
Sidetrack with alerts/ loaded, require that
  - every dashboard query (Grafana variables substituted) and every dashboard variable query,
  - every recording rule expression, and every alert expression as a *signal* (its filtering
    comparisons made `bool`, `absent(x)` read as `count(x)`: the series the alert watches, since
    a healthy system's alert expression is empty by design),
  - and every metric name any of them references
parse and return data, and that every rule evaluates with health "ok". Runbook PromQL must
execute without error (it may be empty: it looks for trouble).

Queries are retried until --deadline (rates need a few scrapes). An empty result is explained by
the metric families it references that have no series at all — the families of DESIGN §4 that
this build does not export yet — and such results are still failures: nothing here is faked.
Exit status: 0 only if everything returned data.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def _load_promql():
    import importlib.util
    spec = importlib.util.spec_from_file_location("ops_promql", Path(__file__).resolve().parent / "ops-promql.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["ops_promql"] = module
    spec.loader.exec_module(module)
    return module


promql = _load_promql()
VALUES = {**promql.DEFAULT_SUBSTITUTIONS, "namespace": ".*", "pod": ".*"}
# The metric contract (DESIGN §4, plus sidetrack_cache_disk_degraded and
# sidetrack_log_lines_dropped_total): an empty name in this list is a family not exported yet; an
# empty name outside it, and outside what the rules record, is most likely a typo.
CONTRACT = {
    "sidetrack_http_server_request_duration_seconds", "sidetrack_http_server_requests_total",
    "sidetrack_http_server_active_requests", "sidetrack_upstream_request_duration_seconds",
    "sidetrack_upstream_requests_total", "sidetrack_upstream_retries_total",
    "sidetrack_upstream_retry_after_seconds", "sidetrack_upstream_cooldown_remaining_seconds",
    "sidetrack_cache_requests_total", "sidetrack_cache_entries", "sidetrack_cache_bytes",
    "sidetrack_cache_evictions_total", "sidetrack_cache_invalidations_total",
    "sidetrack_cache_disk_degraded", "sidetrack_coalesced_requests_total",
    "sidetrack_circuit_breaker_state", "sidetrack_circuit_breaker_transitions_total",
    "sidetrack_rate_limit_decisions_total", "sidetrack_bulkhead_in_flight",
    "sidetrack_bulkhead_rejections_total", "sidetrack_build_info", "sidetrack_log_lines_dropped_total",
    "sidetrack_event_loop_lag_seconds", "sidetrack_load_shed_fraction", "sidetrack_load_shed_requests_total",
    "sidetrack_open_connections",
    "process_cpu_seconds_total", "process_open_fds", "process_max_fds", "process_virtual_memory_bytes",
    "process_resident_memory_bytes", "process_start_time_seconds",
    # Prometheus' own per-target series.
    "up", "scrape_samples_scraped", "scrape_duration_seconds", "scrape_series_added",
}


def known(name: str) -> bool:
    family = re.sub(r"_(bucket|count|sum)$", "", name)
    return name in CONTRACT or family in CONTRACT or ":" in name or name == "sloth_slo_info"


class Prometheus:
    def __init__(self, url: str):
        self.url = url.rstrip("/")

    def get(self, path: str, **params: str) -> dict:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        try:
            with urllib.request.urlopen(f"{self.url}{path}{query}", timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as e:  # 400/422 carry the PromQL error as JSON
            return json.load(e)

    def query(self, expr: str) -> tuple[list | None, str]:
        """(result, "") or (None, error)."""
        body = self.get("/api/v1/query", query=expr)
        if body.get("status") != "success":
            return None, f"{body.get('errorType')}: {body.get('error')}"
        return body["data"]["result"], ""


def collect() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(must return data, must execute) as (label, expr) lists."""
    must: list[tuple[str, str]] = []
    for path in sorted((REPO / "dashboards").glob("*.json")):
        board = json.loads(path.read_text())
        for var in board["templating"]["list"]:
            query = var.get("query")
            query = query.get("query", "") if isinstance(query, dict) else query
            found = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", query or "")
            if found:
                selector = promql.substitute(found.group(1), VALUES)
                must.append((f"{path.name} variable ${var['name']}", f"count by ({found.group(2)}) ({selector})"))
        for panel in board["panels"]:
            for target in panel.get("targets", []):
                label = f"{path.name} panel {panel['id']} {panel['title']!r} {target['refId']}"
                must.append((label, promql.substitute(target["expr"], VALUES)))
    for path in sorted((REPO / "alerts").glob("*.rules.yml")):
        for group in yaml.safe_load(path.read_text())["groups"]:
            for n, rule in enumerate(group["rules"]):
                if "record" in rule:
                    label = f"{path.name} record {rule['record']} ({rule.get('labels', {}).get('sloth_window', '')})".replace(" ()", "")
                    must.append((label, rule["expr"]))
                else:
                    sev = rule.get("labels", {}).get("severity", "")
                    must.append((f"{path.name} alert {rule['alert']} [{sev}] (signal)", promql.signal(rule["expr"])))
    runbooks: list[tuple[str, str]] = []
    for path in sorted((REPO / "runbooks").glob("*.md")):
        text = path.read_text()
        for block in re.finditer(r"^```promql\n(.*?)^```", text, re.M | re.S):
            runbooks.append((f"runbooks/{path.name}:{text[:block.start()].count(chr(10)) + 2}", block.group(1).strip()))
    return must, runbooks


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prometheus", required=True)
    parser.add_argument("--deadline", type=float, default=60, help="seconds to keep retrying empty queries")
    args = parser.parse_args()
    prom = Prometheus(args.prometheus)
    must, runbooks = collect()

    names = sorted({n for _, e in must for n in promql.metric_names(e)})
    checks = must + [(f"metric {n}", f'count({{__name__="{n}"}})') for n in names]
    pending = dict(checks)
    errors: dict[str, str] = {}
    stop = time.monotonic() + args.deadline
    while True:
        for label, expr in list(pending.items()):
            result, error = prom.query(expr)
            if error:
                errors[label] = error
                del pending[label]
            elif result:
                del pending[label]
        if not pending or time.monotonic() >= stop:
            break
        time.sleep(2)

    # Rule health: wait (within the same deadline) until every rule has been evaluated.
    while True:
        rules = [r for g in prom.get("/api/v1/rules")["data"]["groups"] for r in g["rules"]]
        unhealthy = [r for r in rules if r.get("health") != "ok"]
        if not unhealthy or time.monotonic() >= stop:
            break
        time.sleep(1)

    absent = {n for n in names if f"metric {n}" in pending}
    present = [n for n in names if n not in absent]
    empty_waiting = {}
    empty_unexplained = []
    for label, expr in must:
        if label not in pending:
            continue
        missing = sorted(promql.metric_names(expr) & absent)
        (empty_waiting.__setitem__(label, missing) if missing else empty_unexplained.append(label))

    runbook_errors = {}
    for label, expr in runbooks:
        result, error = prom.query(expr)
        if error:
            runbook_errors[label] = error

    ok = len(must) - len(errors) - sum(1 for label, _ in must if label in pending)
    print(f"live: {ok}/{len(must)} dashboard, variable and rule queries returned data "
          f"({len(present)}/{len(names)} referenced metric names have series)")
    if present:
        print("live: metric names with series: " + ", ".join(present))
    for label, error in sorted(errors.items()):
        print(f"FAIL does not parse/execute: {label}: {error}")
    for label in empty_unexplained:
        print(f"FAIL empty although every metric it uses has series: {label}\n     {must_expr(must, label)}")
    by_family: dict[str, list[str]] = {}
    for label, missing in empty_waiting.items():
        by_family.setdefault(", ".join(missing), []).append(label)
    for name in sorted(n for n in absent if not known(n)):
        print(f"FAIL unknown metric {name}: not in the metric contract (DESIGN §4) nor recorded by a rule — misspelled?")
    for family, labels in sorted(by_family.items()):
        print(f"FAIL empty, no series of {family} ({len(labels)}):")
        for label in labels:
            print(f"     {label}")
    for r in unhealthy:
        print(f"FAIL rule not healthy ({r.get('health')}): {r.get('name')}: {r.get('lastError', '')}")
    for label, error in sorted(runbook_errors.items()):
        print(f"FAIL runbook query does not execute: {label}: {error}")
    print(f"live: {len(rules) - len(unhealthy)}/{len(rules)} rules healthy; "
          f"{len(runbooks) - len(runbook_errors)}/{len(runbooks)} runbook queries execute")
    unknown = any(not known(n) for n in absent)
    failed = bool(errors or empty_unexplained or empty_waiting or unhealthy or runbook_errors)
    if empty_waiting and not (errors or empty_unexplained or unhealthy or runbook_errors or unknown):
        print(f"live: every query over the metric families this build exports returned data; "
              f"{len(empty_waiting)} queries are empty only because these families have no series: "
              + ", ".join(sorted(absent)))
    return 1 if failed else 0


def must_expr(must: list[tuple[str, str]], label: str) -> str:
    return " ".join(dict(must)[label].split())


if __name__ == "__main__":
    sys.exit(main())
