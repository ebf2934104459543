import AsyncHTTPClient
import CompressNIO
import Crypto
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing
@testable import SidetrackEmulator

@Suite struct HelperAndTransportTests {
    @Test func gzipWhenAccepted() async throws {
        try await EmulatorHarness.run { harness async throws in
            let plain = try await harness.get("/v1/tracks/abc")
            #expect(plain.header("Content-Encoding") == nil)
            #expect(plain.header("Vary") == "Accept-Encoding")

            for path in ["/v1/tracks/abc", "/v1/me/playlists"] {
                let compressed = try await harness.get(path, headers: [("Accept-Encoding", "gzip, deflate")])
                #expect(compressed.header("Content-Encoding") == "gzip")
                #expect(compressed.header("Vary") == "Accept-Encoding")
                var body = compressed.body
                let inflated = try body.decompress(with: .gzip())
                if path == "/v1/tracks/abc" { #expect(inflated == plain.body) }
                #expect(try JSONSerialization.jsonObject(with: Data(inflated.readableBytesView)) is [String: Any])
            }
            let refused = try await harness.get("/v1/tracks/abc", headers: [("Accept-Encoding", "gzip;q=0")])
            #expect(refused.header("Content-Encoding") == nil)
        }
    }

    @Test(arguments: [0, 2, 10, 24, 25, 26, 100, 16_384, 16_385, 1_000_000, 3 * 1024 * 1024 + 7])
    func largeBodyIsValidJSONOfTheRequestedSize(bytes: Int) async throws {
        try await EmulatorHarness.run { harness async throws in
            let answer = try await harness.get("/v1/emulator/large?bytes=\(bytes)", token: nil)
            #expect(answer.status == 200)
            #expect(answer.header("Transfer-Encoding") == "chunked")
            #expect(answer.body.readableBytes == max(bytes, 2))
            let json = try JSONSerialization.jsonObject(with: Data(answer.body.readableBytesView))
            if bytes >= 1000 {
                let items = try #require(value(json, "items") as? [Any])
                #expect((value(items, "0.href") as? String)?.hasPrefix("https://api.spotify.com/v1/tracks/") == true)
            }
        }
    }

    @Test func largeBodyRejectsBadSizes() async throws {
        try await EmulatorHarness.run { harness async throws in
            #expect(try await harness.get("/v1/emulator/large?bytes=-1").status == 400)
            #expect(try await harness.get("/v1/emulator/large").status == 400)
        }
    }

    @Test(arguments: [0, 1, 100_000, 3 * 1024 * 1024 + 5])
    func echoHashesTheWholeBody(size: Int) async throws {
        try await EmulatorHarness.run { harness async throws in
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let expected = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            for method in [HTTPMethod.PUT, .POST] {
                let answer = try await harness.send(method, "/v1/emulator/echo", body: ByteBuffer(bytes: bytes))
                #expect(answer.status == 200)
                #expect(answer.json?["bytes"] as? Int == size)
                #expect(answer.json?["sha256"] as? String == expected)
            }
        }
    }

    @Test func headersHelperReflectsRequestHeaders() async throws {
        try await EmulatorHarness.run { harness async throws in
            let answer = try await harness.get(
                "/v1/emulator/headers", headers: [("X-Request-ID", "abc-123"), ("X-Multi", "a"), ("X-Multi", "b")]
            )
            let json = try #require(answer.json)
            #expect(json["x-request-id"] as? String == "abc-123")
            #expect(json["x-multi"] as? String == "a, b")
            #expect(json["authorization"] as? String == "Bearer test-token")
        }
    }

    @Test func stopClosesTheListener() async throws {
        let emulator = SpotifyEmulator()
        let port = try await emulator.start()
        #expect(emulator.port == port)
        #expect(emulator.baseURL == "http://127.0.0.1:\(port)")
        await #expect(throws: SpotifyEmulatorError.alreadyStarted) { try await emulator.start() }
        try await emulator.stop()
        #expect(emulator.port == nil)
        // The freed port may already belong to a listener of a test running in parallel, so the
        // request may fail or be answered by someone else: what must not happen is that this
        // emulator sees it.
        let before = emulator.stats().totalRequests
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        _ = try? await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/me"), timeout: .seconds(2))
        #expect(emulator.stats().totalRequests == before)
        try await client.shutdown()
    }

    @Test func serviceRunsUntilGracefulShutdown() async throws {
        let emulator = SpotifyEmulator()
        let service = EmulatorService(emulator: emulator)
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Bounded wait for the listener (no sleeps beyond short polling).
            var attempts = 0
            while emulator.port == nil && attempts < 500 {
                attempts += 1
                try await Task.sleep(for: .milliseconds(10))
            }
            let port = try #require(emulator.port)
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
            let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/emulator/headers"), timeout: .seconds(5))
            #expect(response.status == .ok)
            _ = try await response.body.collect(upTo: 1 << 20)
            try await client.shutdown()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(emulator.port == nil)
    }
}
