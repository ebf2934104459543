#!/usr/bin/env python3
"""An open-loop HTTP/1.1 load generator for the overload benchmark (bench/run-overload.sh).

Closed-loop tools (wrk) send the next request only when the last one answered, so a server that
slows down is offered less load ("coordinated omission"). This one starts request i at
t0 + i / rate whatever happened to the earlier ones, over a pool of keep-alive connections that
grows as needed (up to --max-connections; past that a request waits for a connection, and that
wait counts in its latency, which is measured from its scheduled start).

Phases:
  baseline   --baseline N sequential requests on one connection before the load: their median
             latency is the "normal latency" the recovery check compares with;
  load       --rate req/s for --duration seconds; every request answers (2xx / 429 / 503 / other),
             times out (no answer within --timeout) or fails (socket error);
  recovery   from the moment the load stops, one request every --probe-interval seconds on a
             fresh connection each, until one answers 2xx within --normal-factor × the baseline
             median (+ 5 ms); the time from the stop to that answer is the recovery time.

Prints a human summary and one machine-readable `OPENLOOP_RESULT key=value …` line.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import urllib.parse
from collections import Counter


class Pool:
    def __init__(self, host: str, port: int, limit: int):
        self.host, self.port, self.limit = host, port, limit
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.open = 0
        self.peak_open = 0
        self.freed = asyncio.Condition()

    async def get(self):
        while True:
            if self.idle:
                return self.idle.pop()
            if self.open < self.limit:
                self.open += 1
                self.peak_open = max(self.peak_open, self.open)
                try:
                    return await asyncio.open_connection(self.host, self.port)
                except BaseException:
                    self.open -= 1
                    raise
            async with self.freed:
                await self.freed.wait()

    async def put(self, conn) -> None:
        self.idle.append(conn)
        async with self.freed:
            self.freed.notify()

    async def discard(self, conn) -> None:
        self.open -= 1
        if conn is not None:
            conn[1].transport.abort()
        async with self.freed:
            self.freed.notify()


async def exchange(conn, request: bytes, count_header: str = "") -> tuple[int, bool, str]:
    """Sends one request on conn and reads the whole answer; returns (status, keep_alive, the value
    of count_header or "")."""
    reader, writer = conn
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() != "close", headers.get(count_header, "")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def main_async(args) -> int:
    url = urllib.parse.urlsplit(args.url)
    host, port = url.hostname, url.port or 80
    target = (url.path or "/") + (f"?{url.query}" if url.query else "")
    extra = "".join(f"{h}\r\n" for h in args.header)
    request = f"GET {target} HTTP/1.1\r\nHost: {url.netloc}\r\n{extra}\r\n".encode()

    # Baseline: the latency of a request when nothing else is happening.
    baseline: list[float] = []
    conn = await asyncio.open_connection(host, port)
    for _ in range(args.baseline):
        started = time.perf_counter()
        status, _, _ = await asyncio.wait_for(exchange(conn, request), args.timeout)
        if status // 100 == 2:
            baseline.append(time.perf_counter() - started)
        await asyncio.sleep(0.02)
    conn[1].transport.abort()
    if args.baseline and not baseline:
        print("openloop: no baseline request answered 2xx; is the target up?", file=sys.stderr)
        return 1
    normal = statistics.median(baseline) if baseline else 0.0
    threshold = normal * args.normal_factor + 0.005

    pool = Pool(host, port, args.max_connections)
    classes: Counter[str] = Counter()
    labels: Counter[str] = Counter()  # status and --count-header value, for answers that carry it
    latencies: list[float] = []
    ok_latencies: list[float] = []
    tasks: set[asyncio.Task] = set()
    max_lag = 0.0

    async def one(scheduled: float) -> None:
        conn = None
        try:
            async with asyncio.timeout(args.timeout):
                conn = await pool.get()
                status, keep, label = await exchange(conn, request, args.count_header.lower())
        except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError,
                IndexError) as error:
            classes["timeout" if isinstance(error, TimeoutError) else "socket_error"] += 1
            if conn is not None:  # a connection that failed mid-exchange is not reused
                await pool.discard(conn)
            return
        elapsed = time.perf_counter() - scheduled
        latencies.append(elapsed)
        if label:
            labels[f"{status} {label}"] += 1
        if status // 100 == 2:
            classes["2xx"] += 1
            ok_latencies.append(elapsed)
        elif status in (429, 503):
            classes[str(status)] += 1
        else:
            classes["other"] += 1
        if keep:
            await pool.put(conn)
        else:
            await pool.discard(conn)

    # Load: request i starts at t0 + i / rate, whatever the earlier ones are doing.
    t0 = time.perf_counter()
    total = int(args.rate * args.duration)
    sent = 0
    while sent < total:
        now = time.perf_counter()
        due = min(total, int((now - t0) * args.rate) + 1)
        while sent < due:
            scheduled = t0 + sent / args.rate
            max_lag = max(max_lag, now - scheduled)
            task = asyncio.create_task(one(scheduled))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            sent += 1
        await asyncio.sleep(max(0.0, t0 + sent / args.rate - time.perf_counter()))
    stopped = time.perf_counter()
    load_seconds = stopped - t0

    # Recovery: fresh-connection probes from the moment the load stops, while its tail drains.
    recovery = None
    probes = 0
    probe_deadline = stopped + args.probe_max
    while args.baseline and time.perf_counter() < probe_deadline:
        probes += 1
        started = time.perf_counter()
        try:
            async with asyncio.timeout(args.timeout):
                conn = await asyncio.open_connection(host, port)
                try:
                    status, _, _ = await exchange(conn, request)
                finally:
                    conn[1].transport.abort()
            took = time.perf_counter() - started
            if status // 100 == 2 and took <= threshold:
                recovery = time.perf_counter() - stopped
                break
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            pass
        await asyncio.sleep(max(0.0, started + args.probe_interval - time.perf_counter()))

    # Let the load's tail finish (each request is bounded by --timeout).
    if tasks:
        await asyncio.wait(set(tasks), timeout=args.timeout + 1)
    for reader_writer in pool.idle:
        reader_writer[1].transport.abort()

    answered = classes["2xx"] + classes["429"] + classes["503"] + classes["other"]
    ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731
    print(f"offered {args.rate:.0f} req/s open-loop for {load_seconds:.1f} s: {sent} requests, "
          f"{answered} answered ({classes['2xx']} 2xx, {classes['429']} 429, {classes['503']} 503, "
          f"{classes['other']} other), {classes['timeout']} timeouts (> {args.timeout:g} s), "
          f"{classes['socket_error']} socket errors; {pool.peak_open} connections at most")
    print(f"latency of answers (from scheduled start): p50 {ms(percentile(latencies, 0.5))}, "
          f"p99 {ms(percentile(latencies, 0.99))}; of 2xx: p50 {ms(percentile(ok_latencies, 0.5))}, "
          f"p99 {ms(percentile(ok_latencies, 0.99))}; generator lag at most {ms(max_lag)}")
    if labels:
        print(f"{args.count_header}: " + ", ".join(f"{k} × {v}" for k, v in labels.most_common()))
    if args.baseline:
        verdict = f"{recovery:.2f} s" if recovery is not None else f"not within {args.probe_max:g} s"
        print(f"normal latency (baseline median of {len(baseline)}): {ms(normal)}; recovery to 2xx within "
              f"{ms(threshold)}: {verdict} ({probes} probes)")
    fields = {
        "offered_rps": f"{args.rate:.1f}", "seconds": f"{load_seconds:.2f}", "sent": sent,
        "answered": answered, "s2xx": classes["2xx"], "s429": classes["429"], "s503": classes["503"],
        "other": classes["other"], "timeouts": classes["timeout"], "socket_errors": classes["socket_error"],
        "p50_us": int(percentile(latencies, 0.5) * 1e6), "p99_us": int(percentile(latencies, 0.99) * 1e6),
        "ok_p50_us": int(percentile(ok_latencies, 0.5) * 1e6), "ok_p99_us": int(percentile(ok_latencies, 0.99) * 1e6),
        "max_lag_us": int(max_lag * 1e6), "connections": pool.peak_open, "baseline_us": int(normal * 1e6),
        "recovery_ms": int(recovery * 1000) if recovery is not None else -1, "probes": probes,
    }
    print("OPENLOOP_RESULT " + " ".join(f"{k}={v}" for k, v in fields.items()))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="http://host:port/path?query")
    parser.add_argument("--header", action="append", default=[], help="'Name: value', repeatable")
    parser.add_argument("--rate", type=float, required=True, help="requests per second offered")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds before a request counts as timed out")
    parser.add_argument("--max-connections", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=20, help="sequential requests before the load (0: none, no recovery check)")
    parser.add_argument("--count-header", default="", help="count answers by this header's value too")
    parser.add_argument("--normal-factor", type=float, default=1.5)
    parser.add_argument("--probe-interval", type=float, default=0.05)
    parser.add_argument("--probe-max", type=float, default=30.0, help="give up the recovery check after this many seconds")
    args = parser.parse_args()
    if args.rate <= 0 or args.duration <= 0:
        parser.error("--rate and --duration must be positive")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
