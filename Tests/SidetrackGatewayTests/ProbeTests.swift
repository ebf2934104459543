import NIOHTTP1
import Testing

@Suite struct ProbeTests {
    @Test(arguments: [true, false])
    func probesAnswerOnBothListeners(admin: Bool) async throws {
        try await GatewayHarness.with { h in
            let base = admin ? h.adminBase : h.proxyBase
            let (live, _) = try await h.send(.GET, "/live", base: base)
            #expect(live.status == .ok)
            let (ready, _) = try await h.send(.GET, "/ready", base: base)
            #expect(ready.status == .ok)
            let (health, body) = try await h.send(.GET, "/health", base: base)
            #expect(health.status == .ok)
            let json = try body.json()
            #expect(json["status"] as? String == "healthy")
            #expect(json["version"] as? String == "test")
            #expect(json["uptime_seconds"] is Double || json["uptime_seconds"] is Int)
            #expect((json["checks"] as? [String: Any])?.isEmpty == false)
            let (metrics, text) = try await h.send(.GET, "/metrics", base: base)
            #expect(metrics.status == .ok)
            #expect(metrics.headers.first(name: "content-type")?.hasPrefix("text/plain") == true)
            #expect(text.string.contains("# TYPE sidetrack_http_server_request_duration_seconds histogram"))
            // Probes are not proxied traffic: nothing reached Spotify, nothing was logged as a request.
            #expect(h.emulator.stats().totalRequests == 0)
            #expect(h.accessLines().isEmpty)
        }
    }

    /// Readiness never depends on Spotify: with the upstream unreachable the pod stays ready.
    @Test func readinessIgnoresTheUpstream() async throws {
        try await GatewayHarness.with(configure: {
            $0.apiUpstream = .init(scheme: "http", host: "127.0.0.1", port: 1)
        }) { h in
            let (failed, _) = try await h.get("/v1/tracks/a")
            #expect(failed.status == .badGateway)
            let (ready, _) = try await h.send(.GET, "/ready", base: h.adminBase)
            #expect(ready.status == .ok)
            let (live, _) = try await h.send(.GET, "/live")
            #expect(live.status == .ok)
        }
    }

    @Test func drainTurnsReadinessOffAndKeepsLiveness() async throws {
        try await GatewayHarness.with { h in
            #expect(h.gateway.state.isReady)
            // Only the flag: the listeners stay up so the probe can be read.
            h.gateway.state.beginDraining()
            let (ready, body) = try await h.send(.GET, "/ready", base: h.adminBase)
            #expect(ready.status == .serviceUnavailable)
            #expect(body.string == "draining\n")
            let (live, _) = try await h.send(.GET, "/live", base: h.adminBase)
            #expect(live.status == .ok)
        }
    }

    @Test func adminServesRedactedConfigAndRefusesOtherMethods() async throws {
        try await GatewayHarness.with(configure: { $0.redactedConfigJSON = #"{"admin":{"token":"<redacted>"}}"# }) { h in
            let (config, body) = try await h.send(.GET, "/config", base: h.adminBase)
            #expect(config.status == .ok)
            #expect(body.string.contains("<redacted>"))
            let (post, _) = try await h.send(.POST, "/metrics", base: h.adminBase)
            #expect(post.status == .methodNotAllowed)
            let (missing, _) = try await h.send(.GET, "/nope", base: h.adminBase)
            #expect(missing.status == .notFound)
            // /config is admin-only: on the proxy listener it is not a Spotify path either.
            let (onProxy, _) = try await h.send(.GET, "/config")
            #expect(onProxy.status == .notFound)
            #expect(onProxy.headers.first(name: "sidetrack-error") == "no_route")
        }
    }
}
