#!/usr/bin/env python3
"""Generates Sidetrack's Grafana dashboards (dashboards/*.json) from the panel lists below.

Generated so that every dashboard gets the same variables, datasource wiring, explicit panel ids
and layout, and so a query is written once in a readable form. Every query filters with
`namespace=~"$namespace"` (and `pod=~"$pod"` on raw per-pod series); scripts/ops-lint-dashboards.py
checks that, and scripts/ops-live-check.sh runs every query against a real Prometheus.

Usage: ops-gen-dashboards.py [--check]   (--check: fail if dashboards/ differs from the output)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "dashboards"
SCHEMA_VERSION = 39  # Grafana 10.4 / 11.x
DS = {"type": "prometheus", "uid": "${datasource}"}
# Filters for raw per-pod series and for recorded (per-app) series.
POD = 'namespace=~"$namespace", pod=~"$pod"'
NS = 'namespace=~"$namespace"'
RI = "$__rate_interval"
# Matchers used inside f-strings (which cannot hold backslashes before Python 3.12).
E5XX = 'code=~"5.."'
LE1 = 'le="1.0"'  # the 1 s latency objective; Sidetrack writes bucket bounds as floats
RL = 'outcome="rate_limited"'
FAILED = 'outcome=~"error|timeout|unreachable"'
OPEN = 'state="open"'
HALF_OPEN = 'state=~"half[-_]?open"'
NO_CALL = 'result=~"hit|stale"'
CACHEABLE = 'result!="bypass"'


def sel(metric: str, extra: str = "", scope: str = POD) -> str:
    """`metric{<scope filter>, extra}`. Scope "" is for the SLO constants (`slo:objective:ratio`,
    `slo:error_budget:ratio`), which carry no namespace: filtering them would drop them."""
    return f"{metric}{{{', '.join(part for part in (scope, extra) if part)}}}"


def rate(metric: str, extra: str = "", by: str = "") -> str:
    group = f" by ({by})" if by else ""
    return f"sum{group} (rate({sel(metric, extra)}[{RI}]))"


def quantile(q: float, metric: str, extra: str = "", by: str = "") -> str:
    labels = f"{by}, le" if by else "le"
    return f"histogram_quantile({q}, sum by ({labels}) (rate({sel(metric + '_bucket', extra)}[{RI}])))"


class Board:
    """Lays panels out left to right, top to bottom, on Grafana's 24-column grid."""

    def __init__(self, uid: str, title: str, description: str, tags: list[str]):
        self.uid, self.title, self.description, self.tags = uid, title, description, tags
        self.panels: list[dict] = []
        self.x = self.y = self.row_h = 0
        self.next_id = 1

    def _place(self, w: int, h: int) -> dict:
        if self.x + w > 24:
            self.x, self.y, self.row_h = 0, self.y + self.row_h, 0
        pos = {"h": h, "w": w, "x": self.x, "y": self.y}
        self.x += w
        self.row_h = max(self.row_h, h)
        return pos

    def row(self, title: str) -> None:
        if self.x:
            self.x, self.y, self.row_h = 0, self.y + self.row_h, 0
        self.panels.append({"collapsed": False, "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y},
                            "id": self._id(), "panels": [], "title": title, "type": "row"})
        self.y += 1

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def panel(self, kind: str, title: str, description: str, unit: str, targets: list[tuple[str, str]],
              w: int = 12, h: int = 8, options: dict | None = None, defaults: dict | None = None,
              fmt: str = "time_series", instant: bool = False) -> None:
        panel = {
            "datasource": DS,
            "description": description,
            "fieldConfig": {"defaults": {"unit": unit, **(defaults or {})}, "overrides": []},
            "gridPos": self._place(w, h),
            "id": self._id(),
            "options": options or {},
            "targets": [
                {"datasource": DS, "editorMode": "code", "expr": expr, "format": fmt,
                 "instant": instant, "legendFormat": legend, "range": not instant,
                 "refId": chr(ord("A") + n)}
                for n, (expr, legend) in enumerate(targets)
            ],
            "title": title,
            "type": kind,
        }
        self.panels.append(panel)

    def timeseries(self, title: str, description: str, unit: str, targets: list[tuple[str, str]],
                   w: int = 12, h: int = 8, stack: bool = False, thresholds: list | None = None) -> None:
        custom = {"fillOpacity": 10, "showPoints": "never", "spanNulls": False}
        if stack:
            custom["stacking"] = {"mode": "normal", "group": "A"}
        defaults: dict = {"custom": custom}
        if thresholds:
            defaults["thresholds"] = {"mode": "absolute", "steps": thresholds}
            custom["thresholdsStyle"] = {"mode": "line"}
        self.panel("timeseries", title, description, unit, targets, w, h, defaults=defaults,
                   options={"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["mean", "max"]},
                            "tooltip": {"mode": "multi", "sort": "desc"}})

    def stat(self, title: str, description: str, unit: str, expr: str, legend: str = "",
             w: int = 4, h: int = 4, thresholds: list | None = None, mappings: list | None = None) -> None:
        defaults: dict = {"thresholds": {"mode": "absolute", "steps": thresholds or [{"color": "green", "value": None}]}}
        if mappings:
            defaults["mappings"] = mappings
        self.panel("stat", title, description, unit, [(expr, legend)], w, h, defaults=defaults,
                   options={"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                            "colorMode": "value", "graphMode": "area", "textMode": "auto"})

    def heatmap(self, title: str, description: str, expr: str, w: int = 24, h: int = 9) -> None:
        self.panel("heatmap", title, description, "s", [(expr, "{{le}}")], w, h, fmt="heatmap",
                   options={"calculate": False, "yAxis": {"unit": "s"}, "cellGap": 1,
                            "color": {"mode": "scheme", "scheme": "Spectral", "steps": 64},
                            "tooltip": {"mode": "single", "yHistogram": True},
                            "rowsFrame": {"layout": "auto"}, "legend": {"show": True}})

    def state_timeline(self, title: str, description: str, expr: str, legend: str, mappings: list,
                       w: int = 24, h: int = 7) -> None:
        self.panel("state-timeline", title, description, "none", [(expr, legend)], w, h,
                   defaults={"mappings": mappings, "color": {"mode": "thresholds"},
                             "thresholds": {"mode": "absolute", "steps": [
                                 {"color": "green", "value": None}, {"color": "yellow", "value": 1},
                                 {"color": "red", "value": 2}]}},
                   options={"showValue": "never", "mergeValues": True, "rowHeight": 0.8,
                            "legend": {"displayMode": "list", "placement": "bottom", "showLegend": True}})

    def render(self) -> dict:
        def var(name: str, label: str, query: str) -> dict:
            return {
                "allValue": ".*", "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
                "datasource": DS, "definition": query, "includeAll": True, "label": label, "multi": True,
                "name": name, "options": [], "query": {"qryType": 1, "query": query, "refId": "PrometheusVariableQueryEditor-VariableQuery"},
                "refresh": 2, "regex": "", "sort": 1, "type": "query",
            }
        return {
            "annotations": {"list": [{
                "builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"}, "enable": True,
                "hide": True, "iconColor": "rgba(0, 211, 255, 1)", "name": "Annotations & Alerts",
                "type": "dashboard"}]},
            "description": self.description,
            "editable": True,
            "fiscalYearStartMonth": 0,
            "graphTooltip": 1,
            "id": None,
            "links": [{"asDropdown": True, "icon": "external link", "includeVars": True, "keepTime": True,
                       "tags": ["sidetrack"], "title": "Sidetrack", "type": "dashboards"}],
            "panels": self.panels,
            "refresh": "30s",
            "schemaVersion": SCHEMA_VERSION,
            "tags": self.tags,
            "templating": {"list": [
                {"current": {}, "hide": 0, "includeAll": False, "label": "Data source", "multi": False,
                 "name": "datasource", "options": [], "query": "prometheus", "refresh": 1, "regex": "",
                 "type": "datasource"},
                var("namespace", "Namespace", "label_values(sidetrack_build_info, namespace)"),
                var("pod", "Pod", 'label_values(sidetrack_build_info{namespace=~"$namespace"}, pod)'),
            ]},
            "time": {"from": "now-6h", "to": "now"},
            "timepicker": {},
            "timezone": "",
            "title": self.title,
            "uid": self.uid,
            "version": 1,
            "weekStart": "",
        }


RED = [{"color": "green", "value": None}, {"color": "red", "value": 80}]


def overview() -> Board:
    b = Board("sidetrack-overview", "Sidetrack / Overview",
              "Requests through Sidetrack: rate, errors and latency per route (RED), and the process.",
              ["sidetrack"])
    req = "sidetrack_http_server_requests_total"
    dur = "sidetrack_http_server_request_duration_seconds"
    b.row("Traffic")
    b.stat("Requests", "Requests per second served by the selected pods (probes and /metrics excluded).",
           "reqps", rate(req))
    b.stat("5xx ratio", "Share of requests answered with a 5xx (the availability SLI).", "percentunit",
           f"{rate(req, E5XX)} / {rate(req)}",
           thresholds=[{"color": "green", "value": None}, {"color": "orange", "value": 0.001}, {"color": "red", "value": 0.01}])
    b.stat("p99 latency", "99th percentile of request duration, all routes.", "s", quantile(0.99, dur),
           thresholds=[{"color": "green", "value": None}, {"color": "orange", "value": 1}, {"color": "red", "value": 2.5}])
    b.stat("In flight", "Requests being served right now.", "short", f"sum({sel('sidetrack_http_server_active_requests')})")
    b.stat("Pods", "Sidetrack instances scraped, by version.", "short",
           f"count by (version) ({sel('sidetrack_build_info')})", "{{version}}")
    b.stat("Log lines dropped", "Log lines dropped per second because stdout could not keep up.", "short",
           f"sum(rate({sel('sidetrack_log_lines_dropped_total')}[{RI}]))",
           thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 0.001}])
    b.timeseries("Requests by route", "Request rate per route template (unknown paths are `other`).",
                 "reqps", [(rate(req, by="route"), "{{route}}")], stack=True)
    b.timeseries("Responses by status code", "Request rate per HTTP status code sent to clients.",
                 "reqps", [(rate(req, by="code"), "{{code}}")], stack=True)
    b.timeseries("5xx ratio by route", "Share of each route's requests answered with a 5xx.", "percentunit",
                 [(f"{rate(req, E5XX, 'route')} / {rate(req, by='route')}", "{{route}}")])
    b.timeseries("Errors by route and status", "4xx and 5xx per route; the access log's "
                 "`Sidetrack-Error` cause tells gateway errors from Spotify's.",
                 "reqps", [(rate(req, 'code=~"4..|5.."', "route, code"), "{{code}} {{route}}")])
    b.row("Latency")
    b.timeseries("Latency percentiles", "p50, p90 and p99 of request duration over all routes.", "s",
                 [(quantile(0.5, dur), "p50"), (quantile(0.9, dur), "p90"), (quantile(0.99, dur), "p99")],
                 thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 1}])
    b.timeseries("p99 latency by route", "99th percentile per route template.", "s",
                 [(quantile(0.99, dur, by="route"), "{{route}}")])
    b.timeseries("p99 latency by cache result", "Cache hits should sit far below misses.", "s",
                 [(quantile(0.99, dur, by="cache"), "{{cache}}")])
    b.timeseries("Share of requests slower than 1 s", "The latency SLI: requests over the 1 s objective.",
                 "percentunit", [(f"1 - ({rate(dur + '_bucket', LE1)} / {rate(dur + '_count')})", "slower than 1 s")])
    b.heatmap("Latency heatmap", "Distribution of request durations (histogram buckets) over time.",
              f"sum by (le) (increase({sel(dur + '_bucket')}[{RI}]))")
    b.row("Process")
    b.timeseries("Resident memory", "Resident set size per pod.", "bytes",
                 [(sel("process_resident_memory_bytes"), "{{pod}}")], w=8)
    b.timeseries("CPU", "CPU time used per second (1.0 = one core).", "short",
                 [(f"rate({sel('process_cpu_seconds_total')}[{RI}])", "{{pod}}")], w=8)
    b.timeseries("Open file descriptors", "Open fds per pod against the limit (sockets count).", "short",
                 [(sel("process_open_fds"), "{{pod}} open"), (sel("process_max_fds"), "{{pod}} max")], w=8)
    return b


def slo() -> Board:
    b = Board("sidetrack-slo", "Sidetrack / SLO",
              "Availability (99.9% without 5xx) and latency (99% within 1 s) SLOs over 30 days: SLIs, "
              "burn rates and error budget left. Built on the slo:* recording rules in alerts/.",
              ["sidetrack", "slo"])
    on = "on (sloth_id, sloth_slo, sloth_service) group_left"
    for slo_name, title in (("requests-availability", "Availability"), ("requests-latency", "Latency")):
        ids = f'sloth_slo="{slo_name}"'
        b.row(f"{title} SLO")
        b.stat(f"{title} over 30 days", f"1 − the 30-day error ratio of the {title.lower()} SLO, per app.",
               "percentunit", f"1 - {sel('slo:sli_error:ratio_rate30d', ids, NS)}", "{{namespace}}/{{app}}", w=6)
        b.stat(f"{title} error budget left", "Share of the 30-day error budget not yet spent (negative: overspent).",
               "percentunit", sel("slo:period_error_budget_remaining:ratio", ids, NS), "{{namespace}}/{{app}}", w=6,
               thresholds=[{"color": "red", "value": None}, {"color": "orange", "value": 0.25}, {"color": "green", "value": 0.5}])
        b.stat(f"{title} burn rate (1h)", "How fast the budget burns now: 1 = exactly on budget for 30 days; "
               "14.4 over 1h pages.", "suffix:×",
               f"{sel('slo:sli_error:ratio_rate1h', ids, NS)} / {on} {sel('slo:error_budget:ratio', ids, '')}",
               "{{namespace}}/{{app}}", w=6,
               thresholds=[{"color": "green", "value": None}, {"color": "orange", "value": 1}, {"color": "red", "value": 6}])
        b.stat(f"{title} objective", "The SLO target.", "percentunit", sel("slo:objective:ratio", ids, ""), w=6)
        b.timeseries(f"{title} error ratio by window", "The SLI over the windows the burn-rate alerts use.",
                     "percentunit", [(sel(f"slo:sli_error:ratio_rate{w}", ids, NS), f"{{{{app}}}} {w}")
                                     for w in ("5m", "30m", "1h", "6h", "1d")])
        b.timeseries(f"{title} burn rate", "Error ratio ÷ error budget per alert window; lines at 14.4×, 6×, "
                     "3× and 1× are the alert thresholds.", "suffix:×",
                     [(f"{sel(f'slo:sli_error:ratio_rate{w}', ids, NS)} / {on} {sel('slo:error_budget:ratio', ids, '')}",
                       f"{{{{app}}}} {w}") for w in ("1h", "6h", "1d", "3d")],
                     thresholds=[{"color": "green", "value": None}, {"color": "yellow", "value": 1},
                                 {"color": "orange", "value": 3}, {"color": "red", "value": 6},
                                 {"color": "dark-red", "value": 14.4}])
    b.row("Per pod")
    b.timeseries("5xx per second by pod", "Where the availability errors come from.", "reqps",
                 [(rate("sidetrack_http_server_requests_total", 'code=~"5.."', "pod"), "{{pod}}")])
    dur = "sidetrack_http_server_request_duration_seconds"
    b.timeseries("Requests slower than 1 s per second, by pod", "Where the latency errors come from.", "reqps",
                 [(f"{rate(dur + '_count', by='pod')} - {rate(dur + '_bucket', LE1, 'pod')}", "{{pod}}")])
    b.timeseries("Error budget left over time", "The 30-day budget remaining, per SLO and app.", "percentunit",
                 [(sel("slo:period_error_budget_remaining:ratio", "", NS), "{{app}} {{sloth_slo}}")], w=24)
    return b


def upstream() -> Board:
    b = Board("sidetrack-upstream", "Sidetrack / Spotify upstream",
              "What Spotify answers Sidetrack: outcomes, 429s, Retry-After and cooldown, upstream latency, "
              "retries and circuit breakers.", ["sidetrack", "spotify"])
    up = "sidetrack_upstream_requests_total"
    dur = "sidetrack_upstream_request_duration_seconds"
    b.row("Outcomes")
    b.stat("Upstream calls", "Calls to Spotify per second (each attempt, retries included).", "reqps", rate(up))
    b.stat("429 ratio", "Share of upstream calls Spotify rate limited.", "percentunit",
           f"{rate(up, RL)} / {rate(up)}",
           thresholds=[{"color": "green", "value": None}, {"color": "orange", "value": 0.01}, {"color": "red", "value": 0.05}])
    b.stat("Failure ratio", "Share of upstream calls that failed: 5xx, timeout or unreachable.", "percentunit",
           f"{rate(up, FAILED)} / {rate(up)}",
           thresholds=[{"color": "green", "value": None}, {"color": "orange", "value": 0.01}, {"color": "red", "value": 0.05}])
    b.stat("Cooldown remaining", "Seconds until Sidetrack calls Spotify again after a 429 (0: no cooldown).",
           "s", f"max({sel('sidetrack_upstream_cooldown_remaining_seconds')})",
           thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 1}])
    b.stat("Last Retry-After", "The last Retry-After Spotify sent.", "s",
           f"max({sel('sidetrack_upstream_retry_after_seconds')})",
           thresholds=[{"color": "green", "value": None}, {"color": "orange", "value": 60}, {"color": "red", "value": 3600}])
    b.stat("Retries", "Retried upstream attempts per second.", "reqps",
           f"sum(rate({sel('sidetrack_upstream_retries_total')}[{RI}]))")
    b.timeseries("Upstream calls by outcome", "success, client_error (4xx), rate_limited (429), error (5xx), "
                 "timeout, unreachable.", "reqps", [(rate(up, by="outcome"), "{{outcome}}")], stack=True)
    b.timeseries("Upstream calls by route", "Calls to Spotify per route template.", "reqps",
                 [(rate(up, by="route"), "{{route}}")], stack=True)
    b.timeseries("429s by route", "Which routes Spotify rate limits.", "reqps",
                 [(rate(up, 'outcome="rate_limited"', "route"), "{{route}}")])
    b.timeseries("Failures by route and outcome", "5xx, timeouts and connection failures per route.", "reqps",
                 [(rate(up, 'outcome=~"error|timeout|unreachable"', "route, outcome"), "{{outcome}} {{route}}")])
    b.row("Latency")
    b.timeseries("Upstream latency", "p50 and p99 of successful upstream calls.", "s",
                 [(quantile(0.5, dur, 'outcome="success"'), "p50"), (quantile(0.99, dur, 'outcome="success"'), "p99")])
    b.timeseries("Upstream p99 by route", "99th percentile of successful calls per route.", "s",
                 [(quantile(0.99, dur, 'outcome="success"', "route"), "{{route}}")])
    b.row("Cooldown, retries and breakers")
    b.timeseries("Cooldown and Retry-After", "Cooldown remaining and the last Retry-After per pod.", "s",
                 [(sel("sidetrack_upstream_cooldown_remaining_seconds"), "{{pod}} cooldown"),
                  (sel("sidetrack_upstream_retry_after_seconds"), "{{pod}} last Retry-After")])
    b.timeseries("Retries by reason", "Retried attempts per second, by reason.", "reqps",
                 [(rate("sidetrack_upstream_retries_total", by="reason"), "{{reason}}")])
    b.state_timeline("Circuit breakers", "State of each breaker over time: closed, half-open, open.",
                     f'max by (breaker) ({sel("sidetrack_circuit_breaker_state", OPEN)}) * 2'
                     f' + max by (breaker) ({sel("sidetrack_circuit_breaker_state", HALF_OPEN)})',
                     "{{breaker}}",
                     [{"type": "value", "options": {
                         "0": {"text": "closed", "color": "green", "index": 0},
                         "1": {"text": "half-open", "color": "yellow", "index": 1},
                         "2": {"text": "open", "color": "red", "index": 2}}}])
    b.timeseries("Breaker transitions", "Transitions per breaker and target state in each interval.", "short",
                 [(f"sum by (breaker, to) (increase({sel('sidetrack_circuit_breaker_transitions_total')}[{RI}]))",
                   "{{breaker}} → {{to}}")], w=24)
    return b


def cache_limits() -> Board:
    b = Board("sidetrack-cache-limits", "Sidetrack / Cache & limits",
              "What the cache and coalescing save, and what the rate limiters and bulkheads decide.",
              ["sidetrack", "cache"])
    cache = "sidetrack_cache_requests_total"
    served = 'result=~"hit|stale|revalidated"'
    saved = f"({rate(cache, NO_CALL)} + sum(rate({sel('sidetrack_coalesced_requests_total')}[{RI}])))"
    b.row("Cache")
    b.stat("Hit ratio", "Cacheable requests answered from cache (hit, stale or revalidated).", "percentunit",
           f"{rate(cache, served)} / {rate(cache, CACHEABLE)}", w=6,
           thresholds=[{"color": "red", "value": None}, {"color": "orange", "value": 0.3}, {"color": "green", "value": 0.6}])
    b.stat("Upstream calls saved", "Requests answered without a call of their own to Spotify (cache hits, stale "
           "answers, coalesced followers) among those plus the calls actually made.", "percentunit",
           f"{saved} / ({saved} + sum(rate({sel('sidetrack_upstream_requests_total')}[{RI}])))", w=6)
    b.stat("Disk tier", "0: the SQLite tier works; 1: degraded, running from memory only.", "none",
           f"max({sel('sidetrack_cache_disk_degraded')})", w=6,
           thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 1}],
           mappings=[{"type": "value", "options": {"0": {"text": "OK", "index": 0},
                                                   "1": {"text": "degraded", "index": 1}}}])
    b.stat("Cached bytes", "Bytes held across pods and tiers.", "bytes",
           f"sum({sel('sidetrack_cache_bytes')})", w=6)
    b.timeseries("Cache results", "hit, miss, stale, revalidated, bypass (not cacheable).", "reqps",
                 [(rate(cache, by="result"), "{{result}}")], stack=True)
    b.timeseries("Upstream calls saved", "Answers that needed no upstream call of their own.", "reqps",
                 [(rate(cache, 'result=~"hit|stale"'), "served from cache"),
                  (f"sum(rate({sel('sidetrack_coalesced_requests_total')}[{RI}]))", "coalesced followers")])
    b.timeseries("Hit ratio by route", "Per cacheable route.", "percentunit",
                 [(f"{rate(cache, served, 'route')} / {rate(cache, CACHEABLE, 'route')}", "{{route}}")])
    b.timeseries("Coalesced requests by route", "Concurrent misses that shared one upstream call.", "reqps",
                 [(rate("sidetrack_coalesced_requests_total", by="route"), "{{route}}")])
    b.timeseries("Entries by tier", "Cached entries in memory and on disk.", "short",
                 [(f"sum by (tier) ({sel('sidetrack_cache_entries')})", "{{tier}}")], w=8)
    b.timeseries("Bytes by tier", "Cached bytes in memory and on disk.", "bytes",
                 [(f"sum by (tier) ({sel('sidetrack_cache_bytes')})", "{{tier}}")], w=8)
    b.timeseries("Evictions and invalidations", "Entries evicted (per tier and reason) and invalidated by "
                 "mutations, per second.", "short",
                 [(rate("sidetrack_cache_evictions_total", by="tier, reason"), "evicted {{tier}} {{reason}}"),
                  (rate("sidetrack_cache_invalidations_total"), "invalidated")], w=8)
    b.row("Rate limits and bulkheads")
    b.timeseries("Rate-limit decisions", "Per-client and global upstream limiter decisions per second.", "reqps",
                 [(rate("sidetrack_rate_limit_decisions_total", by="scope, decision"), "{{scope}} {{decision}}")])
    b.timeseries("Bulkhead in flight", "Concurrent upstream calls per bulkhead group.", "short",
                 [(f"sum by (group) ({sel('sidetrack_bulkhead_in_flight')})", "{{group}}")])
    b.timeseries("Bulkhead rejections", "Calls rejected with 503 bulkhead_full, per group.", "reqps",
                 [(rate("sidetrack_bulkhead_rejections_total", by="group"), "{{group}}")], w=24)
    b.row("Admission control")
    b.timeseries("Event loop lag", "How late each pod's event loops run (the load-shedding probe, every "
                 "100 ms); shedding starts past limits.shed_lag (100 ms) held for limits.shed_interval (500 ms).", "s",
                 [(f"max by (pod, loop) ({sel('sidetrack_event_loop_lag_seconds')})", "{{pod}} loop {{loop}}")], w=8)
    b.timeseries("Shed share", "Share of upstream-bound requests each event loop refuses now.", "percentunit",
                 [(f"max by (pod, loop) ({sel('sidetrack_load_shed_fraction')})", "{{pod}} loop {{loop}}")], w=8)
    b.timeseries("Load shed and connections", "Requests refused with 503 overloaded per second, by reason; "
                 "open client connections.", "short",
                 [(rate("sidetrack_load_shed_requests_total", by="reason"), "shed {{reason}}"),
                  (f"sum by (pod) ({sel('sidetrack_open_connections')})", "connections {{pod}}")], w=8)
    return b


BOARDS = {"overview": overview, "slo": slo, "upstream": upstream, "cache-limits": cache_limits}


def rendered() -> dict[Path, str]:
    return {OUT_DIR / f"sidetrack-{name}.json": json.dumps(make().render(), indent=2, ensure_ascii=False) + "\n"
            for name, make in BOARDS.items()}


def main() -> int:
    outputs = rendered()
    if "--check" in sys.argv[1:]:
        stale = [p for p, text in outputs.items() if not p.exists() or p.read_text() != text]
        extra = sorted(set(OUT_DIR.glob("*.json")) - set(outputs))
        for p in stale:
            print(f"{p.relative_to(REPO)} differs from its generator: run scripts/ops-gen-dashboards.py", file=sys.stderr)
        for p in extra:
            print(f"{p.relative_to(REPO)} is not made by scripts/ops-gen-dashboards.py", file=sys.stderr)
        if stale or extra:
            return 1
        print(f"dashboards: {len(outputs)} files match their generator")
        return 0
    for path, text in outputs.items():
        path.write_text(text)
        print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
