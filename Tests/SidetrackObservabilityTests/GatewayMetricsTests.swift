import Testing

@testable import SidetrackObservability

@Suite("GatewayMetrics")
struct GatewayMetricsTests {
    static let routes = [
        RouteLabel(route: "/v1/me", methods: ["GET"]),
        RouteLabel(route: "/api/token", methods: ["POST"]),
        RouteLabel(route: "other", methods: ["GET", "POST", "PUT", "DELETE"]),
    ]

    static func makeMetrics() -> GatewayMetrics {
        GatewayMetrics(routes: routes, version: "1.2.3", commit: "abc123")
    }

    @Test("golden lines for a tiny route table at start-up")
    func goldenStartUpLines() {
        let exposition = Exposition(Self.makeMetrics().render())
        let expected = [
            "# HELP sidetrack_http_server_requests_total HTTP requests served by Sidetrack, by route, method and response status code.",
            "# TYPE sidetrack_http_server_requests_total counter",
            #"sidetrack_http_server_requests_total{route="/v1/me",method="GET",code="200"} 0"#,
            #"sidetrack_http_server_requests_total{route="/api/token",method="POST",code="429"} 0"#,
            #"sidetrack_http_server_requests_total{route="other",method="DELETE",code="504"} 0"#,
            "# TYPE sidetrack_http_server_request_duration_seconds histogram",
            #"sidetrack_http_server_request_duration_seconds_bucket{route="/v1/me",method="GET",status_class="2xx",cache="bypass",le="0.0005"} 0"#,
            #"sidetrack_http_server_request_duration_seconds_bucket{route="/v1/me",method="GET",status_class="5xx",cache="bypass",le="10.0"} 0"#,
            #"sidetrack_http_server_request_duration_seconds_bucket{route="/v1/me",method="GET",status_class="4xx",cache="bypass",le="+Inf"} 0"#,
            #"sidetrack_http_server_request_duration_seconds_sum{route="/v1/me",method="GET",status_class="2xx",cache="bypass"} 0.0"#,
            #"sidetrack_http_server_request_duration_seconds_count{route="other",method="PUT",status_class="2xx",cache="bypass"} 0"#,
            "# TYPE sidetrack_http_server_active_requests gauge",
            "sidetrack_http_server_active_requests 0.0",
            #"sidetrack_upstream_request_duration_seconds_count{route="/api/token",upstream="accounts",outcome="success"} 0"#,
            #"sidetrack_upstream_request_duration_seconds_count{route="/v1/me",upstream="api",outcome="success"} 0"#,
            #"sidetrack_upstream_requests_total{route="/v1/me",outcome="client_error"} 0"#,
            #"sidetrack_upstream_requests_total{route="other",outcome="unreachable"} 0"#,
            "# HELP sidetrack_build_info Sidetrack build information; the value is always 1.",
            "# TYPE sidetrack_build_info gauge",
            #"sidetrack_build_info{version="1.2.3",commit="abc123"} 1.0"#,
            "# TYPE sidetrack_log_lines_dropped_total counter",
            "sidetrack_log_lines_dropped_total 0",
        ]
        for line in expected {
            #expect(exposition.has(line), "missing line: \(line)")
        }
    }

    @Test("every family has exactly one HELP and one TYPE line")
    func helpAndTypeForEveryFamily() {
        let exposition = Exposition(Self.makeMetrics().render())
        let families = Set(exposition.seriesKeys.map(Exposition.family(ofSeries:)))
        #expect(families.count >= 7)
        for family in families {
            #expect(exposition.helpFamilies.filter { $0 == family }.count == 1, "HELP for \(family)")
            #expect(exposition.typeFamilies.filter { $0 == family }.count == 1, "TYPE for \(family)")
        }
        #expect(exposition.lines.filter { $0.hasPrefix("# HELP ") }.allSatisfy { $0.split(separator: " ").count > 3 })
    }

    @Test("start-up series count follows the documented choice and has no duplicates")
    func precreatedSeriesCount() {
        let exposition = Exposition(Self.makeMetrics().render())
        let keys = exposition.seriesKeys
        #expect(Set(keys).count == keys.count)
        let routeMethods = 1 + 1 + 4
        let counters = keys.filter { $0.hasPrefix("sidetrack_http_server_requests_total{") }
        #expect(counters.count == routeMethods * 9)
        let serverCounts = keys.filter { $0.hasPrefix("sidetrack_http_server_request_duration_seconds_count{") }
        #expect(serverCounts.count == routeMethods * 3)
        #expect(serverCounts.allSatisfy { $0.contains(#"cache="bypass""#) })
        let upstreamCounters = keys.filter { $0.hasPrefix("sidetrack_upstream_requests_total{") }
        #expect(upstreamCounters.count == 3 * 6)
        let upstreamCounts = keys.filter { $0.hasPrefix("sidetrack_upstream_request_duration_seconds_count{") }
        #expect(upstreamCounts.count == 3)
        // 14 finite buckets + +Inf per histogram series.
        let buckets = keys.filter { $0.hasPrefix("sidetrack_http_server_request_duration_seconds_bucket{") }
        #expect(buckets.count == routeMethods * 3 * 15)
    }

    @Test("server observations land in the right buckets and counters")
    func observeServerCountsAndBuckets() {
        let metrics = Self.makeMetrics()
        metrics.observeServer(route: 0, method: "GET", status: 200, cache: .bypass, seconds: 0.003)
        metrics.observeServer(route: 0, method: "GET", status: 204, cache: .bypass, seconds: 0.2)
        metrics.observeServer(route: 0, method: "GET", status: 200, cache: .bypass, seconds: 20)
        let exposition = Exposition(metrics.render())
        let series = #"route="/v1/me",method="GET",status_class="2xx",cache="bypass""#
        let name = "sidetrack_http_server_request_duration_seconds"
        #expect(exposition.value(#"\#(name)_bucket{\#(series),le="0.0025"}"#) == 0)
        #expect(exposition.value(#"\#(name)_bucket{\#(series),le="0.005"}"#) == 1)
        #expect(exposition.value(#"\#(name)_bucket{\#(series),le="0.25"}"#) == 2)
        #expect(exposition.value(#"\#(name)_bucket{\#(series),le="10.0"}"#) == 2)
        #expect(exposition.value(#"\#(name)_bucket{\#(series),le="+Inf"}"#) == 3)
        #expect(exposition.value("\(name)_count{\(series)}") == 3)
        let sum = exposition.value("\(name)_sum{\(series)}") ?? 0
        #expect(abs(sum - 20.203) < 1e-9)
        #expect(exposition.value(#"sidetrack_http_server_requests_total{route="/v1/me",method="GET",code="200"}"#) == 2)
        #expect(exposition.value(#"sidetrack_http_server_requests_total{route="/v1/me",method="GET",code="204"}"#) == 1)
    }

    @Test("label combinations outside the start-up set are created on first use, once")
    func lazyCombinations() {
        let metrics = Self.makeMetrics()
        for _ in 0..<3 {
            metrics.observeServer(route: 0, method: "GET", status: 200, cache: .hit, seconds: 0.0004)
            metrics.observeServer(route: 0, method: "PATCH", status: 302, cache: .miss, seconds: 0.01)
            metrics.observeServer(route: 0, method: "BREW", status: 418, cache: .stale, seconds: 0.01)
            metrics.observeServer(route: 1, method: "POST", status: 999, cache: .bypass, seconds: 0.01)
            metrics.observeUpstream(route: 0, upstream: "api", outcome: .rateLimited, seconds: 0.5)
            metrics.observeUpstream(route: 0, upstream: "mirror", outcome: .timeout, seconds: 5)
        }
        let exposition = Exposition(metrics.render())
        let keys = exposition.seriesKeys
        #expect(Set(keys).count == keys.count)
        let server = "sidetrack_http_server_request_duration_seconds"
        #expect(exposition.value(#"\#(server)_count{route="/v1/me",method="GET",status_class="2xx",cache="hit"}"#) == 3)
        #expect(exposition.value(#"\#(server)_bucket{route="/v1/me",method="GET",status_class="2xx",cache="hit",le="0.0005"}"#) == 3)
        #expect(exposition.value(#"\#(server)_count{route="/v1/me",method="PATCH",status_class="3xx",cache="miss"}"#) == 3)
        #expect(exposition.value(#"\#(server)_count{route="/v1/me",method="_OTHER",status_class="4xx",cache="stale"}"#) == 3)
        let counter = "sidetrack_http_server_requests_total"
        #expect(exposition.value(#"\#(counter){route="/v1/me",method="_OTHER",code="418"}"#) == 3)
        #expect(exposition.value(#"\#(counter){route="/api/token",method="POST",code="invalid"}"#) == 3)
        let upstream = "sidetrack_upstream_request_duration_seconds"
        #expect(exposition.value(#"\#(upstream)_count{route="/v1/me",upstream="api",outcome="rate_limited"}"#) == 3)
        #expect(exposition.value(#"\#(upstream)_count{route="/v1/me",upstream="mirror",outcome="timeout"}"#) == 3)
        #expect(exposition.value(#"sidetrack_upstream_requests_total{route="/v1/me",outcome="rate_limited"}"#) == 3)
        #expect(exposition.value(#"sidetrack_upstream_requests_total{route="/v1/me",outcome="timeout"}"#) == 3)
    }

    @Test("out-of-range route ids count as the last route; bad durations record 0")
    func robustInputs() {
        let metrics = Self.makeMetrics()
        metrics.observeServer(route: 99, method: "GET", status: 200, cache: .bypass, seconds: .nan)
        metrics.observeServer(route: -1, method: "GET", status: 200, cache: .bypass, seconds: -1)
        metrics.observeUpstream(route: 42, upstream: "api", outcome: .success, seconds: .infinity)
        let exposition = Exposition(metrics.render())
        let series = #"route="other",method="GET",status_class="2xx",cache="bypass""#
        #expect(exposition.value("sidetrack_http_server_request_duration_seconds_count{\(series)}") == 2)
        #expect(exposition.value("sidetrack_http_server_request_duration_seconds_sum{\(series)}") == 0)
        #expect(exposition.value(#"sidetrack_upstream_request_duration_seconds_sum{route="other",upstream="api",outcome="success"}"#) == 0)
        let empty = GatewayMetrics(routes: [], version: "v", commit: "c")
        empty.observeServer(route: 0, method: "GET", status: 200, cache: .hit, seconds: 1)
        empty.observeUpstream(route: 0, upstream: "api", outcome: .error, seconds: 1)
        #expect(Exposition(empty.render()).has("sidetrack_http_server_active_requests 0.0"))
    }

    @Test("active requests gauge follows started/finished")
    func activeRequests() {
        let metrics = Self.makeMetrics()
        metrics.requestStarted()
        metrics.requestStarted()
        metrics.requestFinished()
        #expect(Exposition(metrics.render()).value("sidetrack_http_server_active_requests") == 1)
    }

    @Test("concurrent first use of a lazy series counts every observation once")
    func concurrentLazyCreation() async {
        let metrics = Self.makeMetrics()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<500 {
                        metrics.observeServer(route: 2, method: "PUT", status: 201, cache: .miss, seconds: 0.001)
                    }
                }
            }
        }
        let exposition = Exposition(metrics.render())
        #expect(exposition.value(#"sidetrack_http_server_requests_total{route="other",method="PUT",code="201"}"#) == 4000)
        let series = #"route="other",method="PUT",status_class="2xx",cache="miss""#
        #expect(exposition.value("sidetrack_http_server_request_duration_seconds_count{\(series)}") == 4000)
    }

    @Test("dropped log lines of an attached sink are exported")
    func attachedLogSink() {
        let metrics = Self.makeMetrics()
        let sink = LogSink(capacityBytes: 4) { _ in }
        sink.write(Array("far too long for four bytes".utf8))
        metrics.attach(logSink: sink)
        #expect(Exposition(metrics.render()).value("sidetrack_log_lines_dropped_total") == 1)
    }
}

@Suite struct TracingExportMetricsTests {
    @Test func theDroppedCounterFollowsTheExportersTotal() {
        let metrics = GatewayMetrics(routes: [], version: "t", commit: "t")
        let tracing = TracingExportMetrics(registry: metrics.registry)
        func value() -> String? {
            String(decoding: metrics.render(), as: UTF8.self).split(separator: "\n")
                .first { $0.hasPrefix("sidetrack_tracing_spans_dropped_total ") }.map(String.init)
        }
        #expect(value() == "sidetrack_tracing_spans_dropped_total 0")
        tracing.report(droppedTotal: 3)
        tracing.report(droppedTotal: 3)
        tracing.report(droppedTotal: 5)
        #expect(value() == "sidetrack_tracing_spans_dropped_total 5")
    }
}
