"""Unit tests of scripts/ops-promql.py, the small PromQL lexer the ops checks rely on: if it
misread a selector, the dashboard lint would miss a filter; if `signal` kept a filtering
comparison, the live check would call a healthy alert expression empty."""

import importlib.util
import sys
from pathlib import Path

import pytest

_path = Path(__file__).resolve().parents[2] / "scripts" / "ops-promql.py"
_spec = importlib.util.spec_from_file_location("ops_promql", _path)
promql = importlib.util.module_from_spec(_spec)
sys.modules["ops_promql"] = promql
_spec.loader.exec_module(promql)


def names(expr):
    return [s.metric for s in promql.selectors(expr)]


def test_selectors_skip_functions_aggregations_and_label_lists():
    expr = 'sum by (namespace, app) (rate(a_total{code=~"5.."}[5m])) / on (app) group_left (x) max without (pod) (b)'
    assert names(expr) == ["a_total", "b"]


def test_aggregation_with_by_before_the_parenthesis_is_not_a_metric():
    assert names("sum by (le) (rate(h_bucket[1m])) > bool 0 and count(c)") == ["h_bucket", "c"]


def test_matchers_are_read_with_their_operators():
    (sel,) = promql.selectors('x{a="1", b!="2", c=~"3|4", d!~"5"}')
    assert sel.matchers == [("a", "=", "1"), ("b", "!=", "2"), ("c", "=~", "3|4"), ("d", "!~", "5")]


def test_name_matcher_only_selector():
    (sel,) = promql.selectors('{__name__=~"sidetrack_.+", route=~".*[0-9A-Za-z]{22}.*"}')
    assert sel.name is None and sel.metric is None and sel.matcher("route") == ("=~", ".*[0-9A-Za-z]{22}.*")
    (sel,) = promql.selectors('{__name__="up", job="x"}')
    assert sel.metric == "up"


def test_recording_rule_names_with_colons_and_subqueries():
    assert names("max_over_time(slo:sli_error:ratio_rate5m[30d:5m]) offset 1h") == ["slo:sli_error:ratio_rate5m"]


def test_signal_makes_filters_bool_and_keeps_matchers_and_existing_bools():
    expr = 'x{a!="b"} > 0.05 and on (app) y >= 100 or z == bool 1 unless w != 2 < 3'
    assert promql.signal(expr) == 'x{a!="b"} > bool 0.05 and on (app) y >= bool 100 or z == bool 1 unless w != bool 2 < bool 3'


def test_signal_turns_absent_into_count():
    assert promql.signal('absent(up{job="s"}) or absent_over_time(x[5m])') == 'count(up{job="s"}) or count_over_time(x[5m])'


def test_substitute_all_forms_and_refuses_unknown_variables():
    values = {"namespace": ".*", "pod": "p", "__rate_interval": "1m"}
    assert promql.substitute('r(a{n=~"$namespace",p=~"${pod}",q=~"${pod:regex}"}[$__rate_interval])', values) == \
        'r(a{n=~".*",p=~"p",q=~"p"}[1m])'
    with pytest.raises(promql.PromQLError):
        promql.substitute("a{x=~\"$nope\"}", values)


def test_promtool_parse_reports_only_bad_expressions():
    errors = promql.promtool_parse([("good", "sum(rate(a[5m]))"), ("bad", "sum(rate(a[5m])")])
    assert list(errors) == ["bad"] and "unclosed left parenthesis" in errors["bad"]
