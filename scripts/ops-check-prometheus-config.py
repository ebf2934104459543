#!/usr/bin/env python3
"""`promtool check config` on monitoring/prometheus/prometheus.yml (which also checks the rule
files it loads).

Debian builds Prometheus without Kubernetes service discovery, so its promtool rejects the
file's `kubernetes_sd_configs` as an unknown field. When (and only when) that is the failure,
this checks a copy in which each `kubernetes_sd_configs` block is replaced by an empty
`static_configs` — so promtool still parses everything else, relabelling included — and checks
the replaced blocks against the fields the Kubernetes SD accepts. With an upstream promtool the
file is checked as it is.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "monitoring" / "prometheus" / "prometheus.yml"
K8S_SD_FIELDS = {"role", "api_server", "kubeconfig_file", "namespaces", "selectors", "attach_metadata",
                 "basic_auth", "authorization", "oauth2", "proxy_url", "follow_redirects", "enable_http2",
                 "tls_config"}
K8S_ROLES = {"node", "service", "pod", "endpoints", "endpointslice", "ingress"}


def promtool(path: Path) -> tuple[int, str]:
    proc = subprocess.run(["promtool", "check", "config", str(path)], capture_output=True, text=True)
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def main() -> int:
    code, out = promtool(CONFIG)
    if code == 0:
        print(f"prometheus config: promtool check config OK ({CONFIG.relative_to(REPO)})")
        return 0
    if "field kubernetes_sd_configs not found" not in out:
        print(out, file=sys.stderr)
        return 1

    config = yaml.safe_load(CONFIG.read_text())
    problems = []
    for job in config.get("scrape_configs", []):
        for sd in job.pop("kubernetes_sd_configs", None) or []:
            unknown = set(sd) - K8S_SD_FIELDS
            if unknown:
                problems.append(f"job {job['job_name']}: unknown kubernetes_sd_configs fields {sorted(unknown)}")
            if sd.get("role") not in K8S_ROLES:
                problems.append(f"job {job['job_name']}: kubernetes_sd_configs role {sd.get('role')!r} not in {sorted(K8S_ROLES)}")
            job.setdefault("static_configs", []).append({"targets": []})
    # The copy lives elsewhere: make its rule_files absolute.
    config["rule_files"] = [str((CONFIG.parent / p).resolve()) for p in config.get("rule_files", [])]
    with tempfile.TemporaryDirectory(prefix="ops-promcfg.") as tmp:
        copy = Path(tmp) / "prometheus.yml"
        copy.write_text(yaml.safe_dump(config, sort_keys=False))
        code, out = promtool(copy)
    if code != 0:
        problems.append(out)
    if problems:
        print("prometheus config: FAILED\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"prometheus config: promtool check config OK ({CONFIG.relative_to(REPO)}; this promtool lacks "
          "Kubernetes SD, so kubernetes_sd_configs were checked field by field)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
