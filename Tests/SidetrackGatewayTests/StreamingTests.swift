import AsyncHTTPClient
import Crypto
import NIOCore
import NIOHTTP1
import Testing

@Suite struct StreamingTests {
    /// A 40 MB JSON body streams through (chunked, rewritten on the fly) without being collected:
    /// the client consumes it chunk by chunk and every Spotify link comes out rewritten, including
    /// links the upstream split across chunk boundaries.
    @Test func largeResponseBodiesStream() async throws {
        // 40 MB through a debug build on a loaded 2-core machine can outlast the 10 s default
        // upstream deadline; this test is about streaming, not deadlines.
        try await GatewayHarness.with(configure: { $0.requestTimeout = .seconds(120) }) { h in
            let size = 40_000_000
            var request = HTTPClientRequest(url: h.proxyBase + "/v1/emulator/large?bytes=\(size)")
            request.headers.add(name: "authorization", value: "Bearer t")
            let response = try await h.client.execute(request, timeout: .seconds(60))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "content-length") == nil)
            var total = 0
            var chunks = 0
            var tail: [UInt8] = []
            var rewritten = 0
            var leftover = 0
            let newPrefix = Array((h.proxyBase + "/v1/").utf8)
            let oldPrefix = Array("https://api.spotify.com/v1/".utf8)
            for try await chunk in response.body {
                total += chunk.readableBytes
                chunks += 1
                // Count prefixes over chunk boundaries by scanning a window of tail + chunk.
                let window = tail + Array(chunk.readableBytesView)
                rewritten += occurrences(of: newPrefix, in: window, startingAfter: tail.count - newPrefix.count + 1)
                leftover += occurrences(of: oldPrefix, in: window, startingAfter: tail.count - oldPrefix.count + 1)
                tail = Array(window.suffix(64))
            }
            #expect(chunks > 10)
            #expect(rewritten > 1000)
            #expect(leftover == 0)
            // The rewritten body differs in length by exactly (new - old prefix) per link.
            let expected = size + rewritten * (newPrefix.count - oldPrefix.count)
            #expect(abs(total - expected) < 64, "got \(total) bytes, expected about \(expected)")
            let line = try #require(await h.accessLines(waitingFor: 1).last)
            #expect(line["bytes_out"] as? Int == total)
        }
    }

    /// A 24 MiB upload streams to the upstream intact (the emulator hashes what it read).
    @Test func largeRequestBodiesStream() async throws {
        try await GatewayHarness.with(configure: { $0.maxBodyBytes = 64 << 20 }) { h in
            var bytes = [UInt8](repeating: 0, count: 24 << 20)
            var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
            for i in bytes.indices {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes[i] = UInt8(truncatingIfNeeded: seed >> 33)
            }
            let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            // Chunked (no length) and with a declared length.
            for declared in [false, true] {
                var request = HTTPClientRequest(url: h.proxyBase + "/v1/emulator/echo")
                request.method = .PUT
                request.headers.add(name: "authorization", value: "Bearer t")
                let pieces = stride(from: 0, to: bytes.count, by: 1 << 16).map { ByteBuffer(bytes: bytes[$0..<min($0 + (1 << 16), bytes.count)]) }
                request.body = declared
                    ? .stream(pieces.async, length: .known(Int64(bytes.count)))
                    : .stream(pieces.async, length: .unknown)
                let response = try await h.client.execute(request, timeout: .seconds(60))
                let body = try await response.body.collect(upTo: 1 << 20)
                #expect(response.status == .ok)
                let echoed = try body.json()
                #expect(echoed["bytes"] as? Int == bytes.count)
                #expect(echoed["sha256"] as? String == digest)
            }
        }
    }
}

private func occurrences(of needle: [UInt8], in haystack: [UInt8], startingAfter start: Int) -> Int {
    guard haystack.count >= needle.count else { return 0 }
    var count = 0
    var i = max(0, start)
    while i <= haystack.count - needle.count {
        if haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle {
            count += 1
            i += needle.count
        } else {
            i += 1
        }
    }
    return count
}

extension Array where Element: Sendable {
    /// An async sequence over the array, for streamed request bodies.
    var async: AsyncArraySequence<Self> { AsyncArraySequence(base: self) }
}

struct AsyncArraySequence<Base: Collection & Sendable>: AsyncSequence, Sendable where Base.Element: Sendable {
    typealias Element = Base.Element
    let base: Base

    struct AsyncIterator: AsyncIteratorProtocol {
        var iterator: Base.Iterator
        mutating func next() async -> Element? { iterator.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(iterator: base.makeIterator()) }
}
