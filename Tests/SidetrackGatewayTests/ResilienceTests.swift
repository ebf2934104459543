import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SidetrackCore
import SidetrackEmulator
import SidetrackGateway
import Testing

/// Issue 4 end to end: Sidetrack in front of the emulator's fault injection, over real sockets,
/// with a manual clock for every policy that counts time.
@Suite struct ResilienceTests {
    static func with<T>(
        clock: ManualClock = ManualClock(), cache: Bool = false,
        _ configure: (inout ResilienceSettings) -> Void = { _ in },
        _ body: (GatewayHarness) async throws -> T
    ) async throws -> T {
        try await GatewayHarness.with(configure: { settings in
            settings.resilience.clock = clock.now
            configure(&settings.resilience)
            if cache {
                settings.cacheEnabled = true
                settings.cacheClock = clock.now
            }
        }, body)
    }

    // MARK: Cooldown

    @Test func aSpotify429StopsEveryUpstreamCallUntilItsRetryAfterHasPassed() async throws {
        let clock = ManualClock()
        try await Self.with(clock: clock) { h in
            h.emulator.faults.set(Fault(retryAfterSeconds: 3, pathPrefix: "/v1/tracks/"))
            let (first, _) = try await h.get("/v1/tracks/cool1")
            #expect(first.status == .tooManyRequests)
            #expect(first.headers.first(name: "retry-after") == "3")
            #expect(first.headers.first(name: "sidetrack-error") == nil)  // Spotify's own answer
            h.emulator.faults.clear()
            // Clients keep calling, on any route: nothing reaches Spotify for the next 3 s.
            for (index, path) in ["/v1/tracks/cool2", "/v1/albums/cool3", "/v1/me", "/v1/search?q=a&type=track"].enumerated() {
                let (answer, body) = try await h.get(path)
                #expect(answer.status == .tooManyRequests)
                #expect(answer.headers.first(name: "sidetrack-error") == "upstream_cooldown")
                #expect(answer.headers.first(name: "retry-after") == String(3 - index / 2))
                // Spotify's body, replayed.
                #expect(try body.json()["error"] != nil)
                clock.advance(seconds: 0.5)
            }
            #expect(h.emulator.stats().totalRequests == 1)
            let health = try await h.send(.GET, "/health", base: h.adminBase).1.json()
            #expect(health["status"] as? String == "degraded")
            let metrics = try await h.metricsText()
            #expect(metricValue(metrics, "sidetrack_upstream_retry_after_seconds") == 3)
            #expect(metricValue(metrics, "sidetrack_upstream_cooldown_remaining_seconds") == 1)
            clock.advance(seconds: 1)
            let (after, _) = try await h.get("/v1/tracks/cool2")
            #expect(after.status == .ok)
            #expect(h.emulator.stats().totalRequests == 2)
        }
    }

    @Test func quotaExhaustionIsSurfacedAsSuch() async throws {
        try await Self.with { h in
            h.emulator.faults.set(Fault(retryAfterSeconds: 60, quotaExceeded: true, remaining: 1))
            _ = try await h.get("/v1/tracks/quota1")
            let (refused, body) = try await h.get("/v1/tracks/quota2")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers.first(name: "sidetrack-cooldown-reason") == "quota_exceeded")
            #expect(body.string.contains("QUOTA_EXCEEDED"))
            #expect(h.emulator.stats().totalRequests == 1)
        }
    }

    @Test func duringACooldownACachedKeyIsServedStale() async throws {
        let clock = ManualClock()
        try await Self.with(clock: clock, cache: true) { h in
            let (fresh, freshBody) = try await h.get("/v1/tracks/coolstale1")
            #expect(fresh.status == .ok)
            clock.advance(seconds: 24 * 3600 + 120)  // expired, inside stale-if-error
            h.emulator.faults.set(Fault(retryAfterSeconds: 30, pathPrefix: "/v1/albums/"))
            _ = try await h.get("/v1/albums/coolstale2")
            let (stale, staleBody) = try await h.get("/v1/tracks/coolstale1")
            #expect(stale.status == .ok)
            #expect(stale.headers.first(name: "x-cache") == "STALE")
            #expect(staleBody == freshBody)
            #expect(h.emulator.stats().count("GET", "/v1/tracks/coolstale1") == 1)
        }
    }

    // MARK: Circuit breaker

    @Test func anOpenBreakerFailsFastServesStaleAndRecovers() async throws {
        let clock = ManualClock()
        try await Self.with(clock: clock, cache: true, { resilience in
            resilience.breaker = CircuitBreaker.Configuration(
                consecutiveFailures: 2, baseOpenDuration: .seconds(5), successesToClose: 2)
        }) { h in
            _ = try await h.get("/v1/tracks/breaker1")  // cached before the outage
            clock.advance(seconds: 24 * 3600 + 120)
            h.emulator.faults.set(Fault(status: 500, pathPrefix: "/v1/albums/"))
            for _ in 0..<2 { #expect(try await h.get("/v1/albums/breaker2").0.status.code == 500) }
            let before = h.emulator.stats().totalRequests
            let (fast, _) = try await h.get("/v1/albums/breaker2")
            #expect(fast.status == .serviceUnavailable)
            #expect(fast.headers.first(name: "sidetrack-error") == "circuit_open")
            #expect(fast.headers.first(name: "retry-after") == "5")
            #expect(await h.accessLines(waitingFor: 4).last?["breaker"] as? String == "open")
            let (stale, _) = try await h.get("/v1/tracks/breaker1")
            #expect(stale.headers.first(name: "x-cache") == "STALE")
            #expect(h.emulator.stats().totalRequests == before)
            // Other groups are unaffected.
            #expect(try await h.get("/v1/search?q=x&type=track").0.status == .ok)
            let health = try await h.send(.GET, "/health", base: h.adminBase).1.json()
            let upstream = (health["checks"] as? [String: Any])?["upstream"] as? [String: Any]
            #expect(health["status"] as? String == "degraded")
            #expect(upstream?["open_breakers"] as? [String] == ["catalog"])
            var metrics = try await h.metricsText()
            #expect(metricValue(metrics, #"sidetrack_circuit_breaker_state{breaker="catalog",state="open"}"#) == 1)
            #expect(metricValue(metrics, #"sidetrack_circuit_breaker_state{breaker="search",state="closed"}"#) == 1)
            #expect(metricValue(metrics, #"sidetrack_circuit_breaker_transitions_total{breaker="catalog",from="closed",to="open"}"#) == 1)
            // Spotify recovers; after the open period two probes close the breaker (two keys: the
            // first answer is cached, and a cache hit is no probe).
            h.emulator.faults.clear()
            clock.advance(seconds: 5)
            for album in ["breaker3", "breaker4"] { #expect(try await h.get("/v1/albums/\(album)").0.status == .ok) }
            metrics = try await h.metricsText()
            #expect(metricValue(metrics, #"sidetrack_circuit_breaker_state{breaker="catalog",state="closed"}"#) == 1)
            #expect(metricValue(metrics, #"sidetrack_circuit_breaker_transitions_total{breaker="catalog",from="half_open",to="closed"}"#) == 1)
            let healthy = try await h.send(.GET, "/health", base: h.adminBase).1.json()
            #expect(healthy["status"] as? String == "healthy")
        }
    }

    @Test func clientErrorsAndRateLimitsNeverOpenTheBreaker() async throws {
        try await Self.with({ resilience in
            resilience.breaker = CircuitBreaker.Configuration(consecutiveFailures: 2)
        }) { (h) async throws in
            h.emulator.faults.set(Fault(status: 404, pathPrefix: "/v1/albums/"))
            for _ in 0..<5 { #expect(try await h.get("/v1/albums/fourohfour").0.status == .notFound) }
            #expect(try await h.get("/v1/albums/fourohfour").0.headers.first(name: "sidetrack-error") == nil)
        }
    }

    // MARK: Rate limits

    @Test func aBurstFromOneTokenLimitsOnlyThatToken() async throws {
        try await Self.with({ resilience in
            resilience.clientLimit = ClientRateLimiter.Configuration(rate: .perSecond(1), burst: 3)
        }) { h in
            var statuses: [UInt] = []
            for _ in 0..<5 { statuses.append(try await h.get("/v1/tracks/burst1", token: "noisy").0.status.code) }
            #expect(statuses == [200, 200, 200, 429, 429])
            let (limited, _) = try await h.get("/v1/tracks/burst1", token: "noisy")
            #expect(limited.headers.first(name: "sidetrack-error") == "rate_limited")
            #expect(limited.headers.first(name: "retry-after") == "1")
            #expect(limited.headers.first(name: "ratelimit-policy") == #""default";q=3;w=3"#)
            #expect(limited.headers.first(name: "ratelimit")?.hasPrefix(#""default";r=0;"#) == true)
            let line = await h.accessLines(waitingFor: 6).last
            #expect(line?["rate_limit"] as? String == "client_rejected")
            #expect(line?["error"] as? String == "rate_limited")
            #expect(try await h.get("/v1/tracks/burst1", token: "quiet").0.status == .ok)
            let metrics = try await h.metricsText()
            #expect(metricValue(metrics, #"sidetrack_rate_limit_decisions_total{scope="client",decision="rejected"}"#) == 3)
        }
    }

    @Test func theAppQuotaGuardRefusesPastItsWait() async throws {
        try await Self.with({ resilience in
            resilience.upstreamLimit = GlobalRateLimiter.Configuration(window: nil, tiers: [.init(rate: .perSecond(2))])
            resilience.upstreamMaxWait = .zero
        }) { h in
            #expect(try await h.get("/v1/tracks/quota3").0.status == .ok)
            #expect(try await h.get("/v1/tracks/quota4").0.status == .ok)
            let (refused, _) = try await h.get("/v1/tracks/quota5")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers.first(name: "sidetrack-error") == "rate_limited")
            #expect(refused.headers.first(name: "retry-after") == "1")
            #expect(h.emulator.stats().totalRequests == 2)
            #expect(await h.accessLines(waitingFor: 3).last?["rate_limit"] as? String == "upstream_rejected")
        }
    }

    // MARK: Retries

    @Test func aTransient503IsRetriedOnce() async throws {
        try await Self.with({ resilience in
            resilience.retry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))
        }) { h in
            h.emulator.faults.set(Fault(status: 503, pathPrefix: "/v1/tracks/", remaining: 1))
            let (answer, _) = try await h.get("/v1/tracks/retry1")
            #expect(answer.status == .ok)
            #expect(h.emulator.stats().count("GET", "/v1/tracks/retry1") == 2)
            let metrics = try await h.metricsText()
            #expect(metricValue(metrics, #"sidetrack_upstream_retries_total{route="/v1/tracks/{id}",reason="status_503"}"#) == 1)
            #expect(await h.accessLines(waitingFor: 1).last?["retries"] as? Int == 1)
            // A POST without Idempotency-Key is never retried.
            h.emulator.faults.set(Fault(status: 503, pathPrefix: "/v1/playlists/", remaining: 1))
            var json = HTTPHeaders()
            json.add(name: "authorization", value: "Bearer test-token")
            json.add(name: "content-type", value: "application/json")
            let (post, _) = try await h.send(.POST, "/v1/playlists/retry2/items?uris=spotify:track:abc", headers: json)
            #expect(post.status.code == 503)
            #expect(h.emulator.stats().count("POST", "/v1/playlists/retry2/items") == 1)
            // With Idempotency-Key the same mutation is retried, its JSON body sent again whole.
            h.emulator.faults.set(Fault(status: 503, pathPrefix: "/v1/playlists/", remaining: 1))
            json.add(name: "idempotency-key", value: "add-abc-once")
            let (keyed, keyedBody) = try await h.send(
                .POST, "/v1/playlists/retry3/items", headers: json, body: Array(#"{"uris":["spotify:track:abc"]}"#.utf8))
            #expect(keyed.status == .created, "\(keyedBody.string)")
            #expect(h.emulator.stats().count("POST", "/v1/playlists/retry3/items") == 2)
            let (items, _) = try await h.get("/v1/playlists/retry3/items?limit=50")
            #expect(items.status == .ok)
        }
    }

    @Test func duringAnOutageRetriesStayWithinTheBudget() async throws {
        try await Self.with({ resilience in
            resilience.retry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2))
            resilience.retryBudget = RetryBudget.Configuration(ratio: 0.2, window: .seconds(10), minRetriesPerSecond: 0.2)
        }) { (h) async throws in
            h.emulator.faults.set(Fault(status: 503, pathPrefix: "/v1/tracks/"))
            for index in 0..<30 { #expect(try await h.get("/v1/tracks/outage\(index)").0.status.code == 503) }
            // 30 requests; retries ≤ 20 % of them + the floor (0.2/s × 10 s = 2): at most 38 calls.
            let calls = h.emulator.stats().totalRequests
            #expect(calls >= 30)
            #expect(calls <= 30 + 6 + 2)
        }
    }

    @Test func aSlowFirstByteTimesOutAndTheRetrySucceeds() async throws {
        try await Self.with({ resilience in
            resilience.retry = RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(2))
            // Generous enough for a loaded CI machine; the faulted attempt waits far longer.
            resilience.timeouts[.catalog] = .init(firstByte: .seconds(3), total: .seconds(20))
        }) { h in
            h.emulator.faults.set(Fault(latency: .seconds(30), pathPrefix: "/v1/tracks/", remaining: 1))
            let (answer, _) = try await h.get("/v1/tracks/slow1")
            #expect(answer.status == .ok)
            #expect(h.emulator.stats().count("GET", "/v1/tracks/slow1") >= 1)
            let metrics = try await h.metricsText()
            #expect(metricValue(metrics, #"sidetrack_upstream_retries_total{route="/v1/tracks/{id}",reason="timeout"}"#) == 1)
            #expect(metricValue(metrics, #"sidetrack_upstream_requests_total{route="/v1/tracks/{id}",outcome="timeout"}"#) == 1)
        }
    }

    // MARK: Bulkhead

    @Test func aFullBulkheadAnswers503AtOnce() async throws {
        try await Self.with({ resilience in
            resilience.bulkhead = Bulkhead.Configuration(maxConcurrent: 1, maxQueue: 0)
            resilience.timeouts[.catalog] = .init(total: .seconds(60))
        }) { h in
            // The slow call holds the group's only slot until the test lets it go (a slow machine
            // must not free the slot before the second call arrives).
            h.emulator.faults.set(Fault(latency: .seconds(40), pathPrefix: "/v1/tracks/bulk1"))
            let slow = Task { try await h.get("/v1/tracks/bulk1") }
            let inFlight = { (count: Double) in
                await SidetrackProcess.waitUntil(timeout: .seconds(10)) {
                    (try? await h.metricsText()).flatMap { metricValue($0, #"sidetrack_bulkhead_in_flight{group="catalog"}"#) } == count
                }
            }
            #expect(await inFlight(1))
            let (refused, _) = try await h.get("/v1/albums/bulk2")
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers.first(name: "sidetrack-error") == "bulkhead_full")
            #expect(refused.headers.first(name: "retry-after") == "1")
            #expect(try await h.get("/v1/search?q=b&type=track").0.status == .ok)  // another group
            let metrics = try await h.metricsText()
            #expect(metricValue(metrics, #"sidetrack_bulkhead_rejections_total{group="catalog"}"#) == 1)
            // The client gives up: the exchange is cancelled and the slot comes back.
            slow.cancel()
            _ = await slow.result
            #expect(await inFlight(0))
        }
    }
}
