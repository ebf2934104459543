#!/usr/bin/env python3
"""The cache's real-traffic benchmark (issue 3, point 8): a Zipf workload through Sidetrack in
front of the emulator, measuring upstream-call reduction, hit ratio, isolation and memory.

Mix (per request, seeded, so every run sends the same sequence):
  85%  GET /v1/tracks/{id}?market=US   id drawn from 10,000 ids with Zipf s=1.1, any of 50 tokens
   3%  GET /v1/playlists/{id}/items    one of 20 playlists, any token
  10%  GET /v1/me…                     /v1/me, /me/tracks, /me/top/tracks, /me/player/queue,
                                       /me/playlists, any of the 50 tokens (user-private answers)
   2%  POST /v1/playlists/{id}/items   a mutation; its worker then reads the playlist back

Checks while it runs:
  isolation   every /v1/me… answer is compared with what the emulator gives that token directly
              (fetched before the run): another token's answer is a violation;
  freshness   after a mutation, the worker reads the playlist from the emulator, then through
              Sidetrack: Sidetrack showing fewer items than the emulator did is a stale read.
Upstream calls are counted by the emulator itself (/_emulator/stats), minus this script's own
direct reads. Latency: every call through Sidetrack is timed by its client (send → whole body
read, Python's own overhead included), reported as p50/p99. Memory: the gateway's VmRSS before and
after, against the memory tier's budget.

Prints a Markdown report and one machine-readable `ZIPF_RESULT` line; exits 1 on any violation.
"""

from __future__ import annotations

import argparse
import bisect
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse
from collections import Counter

TRACKS = 10_000
TOKENS = [f"zipfbenchtoken{n:02d}" for n in range(50)]
PLAYLISTS = [f"zipfplaylist{n:02d}" for n in range(20)]
ME_PATHS = ["/v1/me", "/v1/me/tracks?limit=20", "/v1/me/top/tracks?limit=10", "/v1/me/player/queue",
            "/v1/me/playlists?limit=5"]


def zipf_cdf(n: int, s: float) -> list[float]:
    weights = [1.0 / (rank ** s) for rank in range(1, n + 1)]
    total = sum(weights)
    cdf, running = [], 0.0
    for weight in weights:
        running += weight / total
        cdf.append(running)
    return cdf


def plan(requests: int, seed: int, s: float) -> list[tuple]:
    """The whole request sequence: (kind, method, path, token)."""
    rng = random.Random(seed)
    cdf = zipf_cdf(TRACKS, s)
    ops = []
    for _ in range(requests):
        roll = rng.random()
        token = rng.choice(TOKENS)
        if roll < 0.85:
            rank = min(bisect.bisect_left(cdf, rng.random()), TRACKS - 1)
            ops.append(("track", "GET", f"/v1/tracks/zipftrack{rank:05d}?market=US", token))
        elif roll < 0.88:
            ops.append(("playlist", "GET", f"/v1/playlists/{rng.choice(PLAYLISTS)}/items?limit=50", token))
        elif roll < 0.98:
            ops.append(("me", "GET", rng.choice(ME_PATHS), token))
        else:
            ops.append(("mutation", "POST", f"/v1/playlists/{rng.choice(PLAYLISTS)}/items", token))
    return ops


def fingerprint(path: str, body: bytes) -> str:
    """What identifies whose answer this is: user ids and item ids, not hrefs (Sidetrack rewrites
    links) and not counts that mutations change."""
    doc = json.loads(body)
    if path == "/v1/me":
        return doc["id"]
    if path.startswith("/v1/me/player/queue"):
        return doc["currently_playing"]["id"] + ":" + ",".join(t["id"] for t in doc["queue"])
    items = doc.get("items", [])
    return ",".join((item.get("track") or item)["id"] for item in items)


class Client:
    """One keep-alive HTTP/1.1 connection; reconnects once if the server closed it."""

    def __init__(self, base: str):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def request(self, method: str, path: str, token: str | None = None, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, dict, bytes]:
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                data = response.read()
                return response.status, {k.lower(): v for k, v in response.getheaders()}, data
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")


def get_json(base: str, path: str, method: str = "GET") -> dict:
    status, _, body = Client(base).request(method, path)
    if status >= 300:
        raise SystemExit(f"{method} {base}{path} answered {status}")
    return json.loads(body) if body else {}


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise SystemExit(f"no VmRSS for pid {pid}")


def playlist_total(body: bytes) -> int:
    return json.loads(body)["total"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--admin", required=True)
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--gateway-pid", type=int, required=True)
    parser.add_argument("--requests", type=int, default=60_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--zipf-s", type=float, default=1.1)
    args = parser.parse_args()

    # Expected per-token answers, straight from the emulator (not through Sidetrack).
    direct = Client(args.emulator)
    expected: dict[tuple[str, str], str] = {}
    for token in TOKENS:
        for path in ME_PATHS:
            status, _, body = direct.request("GET", path, token)
            if status != 200:
                raise SystemExit(f"emulator answered {status} to {path}")
            expected[(token, path)] = fingerprint(path, body)
    if len(set(expected.values())) != len(expected):
        raise SystemExit("emulator gave two tokens the same private answer; the isolation check would be blind")
    get_json(args.emulator, "/_emulator/stats/reset", "POST")

    ops = plan(args.requests, args.seed, args.zipf_s)
    rss_before = rss_bytes(args.gateway_pid)
    stats_before = get_json(args.admin, "/cache/stats")

    lock = threading.Lock()
    kinds, statuses, x_cache = Counter(), Counter(), Counter()
    violations: list[str] = []
    stale_reads: list[str] = []
    direct_reads = [0]
    errors: list[str] = []
    latencies: list[float] = []  # seconds, every call through Sidetrack

    def worker(index: int) -> None:
        gateway, emulator = Client(args.gateway), Client(args.emulator)
        local_kinds, local_status, local_cache = Counter(), Counter(), Counter()
        local_violations, local_stale, local_direct = [], [], 0
        local_latencies: list[float] = []

        def timed(*request_args, **request_kwargs):
            started = time.perf_counter()
            answer = gateway.request(*request_args, **request_kwargs)
            local_latencies.append(time.perf_counter() - started)
            return answer

        try:
            for kind, method, path, token in ops[index::args.workers]:
                if kind == "mutation":
                    uri = f"spotify:track:zipftrack{random.Random(path + token).randrange(TRACKS):05d}"
                    status, headers, _ = timed(method, path, token, json.dumps({"uris": [uri]}).encode())
                else:
                    status, headers, body = timed(method, path, token)
                local_kinds[kind] += 1
                local_status[status // 100 * 100] += 1
                local_cache[headers.get("x-cache", "none")] += 1
                if kind == "me" and status == 200 and fingerprint(path, body) != expected[(token, path)]:
                    local_violations.append(f"{token} got another answer for {path}")
                if kind == "mutation" and status // 100 == 2:
                    read = path + "?limit=1"
                    _, _, truth = emulator.request("GET", read, token)
                    local_direct += 1
                    status2, _, seen = timed("GET", read, token)
                    local_kinds["read-back"] += 1
                    local_status[status2 // 100 * 100] += 1
                    if status2 == 200 and playlist_total(seen) < playlist_total(truth):
                        local_stale.append(f"{read}: Sidetrack {playlist_total(seen)} < emulator {playlist_total(truth)}")
        except Exception as error:  # noqa: BLE001 — reported, and the run fails
            with lock:
                errors.append(f"worker {index}: {error!r}")
        with lock:
            kinds.update(local_kinds)
            statuses.update(local_status)
            x_cache.update(local_cache)
            violations.extend(local_violations)
            stale_reads.extend(local_stale)
            direct_reads[0] += local_direct
            latencies.extend(local_latencies)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    # Background refreshes may still be in flight; let them land before counting (bounded).
    for _ in range(20):
        if get_json(args.admin, "/cache/stats").get("in_flight_keys", 0) == 0:
            break
        time.sleep(0.1)
    rss_after = rss_bytes(args.gateway_pid)
    stats = get_json(args.admin, "/cache/stats")
    emulator_total = get_json(args.emulator, "/_emulator/stats")["total"]
    upstream = emulator_total - direct_reads[0]
    client_requests = sum(kinds.values())
    reduction = 1 - upstream / client_requests
    memory = stats["tiers"]["memory"]
    rss_growth = rss_after - rss_before
    budget = memory["budget_bytes"]
    latencies.sort()

    def percentile(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else 0.0
    p50, p99 = percentile(0.50), percentile(0.99)

    mib = lambda n: f"{n / (1 << 20):.1f} MiB"  # noqa: E731
    print(f"| measure | value |\n|---|---:|")
    rows = [
        ("requests through Sidetrack", f"{client_requests:,} in {elapsed:.1f} s ({client_requests / elapsed:,.0f} req/s, {args.workers} workers)"),
        ("by kind", ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items()))),
        ("status classes", ", ".join(f"{k // 100}xx {v:,}" for k, v in sorted(statuses.items()))),
        ("client latency through Sidetrack", f"p50 {p50 * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms"),
        ("X-Cache", ", ".join(f"{k} {v:,}" for k, v in sorted(x_cache.items()))),
        ("upstream calls (emulator's count)", f"{upstream:,}"),
        ("**upstream-call reduction**", f"**{reduction:.1%}**"),
        ("hit ratio (/cache/stats, hits+stale+revalidated over lookups)", f"{stats['hit_ratio']:.1%}"),
        ("coalesced", f"{stats['coalesced'] - stats_before.get('coalesced', 0):,}"),
        ("**isolation violations** (/v1/me… answers checked)", f"**{len(violations)}** of {kinds['me']:,}"),
        ("stale reads after a mutation", f"{len(stale_reads)} of {kinds['read-back']:,}"),
        ("memory tier", f"{memory['entries']:,} entries, {mib(memory['bytes'])} of {mib(budget)} budget, "
                        f"{memory['evictions']['capacity']:,} capacity evictions"),
        ("gateway RSS before → after", f"{mib(rss_before)} → {mib(rss_after)} (growth {mib(rss_growth)})"),
        ("**RSS growth ÷ memory budget**", f"**{rss_growth / budget:.2f}**"),
    ]
    for name, value in rows:
        print(f"| {name} | {value} |")
    print(f"ZIPF_RESULT requests={client_requests} upstream={upstream} reduction={reduction:.4f} "
          f"hit_ratio={stats['hit_ratio']} isolation_violations={len(violations)} stale_reads={len(stale_reads)} "
          f"rss_before={rss_before} rss_after={rss_after} budget={budget} memory_bytes={memory['bytes']} "
          f"errors={len(errors)} rps={client_requests / elapsed:.1f} p50_us={p50 * 1e6:.0f} p99_us={p99 * 1e6:.0f}")
    for line in errors + violations[:10] + stale_reads[:10]:
        print(f"  ! {line}", file=sys.stderr)
    return 1 if errors or violations or stale_reads else 0


if __name__ == "__main__":
    sys.exit(main())
