import NIOCore
import NIOHTTP1
import SidetrackEmulator
import SidetrackGateway
import Testing

/// Errors Sidetrack makes itself: Spotify's body plus `Sidetrack-Error`.
@Suite struct GatewayErrorResponseTests {
    private func expectGatewayError(
        _ response: (status: HTTPResponseStatus, headers: HTTPHeaders), _ body: ByteBuffer, status: Int, label: String
    ) throws {
        #expect(Int(response.status.code) == status)
        #expect(response.headers.first(name: "sidetrack-error") == label)
        #expect(response.headers.first(name: "x-request-id") != nil)
        let error = try #require(try body.json()["error"] as? [String: Any])
        #expect(error["status"] as? Int == status)
        #expect((error["message"] as? String)?.isEmpty == false)
    }

    @Test func unreachableUpstreamIs502() async throws {
        try await GatewayHarness.with(configure: {
            // A port nothing listens on: bind-and-release gives a free one, but port 1 is never ours.
            $0.apiUpstream = UpstreamEndpoint(scheme: "http", host: "127.0.0.1", port: 1)
        }) { h in
            let (response, body) = try await h.get("/v1/tracks/abc")
            try expectGatewayError((response.status, response.headers), body, status: 502, label: "upstream_unreachable")
            let line = try #require(await h.accessLines(waitingFor: 1).last)
            #expect(line["status"] as? Int == 502)
            let metrics = try await h.metricsText()
            #expect(metricValue(metrics, #"sidetrack_upstream_requests_total{route="/v1/tracks/{id}",outcome="unreachable"}"#) == 1)
        }
    }

    @Test func slowUpstreamIs504() async throws {
        try await GatewayHarness.with(configure: { $0.requestTimeout = .milliseconds(300) }) { h in
            h.emulator.faults.set(Fault(latency: .seconds(2), pathPrefix: "/v1/tracks/"))
            let (response, body) = try await h.get("/v1/tracks/abc")
            try expectGatewayError((response.status, response.headers), body, status: 504, label: "upstream_timeout")
            let metrics = try await h.metricsText()
            #expect(metricValue(metrics, #"sidetrack_upstream_requests_total{route="/v1/tracks/{id}",outcome="timeout"}"#) == 1)
        }
    }

    @Test func connectionResetBeforeAnswerIs502() async throws {
        try await GatewayHarness.with { h in
            h.emulator.faults.set(Fault(resetConnection: true, remaining: 1))
            let (response, body) = try await h.get("/v1/tracks/abc")
            try expectGatewayError((response.status, response.headers), body, status: 502, label: "upstream_unreachable")
            // The next request works again.
            let (ok, _) = try await h.get("/v1/tracks/abc")
            #expect(ok.status == .ok)
        }
    }

    /// Spotify's own 429 (with Retry-After) and 5xx pass through as Spotify's, not as gateway errors.
    @Test func upstreamStatusFaultsPassThrough() async throws {
        let clock = ManualClock()
        try await GatewayHarness.with(configure: { $0.resilience.clock = clock.now }) { h in
            h.emulator.faults.set(Fault(retryAfterSeconds: 7, remaining: 1))
            let (limited, _) = try await h.get("/v1/tracks/abc")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers.first(name: "retry-after") == "7")
            #expect(limited.headers.first(name: "sidetrack-error") == nil)
            clock.advance(seconds: 7)  // past the cooldown Spotify's 429 started (ResilienceTests)
            h.emulator.faults.set(Fault(status: 503, remaining: 1))
            let (unavailable, _) = try await h.get("/v1/tracks/abc")
            #expect(unavailable.status == .serviceUnavailable)
            let metrics = try await h.metricsText()
            #expect(metricValue(metrics, #"sidetrack_upstream_requests_total{route="/v1/tracks/{id}",outcome="rate_limited"}"#) == 1)
            #expect(metricValue(metrics, #"sidetrack_upstream_requests_total{route="/v1/tracks/{id}",outcome="error"}"#) == 1)
        }
    }

    @Test func unknownPathsOutsideTheAPIAre404() async throws {
        try await GatewayHarness.with { h in
            let (response, body) = try await h.send(.GET, "/not-spotify")
            try expectGatewayError((response.status, response.headers), body, status: 404, label: "no_route")
            #expect(h.emulator.stats().totalRequests == 0)
        }
    }

    /// Unknown paths under /v1 are proxied as route `other` (bounded label), not refused.
    @Test func unknownAPIPathsAreProxiedAsOther() async throws {
        try await GatewayHarness.with { h in
            let (response, _) = try await h.get("/v1/no-such-endpoint/123")
            #expect(response.status == .notFound)
            #expect(response.headers.first(name: "sidetrack-error") == nil)
            #expect(await h.accessLines(waitingFor: 1).last?["route"] as? String == "other")
        }
    }
}
