#!/usr/bin/env python3
"""Checks the Dockerfile without a container engine (none exists on the development machines):
parses it with BuildKit's own parser (the `dockerfile` package) and checks that it is
multi-stage, builds with `--static-swift-stdlib` (itself or through scripts/build-release.sh), runs the final stage as a numeric non-root
user, pins its base images to a tag, uses exec-form ENTRYPOINT, copies only paths that exist, and
that .dockerignore keeps those paths in the build context.
"""

from __future__ import annotations

import fnmatch
import re
import sys
from pathlib import Path

import dockerfile

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    problems: list[str] = []
    commands = dockerfile.parse_file(str(REPO / "Dockerfile"))
    args = {c.value[0].split("=", 1)[0]: c.value[0].split("=", 1)[1]
            for c in commands if c.cmd == "ARG" and "=" in c.value[0]}
    stages = [c for c in commands if c.cmd == "FROM"]
    if len(stages) < 2:
        problems.append("not multi-stage (one FROM)")
    for stage in stages:
        image = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group()), stage.value[0])
        if ":" not in image or image.endswith(":latest"):
            problems.append(f"line {stage.start_line}: base image {image!r} is not pinned to a tag")
    runs = " ".join(" ".join(c.value) for c in commands if c.cmd == "RUN")
    build = runs
    if "scripts/build-release.sh" in runs:
        # The image is built by the script the benchmarks use: its flags are what ships.
        copied = any(c.cmd == "COPY" and "scripts/build-release.sh" in c.value[:-1] for c in commands)
        if not copied:
            problems.append("RUN uses scripts/build-release.sh but no COPY brings it in")
        build = (REPO / "scripts" / "build-release.sh").read_text()
    if "swift build" not in build or "--static-swift-stdlib" not in build or "-c release" not in build:
        problems.append("no `swift build -c release --static-swift-stdlib` (in RUN or scripts/build-release.sh)")
    final = commands[commands.index(stages[-1]):]
    users = [c for c in final if c.cmd == "USER"]
    if not users:
        problems.append("final stage has no USER (would run as root)")
    elif not re.fullmatch(r"[1-9]\d*(:[1-9]\d*)?", users[-1].value[0]):
        problems.append(f"final USER {users[-1].value[0]!r} is not a numeric non-root uid (runAsNonRoot needs one)")
    entry = [c for c in final if c.cmd == "ENTRYPOINT"]
    if not entry or not entry[-1].json:
        problems.append("ENTRYPOINT missing or not in exec (JSON) form: signals would go to a shell")
    ignore = [line.strip().rstrip("/") for line in (REPO / ".dockerignore").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    for c in commands:
        if c.cmd == "ADD":
            problems.append(f"line {c.start_line}: use COPY, not ADD")
        if c.cmd != "COPY" or any(f.startswith("--from") for f in c.flags):
            continue
        for src in c.value[:-1]:
            if not any(REPO.glob(src)):
                problems.append(f"line {c.start_line}: COPY source {src!r} does not exist")
            if any(fnmatch.fnmatch(src, pat) for pat in ignore):
                problems.append(f"line {c.start_line}: COPY source {src!r} is excluded by .dockerignore")
    if problems:
        print("dockerfile: FAILED\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"dockerfile: {len(stages)} stages, static Swift stdlib, final USER {users[-1].value[0]}, "
          "sources present (not built: no container engine here)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
