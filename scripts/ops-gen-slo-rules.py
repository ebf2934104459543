#!/usr/bin/env python3
"""Generates alerts/sidetrack-slo.rules.yml: Sidetrack's SLOs as Sloth-compatible recording rules
(`slo:sli_error:ratio_rate<window>`, `slo:objective:ratio`, …, with `sloth_id`/`sloth_service`/
`sloth_slo`/`sloth_window` labels, so Sloth's Grafana dashboards work on them) and multiwindow,
multi-burn-rate alerts (Google SRE workbook, ch. 5): page on 1h/5m at 14.4x or 6h/30m at 6x,
ticket on 1d/2h at 3x or 3d/6h at 1x, each behind a low-traffic guard.

Generated, not hand-written, because the same shape repeats for every SLO and window; a typo in
one window would silently weaken one alert. Usage: ops-gen-slo-rules.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "alerts" / "sidetrack-slo.rules.yml"
SERVICE = "sidetrack"
WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]
PERIOD = "30d"
RUNBOOKS = "https://sidetrack.example/runbooks"
DASHBOARD = "https://grafana.example/d/sidetrack-slo?var-namespace={{ $labels.namespace }}"

# Per app: every Sidetrack replica of one Deployment (`namespace`, `app`) serves one SLO.
# Probes and /metrics are not counted in these families, so no exclusion is needed here.
# `total > 0` leaves a window without traffic empty instead of NaN (0/0), so one quiet night
# does not turn the 30-day average into NaN for a month.
SLOS = [
    {
        "slo": "requests-availability",
        "objective": 99.9,
        "alert": "SidetrackAvailabilityErrorBudgetBurn",
        "what": "availability (99.9% of requests answered without a 5xx)",
        "errors": 'sum by (namespace, app) (rate(sidetrack_http_server_requests_total{{code=~"5.."}}[{w}]))',
        "total": "sum by (namespace, app) (rate(sidetrack_http_server_requests_total[{w}]))",
        "events": "sidetrack_http_server_requests_total",
    },
    {
        # 1 s is a histogram bucket (le="1.0": Sidetrack writes bucket bounds as floats, which is
        # also how Prometheus 3 normalizes them).
        "slo": "requests-latency",
        "objective": 99.0,
        "alert": "SidetrackLatencyErrorBudgetBurn",
        "what": "latency (99% of requests answered within 1 s)",
        "errors": (
            "sum by (namespace, app) (rate(sidetrack_http_server_request_duration_seconds_count[{w}]))\n"
            "  - sum by (namespace, app) "
            '(rate(sidetrack_http_server_request_duration_seconds_bucket{{le="1.0"}}[{w}]))'
        ),
        "total": "sum by (namespace, app) (rate(sidetrack_http_server_request_duration_seconds_count[{w}]))",
        "events": "sidetrack_http_server_request_duration_seconds_count",
    },
]

# (severity, sloth_severity, [(short, long, factor)], guard window, guard minimum requests).
# The guard: no page on fewer than 100 requests in the last hour, no ticket on fewer than 1000 in
# the last day — at 99.9%, fewer requests than that make a single error look like a fire.
ALERTS = [
    ("critical", "page", [("5m", "1h", 14.4), ("30m", "6h", 6)], "1h", 100),
    ("warning", "ticket", [("2h", "1d", 3), ("6h", "3d", 1)], "1d", 1000),
]


def indent(text: str, n: int) -> str:
    return "\n".join((" " * n + line) if line else line for line in text.splitlines())


def ids(slo: dict) -> str:
    return f'sloth_id="{SERVICE}-{slo["slo"]}", sloth_service="{SERVICE}", sloth_slo="{slo["slo"]}"'


def labels_block(slo: dict, extra: dict[str, str], n: int) -> str:
    labels = {"sloth_id": f'{SERVICE}-{slo["slo"]}', "sloth_service": SERVICE, "sloth_slo": slo["slo"], **extra}
    return "\n".join(" " * n + f"{k}: {v}" for k, v in labels.items())


def sli_rules(slo: dict) -> str:
    rules = []
    for w in WINDOWS:
        errors = slo["errors"].format(w=w)
        total = slo["total"].format(w=w)
        expr = f"(\n{indent(errors, 2)}\n)\n/\n(\n{indent(total, 2)} > 0\n)"
        rules.append(
            f"      - record: slo:sli_error:ratio_rate{w}\n"
            f"        expr: |\n{indent(expr, 10)}\n"
            f"        labels:\n{labels_block(slo, {'sloth_window': w}, 10)}\n"
        )
    sel = f"slo:sli_error:ratio_rate5m{{{ids(slo)}}}"
    expr = (f"sum_over_time({sel}[{PERIOD}])\n/ ignoring (sloth_window)\n"
            f"count_over_time({sel}[{PERIOD}])")
    rules.append(
        f"      - record: slo:sli_error:ratio_rate{PERIOD}\n"
        f"        expr: |\n{indent(expr, 10)}\n"
        f"        labels:\n{labels_block(slo, {'sloth_window': PERIOD}, 10)}\n"
    )
    return "\n".join(rules)


def meta_rules(slo: dict) -> str:
    objective = slo["objective"] / 100
    budget = round(1 - objective, 6)
    on = "on (sloth_id, sloth_slo, sloth_service) group_left"
    rules = [
        ("slo:objective:ratio", f"vector({objective:g})", {}),
        ("slo:error_budget:ratio", f"vector({budget:g})", {}),
        ("slo:time_period:days", f"vector({PERIOD[:-1]})", {}),
        ("slo:current_burn_rate:ratio",
         f"slo:sli_error:ratio_rate5m{{{ids(slo)}}}\n/ {on}\nslo:error_budget:ratio{{{ids(slo)}}}", {}),
        ("slo:period_burn_rate:ratio",
         f"slo:sli_error:ratio_rate{PERIOD}{{{ids(slo)}}}\n/ {on}\nslo:error_budget:ratio{{{ids(slo)}}}", {}),
        ("slo:period_error_budget_remaining:ratio", f"1 - slo:period_burn_rate:ratio{{{ids(slo)}}}", {}),
        ("sloth_slo_info", "vector(1)",
         {"sloth_mode": "sidetrack-generated", "sloth_objective": f'"{slo["objective"]:g}"'}),
    ]
    out = []
    for record, expr, extra in rules:
        out.append(
            f"      - record: {record}\n"
            f"        expr: |\n{indent(expr, 10)}\n"
            f"        labels:\n{labels_block(slo, extra, 10)}\n"
        )
    return "\n".join(out)


def alert_rules(slo: dict) -> str:
    budget = f"{1 - slo['objective'] / 100:.6g}"
    out = []
    for severity, sloth_severity, pairs, guard_window, guard_min in ALERTS:
        conds = []
        for short, long, factor in pairs:
            conds.append(
                "(\n"
                f"    max(slo:sli_error:ratio_rate{short}{{{ids(slo)}}} > ({factor:g} * {budget})) without (sloth_window)\n"
                "  and\n"
                f"    max(slo:sli_error:ratio_rate{long}{{{ids(slo)}}} > ({factor:g} * {budget})) without (sloth_window)\n"
                ")"
            )
        expr = (
            "(\n" + indent("\nor\n".join(conds), 2) + "\n)\n"
            "and on (namespace, app)\n"
            f"  sum by (namespace, app) (increase({slo['events']}[{guard_window}])) >= {guard_min}"
        )
        windows = " or ".join(f"{long}/{short} at {factor:g}x" for short, long, factor in pairs)
        speed = "fast" if sloth_severity == "page" else "steadily"
        description = (
            f"{{{{ $labels.namespace }}}}/{{{{ $labels.app }}}} is burning the 30-day error budget of its "
            f"{slo['what']} {speed} ({windows}); {{{{ $value | humanizePercentage }}}} of requests "
            f"missed the objective in the short window."
        )
        out.append(
            f"      - alert: {slo['alert']}\n"
            f"        expr: |\n{indent(expr, 10)}\n"
            f"        labels:\n"
            f"          severity: {severity}\n"
            f"          sloth_severity: {sloth_severity}\n"
            f"{labels_block(slo, {}, 10)}\n"
            f"        annotations:\n"
            f"          summary: Sidetrack is burning its {slo['slo']} error budget {speed}.\n"
            f"          description: >-\n{indent(wrap(description), 12)}\n"
            f"          runbook_url: {RUNBOOKS}/{slo['alert']}.md\n"
            f"          dashboard_url: {DASHBOARD}\n"
        )
    return "\n".join(out)


def wrap(text: str, width: int = 88) -> str:
    """Folds `text` into lines for a `>-` scalar, never inside a `{{ … }}` template action."""
    import re
    text = re.sub(r"\{\{.*?\}\}", lambda m: m.group().replace(" ", "\0"), text)
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines).replace("\0", " ")


def render() -> str:
    header = (
        "# GENERATED by scripts/ops-gen-slo-rules.py — do not edit; change the generator and run it.\n"
        "# Sidetrack SLOs (Sloth-compatible recording names and labels) and their multiwindow,\n"
        "# multi-burn-rate alerts. `make test-ops` checks this file matches the generator.\n"
        "groups:\n"
    )
    # One group per SLO: rules of a group run in order at one timestamp, so the alerts always
    # read the SLIs recorded a moment before (across groups they could lag one interval).
    groups = []
    for slo in SLOS:
        rules = "\n".join([sli_rules(slo), meta_rules(slo), alert_rules(slo)])
        groups.append(f"  - name: sidetrack-slo-{slo['slo']}\n    rules:\n{rules}")
    return header + "\n".join(groups)


def main() -> int:
    text = render()
    if "--check" in sys.argv[1:]:
        current = OUT.read_text() if OUT.exists() else ""
        if current != text:
            print(f"{OUT.relative_to(REPO)} is out of date: run scripts/ops-gen-slo-rules.py", file=sys.stderr)
            return 1
        print(f"{OUT.relative_to(REPO)} matches its generator")
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
