#!/usr/bin/env python3
"""Every alert in alerts/*.rules.yml has runbooks/<AlertName>.md with the sections Meaning,
Impact, Diagnosis, Mitigation and Verification; no runbook is orphaned; and every ```promql block
parses.

How PromQL is parsed: promtool has no "parse this expression" command, so each block becomes a
recording rule in a generated rules file and `promtool check rules` parses it with Prometheus's
real parser (scripts/ops-promql.py:promtool_parse). A block holds one expression (`#` comments
allowed) and must run as pasted: no Grafana variables or placeholders.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SECTIONS = ["Meaning", "Impact", "Diagnosis", "Mitigation", "Verification"]


def _load_promql():
    import importlib.util
    spec = importlib.util.spec_from_file_location("ops_promql", Path(__file__).resolve().parent / "ops-promql.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["ops_promql"] = module
    spec.loader.exec_module(module)
    return module


def main() -> int:
    promql = _load_promql()
    problems: list[str] = []
    alerts = sorted({rule["alert"] for path in (REPO / "alerts").glob("*.rules.yml")
                     for group in yaml.safe_load(path.read_text())["groups"]
                     for rule in group["rules"] if "alert" in rule})
    books = {p.stem: p for p in (REPO / "runbooks").glob("*.md")}
    exprs: list[tuple[str, str]] = []
    for name in alerts:
        path = books.get(name)
        if path is None:
            problems.append(f"{name}: no runbooks/{name}.md")
            continue
        text = path.read_text()
        if not text.startswith(f"# {name}\n"):
            problems.append(f"runbooks/{name}.md: must start with '# {name}'")
        headings = re.findall(r"^## (.+?)\s*$", text, re.M)
        for section in SECTIONS:
            if section not in headings:
                problems.append(f"runbooks/{name}.md: no '## {section}' section")
        order = [h for h in headings if h in SECTIONS]
        if order != [s for s in SECTIONS if s in order]:
            problems.append(f"runbooks/{name}.md: sections out of order ({', '.join(order)})")
        blocks = list(re.finditer(r"^```promql\n(.*?)^```", text, re.M | re.S))
        if not blocks:
            problems.append(f"runbooks/{name}.md: no ```promql block to paste")
        for block in blocks:
            line = text[:block.start()].count("\n") + 2
            expr = block.group(1).strip()
            label = f"runbooks/{name}.md:{line}"
            if re.search(r"\$\w|<[a-z_-]+>", expr):
                problems.append(f"{label}: PromQL contains a variable or placeholder; it must run as pasted")
            exprs.append((label, expr))
    for orphan in sorted(set(books) - set(alerts) - {"README"}):
        problems.append(f"runbooks/{orphan}.md: no alert of that name")
    for label, error in promql.promtool_parse(exprs).items():
        problems.append(f"{label}: PromQL does not parse: {error}")
    if problems:
        print("runbooks: FAILED\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"runbooks: {len(alerts)} alerts have runbooks with {', '.join(SECTIONS)}; "
          f"{len(exprs)} PromQL blocks parse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
