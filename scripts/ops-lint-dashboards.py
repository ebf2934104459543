#!/usr/bin/env python3
"""Lints dashboards/*.json for what issue 6 asks of them and what Grafana needs to import them
anywhere:
  - a stable, unique `uid`, a title, a recent `schemaVersion`;
  - a `datasource` variable of type datasource (Prometheus), and `namespace` and `pod` query
    variables (multi, All = `.*`); every panel and target uses `${datasource}`;
  - explicit, unique panel ids; a grid position inside 24 columns; a unit on every panel;
  - every query filters each selector with `namespace=~"$namespace"`, and raw per-pod series also
    with `pod=~"$pod"` (the SLO constants carry no namespace and are exempt);
  - every query and variable query parses (promtool, after substituting Grafana's variables).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _load_promql():
    """scripts/ops-promql.py (a dash is not importable, so load it by path)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("ops_promql", Path(__file__).resolve().parent / "ops-promql.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["ops_promql"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


promql = _load_promql()
MIN_SCHEMA = 36
# Constants recorded without target labels (alerts/sidetrack-slo.rules.yml): never filtered.
GLOBAL_SERIES = {"slo:objective:ratio", "slo:error_budget:ratio", "slo:time_period:days", "sloth_slo_info"}
VALUES = {**promql.DEFAULT_SUBSTITUTIONS, "namespace": ".*", "pod": ".*", "datasource": "prometheus"}


def lint(path: Path, seen_uids: set[str], exprs: list[tuple[str, str]]) -> list[str]:
    problems: list[str] = []
    name = path.name
    try:
        board = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        return [f"{name}: not JSON: {e}"]
    uid = board.get("uid")
    if not uid or not re.fullmatch(r"[a-z0-9-]{1,40}", uid):
        problems.append(f"{name}: uid {uid!r} missing or not a short stable slug")
    elif uid in seen_uids:
        problems.append(f"{name}: uid {uid} used twice")
    seen_uids.add(uid)
    if not board.get("title"):
        problems.append(f"{name}: no title")
    if board.get("schemaVersion", 0) < MIN_SCHEMA:
        problems.append(f"{name}: schemaVersion {board.get('schemaVersion')} < {MIN_SCHEMA}")
    if board.get("id") is not None:
        problems.append(f"{name}: top-level id must be null (Grafana assigns it on import)")

    variables = {v.get("name"): v for v in board.get("templating", {}).get("list", [])}
    ds = variables.get("datasource")
    if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        problems.append(f"{name}: needs a `datasource` variable of type datasource, query prometheus")
    for var in ("namespace", "pod"):
        v = variables.get(var)
        if not v or v.get("type") != "query" or not v.get("multi") or not v.get("includeAll") or v.get("allValue") != ".*":
            problems.append(f"{name}: needs a multi-value `{var}` query variable with All = `.*`")
            continue
        if v.get("datasource", {}).get("uid") != "${datasource}":
            problems.append(f"{name}: variable {var} must use ${{datasource}}")
        query = v["query"]["query"] if isinstance(v.get("query"), dict) else v.get("query", "")
        found = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", query)
        if not found or found.group(2) != var:
            problems.append(f"{name}: variable {var} query {query!r} is not label_values(…, {var})")
        else:
            exprs.append((f"{name} variable {var}", promql.substitute(found.group(1), VALUES)))
    pod_var = variables.get("pod", {})
    pod_query = pod_var.get("query", {}).get("query", "") if isinstance(pod_var.get("query"), dict) else ""
    if "$namespace" not in pod_query:
        problems.append(f"{name}: the pod variable must be filtered by $namespace")

    ids: set[int] = set()
    for panel in board.get("panels", []):
        pid = panel.get("id")
        where = f"{name} panel {pid} {panel.get('title')!r}"
        if not isinstance(pid, int) or pid in ids:
            problems.append(f"{where}: panel id missing, not an integer or duplicated")
        ids.add(pid)
        pos = panel.get("gridPos", {})
        if not all(isinstance(pos.get(k), int) for k in "hwxy") or pos["x"] + pos["w"] > 24:
            problems.append(f"{where}: gridPos {pos} is incomplete or wider than 24 columns")
        if panel.get("type") == "row":
            continue
        if not panel.get("fieldConfig", {}).get("defaults", {}).get("unit"):
            problems.append(f"{where}: no unit (fieldConfig.defaults.unit)")
        if panel.get("datasource", {}).get("uid") != "${datasource}":
            problems.append(f"{where}: datasource must be ${{datasource}}")
        targets = panel.get("targets", [])
        if not targets:
            problems.append(f"{where}: no queries")
        for t in targets:
            tw = f"{where} target {t.get('refId')}"
            if t.get("datasource", {}).get("uid") != "${datasource}":
                problems.append(f"{tw}: datasource must be ${{datasource}}")
            expr = t.get("expr", "")
            try:
                concrete = promql.substitute(expr, VALUES)
                selectors = promql.selectors(concrete)
            except promql.PromQLError as e:
                problems.append(f"{tw}: {e}")
                continue
            # Keep $namespace/$pod as written (they sit in quoted matchers) to see the filters.
            keep = {**VALUES, "namespace": "$namespace", "pod": "$pod"}
            for sel in promql.selectors(promql.substitute(expr, keep)):
                metric = sel.metric or sel.text
                if metric in GLOBAL_SERIES:
                    continue
                if sel.matcher("namespace") != ("=~", "$namespace"):
                    problems.append(f"{tw}: {sel.text} lacks namespace=~\"$namespace\"")
                if ":" not in metric and sel.matcher("pod") != ("=~", "$pod"):
                    problems.append(f"{tw}: {sel.text} lacks pod=~\"$pod\"")
            if not selectors:
                problems.append(f"{tw}: no metric selector in {expr!r}")
            exprs.append((tw, concrete))
    return problems


def main() -> int:
    problems: list[str] = []
    exprs: list[tuple[str, str]] = []
    uids: set[str] = set()
    boards = sorted((REPO / "dashboards").glob("*.json"))
    if not boards:
        problems.append("no dashboards in dashboards/")
    for path in boards:
        problems += lint(path, uids, exprs)
    for label, error in promql.promtool_parse(exprs).items():
        problems.append(f"{label}: does not parse: {error}")
    if problems:
        print("dashboards: FAILED\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    panels = sum(1 for label, _ in exprs if " target " in label)
    print(f"dashboards: {len(boards)} dashboards, {panels} queries: uid, variables, ids, units, "
          "namespace/pod filters OK; every query parses")
    return 0


if __name__ == "__main__":
    sys.exit(main())
