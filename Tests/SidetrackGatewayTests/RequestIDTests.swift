import NIOHTTP1
import Testing

@Suite struct RequestIDHandlingTests {
    @Test(arguments: ["x-request-id", "x-correlation-id"])
    func wellFormedIDsAreKeptEchoedForwardedAndLogged(header: String) async throws {
        try await GatewayHarness.with { h in
            let id = "req-42.abc:DEF_9"
            let (response, body) = try await h.get("/v1/emulator/headers", headers: [header: id])
            #expect(response.headers.first(name: "x-request-id") == id)
            #expect(try body.json()["x-request-id"] as? String == id)
            #expect(await h.accessLines(waitingFor: 1).last?["request_id"] as? String == id)
        }
    }

    @Test(arguments: ["has spaces", String(repeating: "a", count: 129), "quote\"inside", "new%0Aline"])
    func malformedIDsAreReplaced(id: String) async throws {
        try await GatewayHarness.with { h in
            let (response, body) = try await h.get("/v1/emulator/headers", headers: ["x-request-id": id])
            let echoed = try #require(response.headers.first(name: "x-request-id"))
            #expect(echoed != id)
            #expect(echoed.count == 32)
            #expect(try body.json()["x-request-id"] as? String == echoed)
            #expect(await h.accessLines(waitingFor: 1).last?["request_id"] as? String == echoed)
        }
    }

    @Test func everyResponseHasAnIDEvenErrors() async throws {
        try await GatewayHarness.with { h in
            let (noRoute, _) = try await h.send(.GET, "/elsewhere")
            #expect(noRoute.headers.first(name: "x-request-id")?.count == 32)
            let (first, _) = try await h.get("/v1/tracks/a")
            let (second, _) = try await h.get("/v1/tracks/a")
            #expect(first.headers.first(name: "x-request-id") != second.headers.first(name: "x-request-id"))
        }
    }

    /// A hit's generated id is written into the head from its digits, not from a string: the
    /// header and the access line must still carry the same 32 digits.
    @Test func aCacheHitCarriesTheIDItLogs() async throws {
        try await GatewayHarness.with(configure: { $0.cacheEnabled = true }) { h in
            _ = try await h.get("/v1/tracks/idhit1?market=SE")
            let (hit, _) = try await h.get("/v1/tracks/idhit1?market=SE")
            #expect(hit.headers.first(name: "x-cache") == "HIT")
            let id = try #require(hit.headers.first(name: "x-request-id"))
            #expect(id.count == 32 && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
            #expect(await h.accessLines(waitingFor: 2).last?["request_id"] as? String == id)
        }
    }
}
