#!/usr/bin/env python3
"""Checks monitoring/kubernetes/*.yaml:
  - core kinds: kubernetes-validate --strict (unknown fields rejected) against the oldest
    Kubernetes the manifests support (1.30: native sidecars and the preStop sleep action are on by
    default from there) and the newest schema the package ships;
  - CRDs (PodMonitor, PrometheusRule): the hand-written minimal JSON schemas in schemas/ — no CRD
    schema is available offline;
  - what a schema cannot see: probes on /live and /ready via the named metrics port, a grace
    period that covers preStop + drain_timeout, a non-root read-only security context, resources,
    a PodMonitor that selects the pods and port, and the embedded config passing
    `sidetrack check-config` (when a built binary is given in SIDETRACK_BIN).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema
import yaml
from kubernetes_validate import utils as kv

REPO = Path(__file__).resolve().parent.parent
DIR = REPO / "monitoring" / "kubernetes"
CRD_SCHEMAS = {"PodMonitor": "podmonitor.schema.json", "PrometheusRule": "prometheusrule.schema.json"}
MIN_VERSION = "1.30.0"
METRICS_PORT = "st-metrics"
GRACE_MARGIN = 5

problems: list[str] = []


def fail(where: str, message: str) -> None:
    problems.append(f"{where}: {message}")


def seconds(duration: str) -> float:
    found = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h)?", str(duration))
    if not found:
        raise ValueError(f"unreadable duration {duration!r}")
    return float(found.group(1)) * {"ms": 0.001, "s": 1, None: 1, "m": 60, "h": 3600}[found.group(2)]


def validate_schemas(docs: list[tuple[str, dict]]) -> int:
    versions = [MIN_VERSION, kv.latest_version()]
    count = 0
    for where, doc in docs:
        kind = doc.get("kind")
        if kind in CRD_SCHEMAS:
            schema = json.loads((DIR / "schemas" / CRD_SCHEMAS[kind]).read_text())
            for error in jsonschema.Draft202012Validator(schema).iter_errors(doc):
                fail(where, f"{kind} schema: {'.'.join(map(str, error.path))}: {error.message}")
            count += 1
            continue
        for version in versions:
            try:
                kv.validate(doc, version, strict=True)
            except kv.ValidationError as e:
                fail(where, f"kubernetes {e.version} --strict: {'.'.join(map(str, e.path))}: {e.message}")
            except kv.SchemaNotFoundError as e:
                fail(where, e.message)
        count += 1
    return count


def sidetrack_container(pod: dict) -> tuple[dict | None, bool]:
    for c in pod.get("initContainers", []):
        if c["name"] == "sidetrack":
            return c, True
    for c in pod.get("containers", []):
        if c["name"] == "sidetrack":
            return c, False
    return None, False


def check_deployment(where: str, dep: dict, drain: float | None, monitors: list[dict]) -> None:
    pod = dep["spec"]["template"]["spec"]
    labels = dep["spec"]["template"]["metadata"].get("labels", {})
    c, native = sidetrack_container(pod)
    if c is None:
        fail(where, "no container named sidetrack")
        return
    if native and c.get("restartPolicy") != "Always":
        fail(where, "a native sidecar is an init container with restartPolicy: Always")
    if not any(p.get("name") == METRICS_PORT for p in c.get("ports", [])):
        fail(where, f"sidetrack has no port named {METRICS_PORT}")
    for probe, path in (("startupProbe", "/live"), ("livenessProbe", "/live"), ("readinessProbe", "/ready")):
        get = c.get(probe, {}).get("httpGet", {})
        if get.get("path") != path or get.get("port") != METRICS_PORT:
            fail(where, f"{probe} must be GET {path} on port {METRICS_PORT}, is {get or 'missing'}")
    sc = c.get("securityContext", {})
    if not (sc.get("readOnlyRootFilesystem") and sc.get("allowPrivilegeEscalation") is False
            and "ALL" in sc.get("capabilities", {}).get("drop", [])):
        fail(where, "sidetrack needs readOnlyRootFilesystem, allowPrivilegeEscalation: false, drop ALL")
    if not (pod.get("securityContext", {}).get("runAsNonRoot") or sc.get("runAsNonRoot")):
        fail(where, "pod or sidetrack must set runAsNonRoot")
    res = c.get("resources", {})
    if not (res.get("requests", {}).get("cpu") and res.get("requests", {}).get("memory") and res.get("limits", {}).get("memory")):
        fail(where, "sidetrack needs cpu/memory requests and a memory limit")
    pre = c.get("lifecycle", {}).get("preStop", {})
    if "sleep" in pre:
        pre_s = float(pre["sleep"]["seconds"])
    elif pre.get("exec", {}).get("command", [""])[0].endswith("sleep"):
        pre_s = float(pre["exec"]["command"][1])
    else:
        fail(where, "sidetrack needs a preStop sleep")
        pre_s = 0
    grace = pod.get("terminationGracePeriodSeconds", 30)
    if drain is not None and grace < pre_s + drain + GRACE_MARGIN:
        fail(where, f"terminationGracePeriodSeconds {grace} < preStop {pre_s:g} + drain_timeout {drain:g} + {GRACE_MARGIN}")
    selected = [m for m in monitors if all(labels.get(k) == v for k, v in m["spec"]["selector"].get("matchLabels", {}).items())]
    if not selected:
        fail(where, "no PodMonitor selects this pod template")
    for m in selected:
        if not any(e.get("port") == METRICS_PORT for e in m["spec"]["podMetricsEndpoints"]):
            fail(where, f"PodMonitor {m['metadata']['name']} does not scrape port {METRICS_PORT}")


def check_config(where: str, cm: dict) -> tuple[float | None, str]:
    text = cm["data"]["sidetrack.yaml"]
    drain = seconds(yaml.safe_load(text).get("drain_timeout", "25s"))
    binary = os.environ.get("SIDETRACK_BIN", "")
    if not binary or not os.access(binary, os.X_OK):
        return drain, "sidetrack check-config SKIPPED (no built binary; set SIDETRACK_BIN)"
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
        f.write(text)
        f.flush()
        env = {k: v for k, v in os.environ.items() if not k.startswith("SIDETRACK_")}
        proc = subprocess.run([binary, "check-config", f.name], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        fail(where, "sidetrack check-config: " + (proc.stdout + proc.stderr).strip())
    return drain, "sidetrack check-config OK"


def main() -> int:
    docs: list[tuple[str, dict]] = []
    for path in sorted(DIR.glob("*.yaml")):
        for n, doc in enumerate(d for d in yaml.safe_load_all(path.read_text()) if d):
            docs.append((f"{path.relative_to(REPO)}#{n}", doc))
    count = validate_schemas(docs)
    monitors = [d for _, d in docs if d.get("kind") == "PodMonitor"]
    drain, config_note = None, "no sidetrack-config ConfigMap"
    for where, doc in docs:
        if doc.get("kind") == "ConfigMap" and doc["metadata"]["name"] == "sidetrack-config":
            drain, config_note = check_config(where, doc)
    deployments = [(w, d) for w, d in docs if d.get("kind") == "Deployment"]
    for where, doc in deployments:
        check_deployment(where, doc, drain, monitors)
    if problems:
        print("kubernetes: FAILED\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"kubernetes: {count} objects valid (core kinds strict against {MIN_VERSION} and "
          f"{kv.latest_version()}, CRDs against schemas/), {len(deployments)} deployments pass the "
          f"sidecar checks; {config_note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
