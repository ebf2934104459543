#!/usr/bin/env python3
"""A minimal OTLP/HTTP collector for benchmarks: accepts POST /v1/traces, counts requests and
bytes, answers 200 with an empty protobuf body. Prints its port on stdout, then serves until killed.
"""

from __future__ import annotations

import http.server
import sys
import threading


class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    lock = threading.Lock()
    batches = 0
    received = 0

    def do_POST(self) -> None:  # noqa: N802 — the http.server API
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with Sink.lock:
            Sink.batches += 1
            Sink.received += len(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802 — /stats for the harness
        with Sink.lock:
            text = f"batches={Sink.batches} bytes={Sink.received}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, *args) -> None:  # quiet
        pass


def main() -> int:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
