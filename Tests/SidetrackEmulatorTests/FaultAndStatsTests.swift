import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
@testable import SidetrackEmulator

@Suite struct FaultAndStatsTests {
    @Test func statusFaultForTheNextRequestOnly() async throws {
        try await EmulatorHarness.run { harness async throws in
            harness.emulator.faults.set(Fault(status: 503, remaining: 1))
            let failed = try await harness.get("/v1/tracks/abc")
            #expect(failed.status == 503)
            #expect(value(failed.json, "error.status") as? Int == 503)
            #expect(try await harness.get("/v1/tracks/abc").status == 200)
            #expect(harness.emulator.faults.fault == nil)
        }
    }

    @Test func rateLimitWithRetryAfterAndQuota() async throws {
        try await EmulatorHarness.run { harness async throws in
            harness.emulator.faults.set(Fault(status: 429, retryAfterSeconds: 7))
            let limited = try await harness.get("/v1/tracks/abc")
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") == "7")
            #expect(value(limited.json, "error.status") as? Int == 429)

            harness.emulator.faults.set(Fault(quotaExceeded: true))
            let quota = try await harness.get("/v1/albums/abc")
            #expect(quota.status == 429)
            #expect(quota.text.contains(#""reason":"QUOTA_EXCEEDED""#))
            harness.emulator.faults.clear()
            #expect(try await harness.get("/v1/albums/abc").status == 200)
        }
    }

    @Test func latencyFaultDelaysTheAnswer() async throws {
        try await EmulatorHarness.run { harness async throws in
            harness.emulator.faults.set(Fault(latency: .milliseconds(150), remaining: 1))
            let clock = ContinuousClock()
            let start = clock.now
            let answer = try await harness.get("/v1/tracks/abc")
            #expect(answer.status == 200)
            #expect(clock.now - start >= .milliseconds(140))
        }
    }

    @Test func heldRequestWaitsForTheReleaseThenAnswers() async throws {
        try await EmulatorHarness.run { harness async throws in
            harness.emulator.faults.set(Fault(held: true, pathPrefix: "/v1/tracks/held", remaining: 1))
            async let held = harness.get("/v1/tracks/held")
            let parked = await waitUntil { harness.emulator.faults.heldCount == 1 }
            #expect(parked)
            // Other requests go on while one is held.
            #expect(try await harness.get("/v1/tracks/other").status == 200)
            #expect(harness.emulator.faults.heldCount == 1)
            #expect(harness.emulator.faults.releaseHeld() == 1)
            #expect(try await held.status == 200)
            #expect(harness.emulator.faults.heldCount == 0)
        }
    }

    @Test func heldRequestsAreReleasedOverHTTPAndWhenTheEmulatorStops() async throws {
        try await EmulatorHarness.run { harness async throws in
            let set = try await harness.send(.POST, "/_emulator/faults", body: ByteBuffer(string: #"{"hold":true,"status":503,"count":1}"#))
            #expect(set.status == 200)
            #expect(set.text.contains(#""hold":true"#))
            async let held = harness.get("/v1/tracks/abc")
            #expect(await waitUntil { harness.emulator.faults.heldCount == 1 })
            let release = try await harness.send(.POST, "/_emulator/faults/release")
            #expect(release.text == #"{"released":1}"#)
            #expect(try await held.status == 503)
        }
        // Stopping with a request still held completes its promise (NIO traps on a leaked one).
        try await EmulatorHarness.run { harness async throws in
            harness.emulator.faults.set(Fault(held: true))
            let request = Task { try? await harness.get("/v1/tracks/abc") }
            #expect(await waitUntil { harness.emulator.faults.heldCount == 1 })
            try await harness.emulator.stop()
            #expect(harness.emulator.faults.heldCount == 0)
            _ = await request.value
        }
    }

    /// Polls `condition` (bounded: 10 s) without sleeping longer than a few milliseconds at a time.
    private func waitUntil(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<2000 {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition()
    }

    @Test func resetClosesWithoutAnswering() async throws {
        try await EmulatorHarness.run { harness async throws in
            harness.emulator.faults.set(Fault(resetConnection: true, remaining: 1))
            await #expect(throws: (any Error).self) {
                _ = try await harness.get("/v1/tracks/abc")
            }
            #expect(try await harness.get("/v1/tracks/abc").status == 200)
        }
    }

    @Test func pathPrefixLimitsTheFault() async throws {
        try await EmulatorHarness.run { harness async throws in
            harness.emulator.faults.set(Fault(status: 500, pathPrefix: "/v1/albums"))
            #expect(try await harness.get("/v1/tracks/abc").status == 200)
            #expect(try await harness.get("/v1/albums/abc").status == 500)
            #expect(try await harness.get("/_emulator/stats").status == 200)
        }
    }

    @Test func faultsSwitchOverHTTPAndNeverHitTheControlPaths() async throws {
        try await EmulatorHarness.run { harness async throws in
            let body = #"{"status":429,"retry_after":3,"path_prefix":"/v1/","count":2}"#
            let set = try await harness.send(.POST, "/_emulator/faults", token: nil, body: ByteBuffer(string: body))
            #expect(set.status == 200)
            #expect(harness.emulator.faults.fault == Fault(status: 429, retryAfterSeconds: 3, pathPrefix: "/v1/", remaining: 2))
            #expect(try await harness.get("/_emulator/stats").status == 200)
            #expect(try await harness.get("/v1/tracks/a").header("Retry-After") == "3")
            #expect(try await harness.send(.DELETE, "/_emulator/faults").status == 204)
            #expect(try await harness.get("/v1/tracks/a").status == 200)

            let bad = try await harness.send(.POST, "/_emulator/faults", body: ByteBuffer(string: #"{"status":"x"}"#))
            #expect(bad.status == 400)
            #expect(harness.emulator.faults.fault == nil)
        }
    }

    @Test func statsCountPerMethodAndPath() async throws {
        try await EmulatorHarness.run { harness async throws in
            _ = try await harness.get("/v1/tracks/abc?market=SE")
            _ = try await harness.get("/v1/tracks/abc")
            _ = try await harness.get("/v1/me")
            _ = try await harness.get("/_emulator/stats")
            let stats = harness.emulator.stats()
            #expect(stats.totalRequests == 3)
            #expect(stats.count("GET", "/v1/tracks/abc") == 2)
            #expect(stats.count("GET", "/v1/me") == 1)

            let json = try #require(try await harness.get("/_emulator/stats").json)
            #expect(json["total"] as? Int == 3)
            #expect(value(json, "requests.GET /v1/tracks/abc") as? Int == 2)
            #expect(value(json, "requests.GET /v1/me") as? Int == 1)
            #expect((value(json, "requests") as? [String: Any])?.count == 2)

            #expect(try await harness.send(.POST, "/_emulator/stats/reset").status == 204)
            #expect(harness.emulator.stats() == EmulatorStats())
            _ = try await harness.get("/v1/me")
            harness.emulator.resetStats()
            #expect(harness.emulator.stats().totalRequests == 0)
        }
    }
}
