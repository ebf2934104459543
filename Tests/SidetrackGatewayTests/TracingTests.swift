import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SidetrackCore
import SidetrackEmulator
import SidetrackGateway
import Testing

/// Issue 5 end to end: W3C Trace Context in and out, spans exported over OTLP/HTTP to a receiver
/// inside the test, ids in the access log, and a dead collector that changes nothing for requests.
/// Serialized: each case runs an emulator, a gateway and an exporter; run side by side they add a
/// burst of load that makes the timing-sensitive suites elsewhere flaky on a 2-core machine.
@Suite(.serialized) struct TracingTests {
    static let callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let callerSpan = "00f067aa0ba902b7"
    static let callerTraceparent = "00-\(callerTrace)-\(callerSpan)-01"

    /// A gateway with tracing on, exporting JSON to `endpoint` quickly (tests wait for batches).
    static func tracing(to endpoint: String, _ configure: @escaping (inout GatewaySettings) -> Void = { _ in })
        -> (inout GatewaySettings) -> Void
    {
        { settings in
            settings.tracing.enabled = true
            settings.tracing.endpoint = endpoint
            settings.tracing.exportProtocol = .httpJSON
            settings.tracing.serviceName = "sidetrack-test"
            settings.tracing.exportTimeout = .seconds(2)
            configure(&settings)
        }
    }

    @Test func aCallersTraceContinuesThroughServerAndClientSpansToUpstream() async throws {
        let receiver = try await OTLPReceiver()
        defer { Task { await receiver.stop() } }
        let (upstreamSaw, access, traceresponse) = try await GatewayHarness.with(
            configure: Self.tracing(to: receiver.endpoint) { $0.tracing.traceResponse = true }
        ) { h in
            let (response, body) = try await h.get(
                "/v1/emulator/headers",
                headers: ["traceparent": Self.callerTraceparent, "tracestate": "vendor=abc"])
            #expect(response.status == .ok)
            return (try body.json(), await h.accessLines(waitingFor: 1).last ?? [:], response.headers.first(name: "traceresponse"))
        }
        let spans = try await receiver.waitForSpans { $0.count >= 2 }
        let server = try #require(spans.first { $0.kind == 2 })
        let client = try #require(spans.first { $0.kind == 3 })
        // Parent linkage: caller → server span → client span, one trace.
        #expect(server.traceID == Self.callerTrace)
        #expect(server.parentSpanID == Self.callerSpan)
        #expect(client.traceID == Self.callerTrace)
        #expect(client.parentSpanID == server.spanID)
        #expect(server.serviceName == "sidetrack-test")
        // Upstream saw Sidetrack's client span as parent, in the caller's trace (tracestate kept).
        let forwarded = try #require(upstreamSaw["traceparent"] as? String)
        #expect(forwarded == "00-\(Self.callerTrace)-\(client.spanID)-01")
        #expect(upstreamSaw["tracestate"] as? String == "vendor=abc")
        // The access line and `traceresponse` name the server span.
        #expect(access["trace_id"] as? String == Self.callerTrace)
        #expect(access["span_id"] as? String == server.spanID)
        #expect(traceresponse == "00-\(Self.callerTrace)-\(server.spanID)-01")
        // Attributes (semantic conventions + Sidetrack's), and never the token.
        #expect(server.name == "GET other")
        #expect(server.attributes["http.request.method"] == "GET")
        #expect(server.attributes["http.route"] == "other")
        #expect(server.attributes["url.path"] == "/v1/emulator/headers")
        #expect(server.attributes["http.response.status_code"] == "200")
        #expect(server.attributes["sidetrack.cache.status"] == "bypass")
        #expect(server.attributes["sidetrack.breaker.state"] == "closed")
        #expect(client.attributes["server.address"] == "127.0.0.1")
        #expect(client.attributes["http.response.status_code"] == "200")
        #expect(client.attributes["http.route"] == "other")
        for span in spans {
            #expect(!span.attributes.values.contains { $0.contains("test-token") })
            #expect(!span.attributes.keys.contains { $0.lowercased().contains("authorization") })
        }
    }

    @Test(arguments: ["", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "zz-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"])
    func aMissingOrMalformedTraceparentStartsANewTrace(traceparent: String) async throws {
        let receiver = try await OTLPReceiver()
        defer { Task { await receiver.stop() } }
        let (upstreamSaw, access) = try await GatewayHarness.with(configure: Self.tracing(to: receiver.endpoint)) { h in
            let headers: HTTPHeaders = traceparent.isEmpty ? [:] : ["traceparent": traceparent]
            let (_, body) = try await h.get("/v1/emulator/headers", headers: headers)
            return (try body.json(), await h.accessLines(waitingFor: 1).last ?? [:])
        }
        let spans = try await receiver.waitForSpans { $0.count >= 2 }
        let server = try #require(spans.first { $0.kind == 2 })
        #expect(server.parentSpanID.isEmpty)
        #expect(server.traceID.count == 32 && server.traceID != Self.callerTrace)
        #expect(access["trace_id"] as? String == server.traceID)
        let forwarded = try #require(upstreamSaw["traceparent"] as? String)
        #expect(forwarded.hasPrefix("00-\(server.traceID)-"))
        #expect(forwarded != traceparent)
    }

    @Test func eachRetryIsItsOwnClientSpan() async throws {
        let receiver = try await OTLPReceiver()
        defer { Task { await receiver.stop() } }
        try await GatewayHarness.with(configure: Self.tracing(to: receiver.endpoint) { settings in
            settings.resilience.retry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))
        }) { h in
            h.emulator.faults.set(Fault(status: 503, pathPrefix: "/v1/tracks/", remaining: 1))
            let (answer, _) = try await h.get("/v1/tracks/traced", headers: ["traceparent": Self.callerTraceparent])
            #expect(answer.status == .ok)
        }
        let spans = try await receiver.waitForSpans { $0.count >= 3 }
        let server = try #require(spans.first { $0.kind == 2 })
        let clients = spans.filter { $0.kind == 3 }
        #expect(server.name == "GET /v1/tracks/{id}")
        #expect(server.events.contains("sidetrack.retry"))
        #expect(clients.count == 2)
        #expect(clients.allSatisfy { $0.parentSpanID == server.spanID })
        #expect(Set(clients.compactMap { $0.attributes["http.response.status_code"] }) == ["503", "200"])
        #expect(clients.contains { $0.attributes["http.request.resend_count"] == "1" })
    }

    @Test func aRateLimitRefusalIsAnEventOnTheServerSpan() async throws {
        let receiver = try await OTLPReceiver()
        defer { Task { await receiver.stop() } }
        try await GatewayHarness.with(configure: Self.tracing(to: receiver.endpoint) { settings in
            settings.resilience.clientLimit = ClientRateLimiter.Configuration(rate: .perHour(1), burst: 1)
        }) { h in
            _ = try await h.get("/v1/tracks/a")
            let (refused, _) = try await h.get("/v1/tracks/a")
            #expect(refused.status.code == 429)
        }
        let spans = try await receiver.waitForSpans { $0.filter { $0.kind == 2 }.count >= 2 }
        #expect(spans.contains { $0.kind == 2 && $0.events.contains("sidetrack.rate_limited") && $0.attributes["error.type"] == "rate_limited" })
    }

    @Test func cacheHitsAndCooldownAnswersAreEventsOnTheServerSpan() async throws {
        let receiver = try await OTLPReceiver()
        defer { Task { await receiver.stop() } }
        try await GatewayHarness.with(configure: Self.tracing(to: receiver.endpoint) { settings in
            settings.cacheEnabled = true
        }) { h in
            _ = try await h.get("/v1/tracks/cached1")
            let (hit, _) = try await h.get("/v1/tracks/cached1")
            #expect(hit.headers.first(name: "x-cache") == "HIT")
            h.emulator.faults.set(Fault(retryAfterSeconds: 30, pathPrefix: "/v1/albums/"))
            _ = try await h.get("/v1/albums/cool1")
            let (cooled, _) = try await h.get("/v1/albums/cool2")
            #expect(cooled.headers.first(name: "sidetrack-error") == "upstream_cooldown")
        }
        let spans = try await receiver.waitForSpans { $0.filter { $0.kind == 2 }.count >= 4 }
        let servers = spans.filter { $0.kind == 2 }
        let hit = try #require(servers.first { $0.attributes["sidetrack.cache.status"] == "hit" })
        #expect(hit.events.contains("sidetrack.cache.hit"))
        #expect(hit.name == "GET /v1/tracks/{id}")
        // A hit never reached Spotify: no client span is its child.
        #expect(!spans.contains { $0.kind == 3 && $0.parentSpanID == hit.spanID })
        let cooled = try #require(servers.first { $0.attributes["url.path"] == "/v1/albums/cool2" })
        #expect(cooled.events.contains("sidetrack.cooldown_answer"))
        #expect(cooled.attributes["http.response.status_code"] == "429")
    }

    @Test func aCoalescedFollowerIsAnEventAndHasNoClientSpan() async throws {
        let receiver = try await OTLPReceiver()
        defer { Task { await receiver.stop() } }
        try await GatewayHarness.with(configure: Self.tracing(to: receiver.endpoint) { $0.cacheEnabled = true }) { h in
            h.emulator.faults.set(Fault(latency: .milliseconds(800), pathPrefix: "/v1/tracks/coalesced1"))
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            defer { _ = client.shutdown() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        var request = HTTPClientRequest(url: h.proxyBase + "/v1/tracks/coalesced1")
                        request.headers.add(name: "authorization", value: "Bearer coalescer")
                        let response = try await client.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                    }
                }
                try await group.waitForAll()
            }
            #expect(h.emulator.stats().count("GET", "/v1/tracks/coalesced1") == 1)
        }
        let spans = try await receiver.waitForSpans { $0.filter { $0.kind == 2 }.count >= 6 }
        let followers = spans.filter { $0.kind == 2 && $0.events.contains("sidetrack.coalesced") }
        #expect(!followers.isEmpty, "no follower span: \(spans.map(\.events))")
        for follower in followers {
            #expect(!spans.contains { $0.kind == 3 && $0.parentSpanID == follower.spanID })
        }
        #expect(spans.filter { $0.kind == 3 }.count == 1)
    }

    /// A collector that accepts connections and never answers: every export runs into its timeout.
    @Test func aHungCollectorNeitherFailsNorSlowsRequests() async throws {
        let hung = try await OTLPReceiver(answering: false)
        defer { Task { await hung.stop() } }
        try await GatewayHarness.with(configure: Self.tracing(to: hung.endpoint) { settings in
            settings.tracing.maxQueueSize = 8
            settings.tracing.exportTimeout = .seconds(4)
        }) { h in
            let clock = ContinuousClock()
            var latencies: [Duration] = []
            for index in 0..<40 {
                let started = clock.now
                let (answer, _) = try await h.get("/v1/tracks/dead\(index)")
                #expect(answer.status == .ok)
                latencies.append(clock.now - started)
            }
            // Export runs beside requests: a request that waited for the collector would take its
            // 4 s timeout. The median, not the maximum: this machine is shared, and one stalled
            // request is noise, not the exporter.
            let median = latencies.sorted()[latencies.count / 2]
            #expect(median < .seconds(1))
            // The exporter's failure shows in /health (degraded, not unhealthy) once a batch failed.
            let deadline = clock.now + .seconds(30)
            var tracing: [String: Any] = [:]
            while clock.now < deadline {
                let (_, body) = try await h.send(.GET, "/health", base: h.adminBase)
                tracing = (try body.json()["checks"] as? [String: Any])?["tracing"] as? [String: Any] ?? [:]
                if tracing["exporter"] as? String == "failing" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(tracing["exporter"] as? String == "failing")
            #expect(tracing["status"] as? String == "degraded")
            #expect(try await h.send(.GET, "/ready", base: h.adminBase).0.status == .ok)
            // 40 server + 40 client spans into a queue of 8: the rest are dropped and counted.
            let metricsDeadline = clock.now + .seconds(30)
            var dropped = 0.0
            while clock.now < metricsDeadline {
                dropped = metricValue(try await h.metricsText(), "sidetrack_tracing_spans_dropped_total") ?? 0
                if dropped > 0 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(dropped > 0)
        }
    }

    @Test func aDeadCollectorDoesNotFailRequests() async throws {
        // A port that was just bound and closed: connections are refused.
        let dead = try await OTLPReceiver()
        let endpoint = dead.endpoint
        await dead.stop()
        try await GatewayHarness.with(configure: Self.tracing(to: endpoint) { $0.tracing.exportTimeout = .seconds(1) }) { h in
            for index in 0..<10 {
                let (answer, _) = try await h.get("/v1/tracks/refused\(index)")
                #expect(answer.status == .ok)
                #expect(await h.accessLines(waitingFor: index + 1).last?["trace_id"] is String)
            }
        }
    }

    @Test func tracingOffLeavesIdsNullAndPassesTheCallersTraceparentThrough() async throws {
        try await GatewayHarness.with { h in
            let (response, body) = try await h.get("/v1/emulator/headers", headers: ["traceparent": Self.callerTraceparent])
            #expect(try body.json()["traceparent"] as? String == Self.callerTraceparent)
            #expect(response.headers.first(name: "traceresponse") == nil)
            let access = await h.accessLines(waitingFor: 1).last ?? [:]
            #expect(access["trace_id"] is NSNull)
            #expect(access["span_id"] is NSNull)
            #expect(h.gateway.tracing == nil)
            let (_, health) = try await h.send(.GET, "/health", base: h.adminBase)
            let tracing = (try health.json()["checks"] as? [String: Any])?["tracing"] as? [String: Any]
            #expect(tracing?["exporter"] as? String == "disabled")
            let metrics = try await h.metricsText()
            #expect(!metrics.contains("sidetrack_tracing_spans_dropped_total"))
        }
    }

    @Test func aGRPCProtocolFromTheEnvironmentIsAClearStartUpError() throws {
        #expect(throws: TracingSetupError.self) {
            try TracingBackend.validateEnvironment(["OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"])
        }
        do {
            try TracingBackend.validateEnvironment(["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc"])
        } catch let error as TracingSetupError {
            #expect(error.description.contains("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"))
            #expect(error.description.contains("\"grpc\""))
        }
        try TracingBackend.validateEnvironment(["OTEL_EXPORTER_OTLP_PROTOCOL": "http/json", "OTEL_TRACES_EXPORTER": "otlp"])
        #expect(throws: TracingSetupError.self) {
            try TracingBackend.validateEnvironment(["OTEL_TRACES_EXPORTER": "zipkin"])
        }
    }
}
