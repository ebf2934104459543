import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import NIOPosix
import SidetrackCore
@testable import SidetrackGateway
import Testing

/// Admission control end to end (issue 7, overload): load shedding while the event loops run late
/// and the cap on open connections, in front of the emulator over real sockets.
@Suite struct AdmissionTests {
    static let hour: Int64 = 3_600_000_000_000

    /// Puts every event loop into full shedding: two probes an hour apart, each an hour late, far
    /// in the future of the loop's real clock — so the real probes (every 100 ms, on time) count as
    /// no time passing and leave the share at 1 for the rest of the test.
    static func shedEverything(_ gateway: Gateway) async throws {
        let future = Int64(NIODeadline.now().uptimeNanoseconds) + 100 * hour
        for admission in gateway.admission.all {
            try await admission.loop.submit {
                admission.recordLag(hour, now: future)
                admission.recordLag(hour, now: future + hour)
            }.get()
        }
    }

    @Test func aLateLoopRefusesUpstreamWorkWith503AndServesTheRest() async throws {
        let clock = ManualClock()
        try await GatewayHarness.with(configure: { settings in
            settings.cacheEnabled = true
            settings.cacheClock = clock.now
            // On, but far from anything a loaded test machine reaches by itself: only the
            // injected probes below make the loops shed.
            settings.shedLagTarget = .seconds(10)
            settings.shedInterval = .seconds(10)
        }) { h in
            // Every loop exports its lag and shed share from start-up.
            let before = try await h.metricsText()
            for admission in h.gateway.admission.all {
                let loop = #"{loop="\#(admission.index)"}"#
                #expect(metricValue(before, "sidetrack_load_shed_fraction" + loop) != nil)
                #expect(metricValue(before, "sidetrack_event_loop_lag_seconds" + loop) != nil)
            }
            // Stored before the overload: one entry that stays fresh, one that goes stale.
            #expect(try await h.get("/v1/albums/keep1").0.status == .ok)
            #expect(try await h.get("/v1/playlists/stale1").0.status == .ok)
            // Both stored (the store follows the answer) before the clock moves on.
            let stored = await SidetrackProcess.waitUntil(timeout: .seconds(10)) {
                (try? await h.metricsText()).flatMap { metricValue($0, #"sidetrack_cache_entries{tier="memory"}"#) } == 2
            }
            #expect(stored)
            clock.advance(seconds: 5 * 60 + 61)  // the playlist (5 min + 60 s SWR) is past serving fresh
            try await Self.shedEverything(h.gateway)

            let (refused, body) = try await h.get("/v1/tracks/shed1")
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers.first(name: "sidetrack-error") == "overloaded")
            #expect(refused.headers.first(name: "retry-after") == "1")
            #expect(String(buffer: body) == #"{"error":{"status":503,"message":"Gateway is overloaded, retry later"}}"#)
            #expect(h.emulator.stats().count("GET", "/v1/tracks/shed1") == 0)
            // Not upstream work: a fresh hit, the stored answer within stale-if-error, the probes.
            let (hit, _) = try await h.get("/v1/albums/keep1")
            #expect(hit.status == .ok)
            #expect(hit.headers.first(name: "x-cache") == "HIT")
            let (stale, _) = try await h.get("/v1/playlists/stale1")
            #expect(stale.status == .ok)
            #expect(stale.headers.first(name: "x-cache") == "STALE")
            #expect(h.emulator.stats().count("GET", "/v1/playlists/stale1") == 1)
            #expect(try await h.send(.GET, "/live").0.status == .ok)

            let metrics = try await h.metricsText()
            // Two refusals of upstream work: the track, and the stale playlist (served stale).
            #expect(metricValue(metrics, #"sidetrack_load_shed_requests_total{reason="event_loop_lag"}"#) == 2)
            #expect(metricValue(metrics, #"sidetrack_load_shed_requests_total{reason="max_connections"}"#) == 0)
            #expect(metricValue(metrics, #"sidetrack_load_shed_fraction{loop="0"}"#) == 1)
            let line = try #require(await h.accessLines(waitingFor: 5).first { ($0["path"] as? String) == "/v1/tracks/shed1" })
            #expect(line["status"] as? Int == 503)
            #expect(line["error"] as? String == "overloaded")
        }
    }

    @Test func connectionsPastTheCapAreRefusedAndClosed() async throws {
        try await GatewayHarness.with(configure: { $0.maxConnections = 1 }) { h in
            let openConnections = { (count: Double) in
                await SidetrackProcess.waitUntil(timeout: .seconds(10)) {
                    (try? await h.metricsText()).flatMap { metricValue($0, "sidetrack_open_connections") } == count
                }
            }
            // One connection holds the only place.
            let holder = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: h.ports.proxy).get()
            #expect(await openConnections(1))

            let refused = try await RawHTTP.exchange(
                port: h.ports.proxy, "GET /v1/tracks/cap1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n")
            #expect(refused.hasPrefix("HTTP/1.1 503"))
            #expect(refused.lowercased().contains("sidetrack-error: overloaded"))
            #expect(refused.lowercased().contains("retry-after: 1"))
            #expect(refused.lowercased().contains("connection: close"))
            #expect(h.emulator.stats().count("GET", "/v1/tracks/cap1") == 0)
            // A probe is answered on a connection past the cap too (a kubelet must not restart a busy pod).
            let live = try await RawHTTP.exchange(port: h.ports.proxy, "GET /live HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(live.hasPrefix("HTTP/1.1 200"))

            try await holder.close()
            #expect(await openConnections(0))
            #expect(try await h.get("/v1/tracks/cap1").0.status == .ok)
            let metrics = try await h.metricsText()
            #expect(metricValue(metrics, #"sidetrack_load_shed_requests_total{reason="max_connections"}"#) == 1)
        }
    }
}
