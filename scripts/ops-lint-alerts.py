#!/usr/bin/env python3
"""Conventions of alerts/*.rules.yml that promtool does not check:
  - alert names are CamelCase; `severity` is one of critical, warning, info, none;
  - `summary` is static (no template), `description` is templated, `runbook_url` names
    runbooks/<AlertName>.md (which the runbook check requires to exist), and `dashboard_url`, when
    present, names the uid of a dashboard in dashboards/;
  - recording rules are named level:metric:operations;
  - every alert has promtool tests in alerts/tests/ that expect it to fire at least once and to be
    quiet at least twice (below threshold, and resolved), and every rule file is under test.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SEVERITIES = {"critical", "warning", "info", "none"}


def main() -> int:
    problems: list[str] = []
    uids = {json.loads(p.read_text())["uid"] for p in (REPO / "dashboards").glob("*.json")}
    alerts: dict[str, str] = {}
    rule_files = sorted((REPO / "alerts").glob("*.rules.yml"))
    records = 0
    for path in rule_files:
        for group in yaml.safe_load(path.read_text())["groups"]:
            for rule in group["rules"]:
                if "record" in rule:
                    records += 1
                    if not re.fullmatch(r"[a-z_]+:[a-z0-9_]+:[a-z0-9_]+|sloth_slo_info", rule["record"]):
                        problems.append(f"{path.name}: recording rule {rule['record']} is not level:metric:operations")
                    continue
                name = rule["alert"]
                where = f"{path.name}: {name}"
                alerts.setdefault(name, path.name)
                if not re.fullmatch(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*", name):
                    problems.append(f"{where}: name is not CamelCase")
                severity = rule.get("labels", {}).get("severity")
                if severity not in SEVERITIES:
                    problems.append(f"{where}: severity {severity!r} not in {sorted(SEVERITIES)}")
                ann = rule.get("annotations", {})
                if not ann.get("summary") or "{{" in ann["summary"]:
                    problems.append(f"{where}: summary must be present and static")
                if "{{" not in ann.get("description", ""):
                    problems.append(f"{where}: description must be present and templated")
                if not str(ann.get("runbook_url", "")).endswith(f"/runbooks/{name}.md"):
                    problems.append(f"{where}: runbook_url must end in /runbooks/{name}.md")
                if "dashboard_url" in ann:
                    found = re.search(r"/d/([A-Za-z0-9_-]+)", ann["dashboard_url"])
                    if not found or found.group(1) not in uids:
                        problems.append(f"{where}: dashboard_url names no dashboard in dashboards/ ({sorted(uids)})")

    fired: dict[str, int] = {}
    quiet: dict[str, int] = {}
    tested_files: set[str] = set()
    for path in sorted((REPO / "alerts" / "tests").glob("*.yml")):
        doc = yaml.safe_load(path.read_text())
        tested_files |= {Path(f).name for f in doc.get("rule_files", [])}
        for test in doc.get("tests", []):
            for case in test.get("alert_rule_test", []):
                counter = fired if case.get("exp_alerts") else quiet
                counter[case["alertname"]] = counter.get(case["alertname"], 0) + 1
    for path in rule_files:
        if path.name not in tested_files:
            problems.append(f"{path.name}: no test file in alerts/tests/ loads it")
    for name in sorted(alerts):
        if name == "Watchdog":  # always firing by design: it can only be tested firing
            if not fired.get(name):
                problems.append(f"{name}: no test expects it to fire")
            continue
        if not fired.get(name):
            problems.append(f"{name}: no test expects it to fire")
        if quiet.get(name, 0) < 2:
            problems.append(f"{name}: needs tests where it stays quiet below threshold and where it resolves "
                            f"(found {quiet.get(name, 0)} quiet expectation(s))")
    if problems:
        print("alert conventions: FAILED\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"alert conventions: {len(alerts)} alerts and {records} recording rules OK; every alert tested "
          "firing and quiet")
    return 0


if __name__ == "__main__":
    sys.exit(main())
