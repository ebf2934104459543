"""Small PromQL helpers shared by the ops checks (loaded with importlib: the file name has a dash).

Not a PromQL parser: promtool and Prometheus parse for real (`promtool_parse` below feeds
expressions to `promtool check rules`). This is a lexer that knows just enough structure to
  - list the vector selectors of an expression (metric name + label matchers),
  - turn every filtering comparison into a `bool` comparison (`signal`), so an alert expression
    that is quiet in a healthy system still returns its underlying series in the live check,
  - substitute Grafana's template variables with concrete values.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field

import yaml

KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
            "unless", "offset", "atan2"}
# Identifiers that are followed by a parenthesised list of label names, not an expression.
LABEL_LIST_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right"}
COMPARISONS = {"==", "!=", ">", "<", ">=", "<="}
NUMBER_WORDS = {"inf", "nan"}
# Aggregation operators may be followed by `by (…)`/`without (…)` before their `(`.
AGGREGATIONS = {"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
                "bottomk", "topk", "quantile", "limitk", "limit_ratio"}

_TOKEN = re.compile(r"""
    (?P<ws>\s+|\#[^\n]*)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
  | (?P<number>0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?![A-Za-z_]))
  | (?P<duration>\d+(?:ms|s|m|h|d|w|y)(?:\d+(?:ms|s|m|h|d|w|y))*)
  | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
  | (?P<op>==|!=|>=|<=|=~|!~|[-+*/%^<>=@])
  | (?P<punct>[(){}\[\],])
""", re.VERBOSE)


@dataclass
class Token:
    kind: str
    text: str
    start: int
    end: int


@dataclass
class Selector:
    """One vector selector: `name{matchers}`; `name` may be None for `{__name__=~"…"}`."""
    name: str | None
    matchers: list[tuple[str, str, str]] = field(default_factory=list)  # (label, op, value)
    start: int = 0
    end: int = 0
    text: str = ""

    def matcher(self, label: str) -> tuple[str, str] | None:
        for name, op, value in self.matchers:
            if name == label:
                return op, value
        return None

    @property
    def metric(self) -> str | None:
        """The metric name, also when given as `__name__="x"`."""
        if self.name:
            return self.name
        found = self.matcher("__name__")
        return found[1] if found and found[0] == "=" else None


class PromQLError(ValueError):
    pass


def tokenize(expr: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(expr):
        match = _TOKEN.match(expr, pos)
        if not match:
            raise PromQLError(f"unexpected character {expr[pos]!r} at offset {pos}")
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, match.group(), match.start(), match.end()))
        pos = match.end()
    return tokens


def _unquote(text: str) -> str:
    if text.startswith("`"):
        return text[1:-1]
    return bytes(text[1:-1], "utf-8").decode("unicode_escape")


def _skip_group(tokens: list[Token], i: int, open_: str, close: str) -> int:
    """Index just after the bracket group that starts at tokens[i] (which is `open_`)."""
    depth = 0
    while i < len(tokens):
        if tokens[i].text == open_:
            depth += 1
        elif tokens[i].text == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise PromQLError(f"unbalanced {open_}")


def selectors(expr: str) -> list[Selector]:
    """Every vector selector in `expr`, in order of appearance."""
    tokens = tokenize(expr)
    found: list[Selector] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.kind == "ident":
            low = tok.text.lower()
            if low in LABEL_LIST_KEYWORDS and nxt is not None and nxt.text == "(":
                i = _skip_group(tokens, i + 1, "(", ")")
                continue
            if low in KEYWORDS or low in NUMBER_WORDS or (
                    low in AGGREGATIONS and nxt is not None and nxt.text.lower() in ("by", "without")):
                i += 1
                continue
            if nxt is not None and nxt.text == "(":  # function or aggregation
                i += 1
                continue
            sel = Selector(tok.text, start=tok.start, end=tok.end)
            i += 1
            if nxt is not None and nxt.text == "{":
                i = _read_matchers(tokens, i, sel)
            sel.text = expr[sel.start:sel.end]
            found.append(sel)
            continue
        if tok.text == "{":
            sel = Selector(None, start=tok.start)
            i = _read_matchers(tokens, i, sel)
            sel.text = expr[sel.start:sel.end]
            found.append(sel)
            continue
        if tok.text == "[":  # range or subquery: durations only
            i = _skip_group(tokens, i, "[", "]")
            continue
        i += 1
    return found


def _read_matchers(tokens: list[Token], i: int, sel: Selector) -> int:
    """Reads `{a="b", c=~"d"}` starting at tokens[i] == "{"; returns the index after `}`."""
    end = _skip_group(tokens, i, "{", "}")
    inner = tokens[i + 1:end - 1]
    j = 0
    while j < len(inner):
        if inner[j].text == ",":
            j += 1
            continue
        if j + 2 >= len(inner) or inner[j + 2].kind != "string":
            raise PromQLError(f"cannot read label matcher near offset {inner[j].start}")
        sel.matchers.append((inner[j].text, inner[j + 1].text, _unquote(inner[j + 2].text)))
        j += 3
    sel.end = tokens[end - 1].end
    return end


def metric_names(expr: str) -> set[str]:
    return {s.metric for s in selectors(expr) if s.metric}


def signal(expr: str) -> str:
    """`expr` with every filtering comparison made a `bool` comparison and `absent(…)` turned
    into `count(…)`: the series an alert watches, whether or not its threshold is crossed.
    Comparisons that already carry `bool` are left alone."""
    tokens = tokenize(expr)
    out: list[str] = []
    pos = 0
    depth = 0  # inside {…} (matchers, where != is not a comparison) or […] (durations)
    for k, tok in enumerate(tokens):
        if tok.text in ("{", "["):
            depth += 1
        elif tok.text in ("}", "]"):
            depth -= 1
        if depth:
            continue
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if tok.kind == "op" and tok.text in COMPARISONS:
            if nxt is None or nxt.text.lower() != "bool":
                out.append(expr[pos:tok.end] + " bool")
                pos = tok.end
        elif tok.kind == "ident" and tok.text in ("absent", "absent_over_time") and nxt and nxt.text == "(":
            out.append(expr[pos:tok.start] + ("count" if tok.text == "absent" else "count_over_time"))
            pos = tok.end
    out.append(expr[pos:])
    return "".join(out)


# Grafana variables → concrete values for querying. `.*` is what an "All" selection with
# allValue `.*` sends; interval values suit a 1 s scrape interval.
DEFAULT_SUBSTITUTIONS = {
    "__rate_interval": "1m",
    "__interval": "15s",
    "__range": "1h",
    "__range_s": "3600",
}


def substitute(expr: str, values: dict[str, str]) -> str:
    """Replaces `$var`, `${var}`, `${var:fmt}` and `[[var]]`; an unknown variable raises, so
    none slips through to Prometheus."""
    def repl(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2) or match.group(3)
        if name not in values:
            raise PromQLError(f"no value for Grafana variable ${name}")
        return values[name]
    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)", repl, expr)


def promtool_parse(exprs: list[tuple[str, str]]) -> dict[str, str]:
    """Parses expressions with the real PromQL parser: `promtool check rules` on generated rules
    files, one recording rule per file (promtool reports only the first bad rule of a file).
    Returns {label: error} for the expressions that do not parse."""
    errors: dict[str, str] = {}
    if not exprs:
        return errors
    with tempfile.TemporaryDirectory(prefix="ops-parse.") as tmp:
        paths = []
        for n, (_, expr) in enumerate(exprs):
            path = os.path.join(tmp, f"q{n}.yml")
            with open(path, "w") as f:
                yaml.safe_dump({"groups": [{"name": f"q{n}", "rules": [
                    {"record": f"ops:parse_check_{n}", "expr": expr}]}]}, f)
            paths.append(path)
        proc = subprocess.run(["promtool", "check", "rules", "--lint=none", *paths],
                              capture_output=True, text=True)
        # Errors go to stderr as "<file>: line:col: group …, rule …: <message>".
        for line in proc.stderr.splitlines():
            found = re.match(r".*/q(\d+)\.yml: (.*)", line)
            if found:
                label = exprs[int(found.group(1))][0]
                errors[label] = (errors.get(label, "") + " " + found.group(2)).strip()
        if proc.returncode != 0 and not errors:
            errors["<promtool>"] = (proc.stdout + proc.stderr).strip()
    return errors


def load(path: str) -> object:
    """Imports a sibling `ops-*.py` file as a module (dashes are not importable names)."""
    import importlib.util
    import sys
    name = os.path.basename(path).replace("-", "_")[:-3]
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module
