"""Shared fixtures: where the gateway and emulator are, and a reader for the gateway's access log.

scripts/client-tests.sh starts the emulator and the gateway and exports:
  SIDETRACK_PROXY_URL     the gateway's proxy listener, e.g. http://127.0.0.1:41234
  SIDETRACK_EMULATOR_URL  the fake Spotify behind it
  SIDETRACK_GATEWAY_LOG   the gateway's stdout (JSON lines, one "request" line per call)
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
import uuid
from pathlib import Path

import pytest


def _required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run these tests through scripts/client-tests.sh", pytrace=False)
    return value.rstrip("/")


@pytest.fixture(scope="session")
def proxy_url() -> str:
    return _required_env("SIDETRACK_PROXY_URL")


@pytest.fixture(scope="session")
def emulator_url() -> str:
    return _required_env("SIDETRACK_EMULATOR_URL")


@pytest.fixture
def unique_id() -> str:
    """A Spotify-shaped id ([A-Za-z0-9]+) no other test uses, so log/stats lines are ours."""
    return "st" + uuid.uuid4().hex[:20]


class AccessLog:
    """Reads the gateway's JSON access-log lines ("msg":"request") from its stdout file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def requests(self) -> list[dict]:
        entries = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and entry.get("msg") == "request":
                entries.append(entry)
        return entries

    def wait_for(self, predicate, count: int = 1, timeout: float = 3.0) -> list[dict]:
        """Waits (bounded) until at least `count` request lines match; the line is written
        after the response, so it may trail the client by a moment."""
        deadline = time.monotonic() + timeout
        while True:
            matches = [e for e in self.requests() if predicate(e)]
            if len(matches) >= count or time.monotonic() > deadline:
                return matches
            time.sleep(0.05)


@pytest.fixture(scope="session")
def access_log() -> AccessLog:
    return AccessLog(Path(_required_env("SIDETRACK_GATEWAY_LOG")))


def path_of(entry: dict) -> str:
    """The logged path without query or trailing slash (spotipy adds one on some paths)."""
    return str(entry.get("path", "")).split("?", 1)[0].rstrip("/")


def emulator_get(emulator_url: str, path: str, token: str = "test-token"):
    """GET straight from the emulator, bypassing the gateway."""
    request = urllib.request.Request(emulator_url + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())
