import NIOCore
import NIOEmbedded
import NIOHTTP1
import SidetrackCore
import Testing
@testable import SidetrackGateway

/// `writeCached`: a small stored body goes out in the head's buffer (one write through the
/// pipeline), a large one as the stored buffer after the head; either way the bytes on the wire
/// are the head and then the body, and a HEAD request gets the head alone.
@Suite struct CachedAnswerWriteTests {
    private static func entry(bodyBytes: Int) -> CachedResponse {
        CachedResponse(
            key: CacheKey(text: "GET /v1/tracks/abc|shared", path: "/v1/tracks/abc", scope: nil),
            route: "/v1/tracks/{id}", status: .ok, headers: ["Content-Type": "application/json"],
            body: ByteBuffer(repeating: UInt8(ascii: "x"), count: bodyBytes),
            lifetimes: CacheLifetimes(storedAt: 0, freshUntil: 10, staleWhileRevalidateUntil: 10, staleIfErrorUntil: 10))
    }

    /// Answers one `method` request with `entry`; returns the buffers written and the bytes counted.
    private static func answer(_ entry: CachedResponse, method: HTTPMethod = .GET) throws -> (writes: [String], bytesOut: Int) {
        let app = ContextHolder()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(RequestSequencer())
        try channel.pipeline.syncOperations.addHandler(app)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
        try channel.writeInbound(ByteBuffer(string: "\(method.rawValue) /v1/tracks/abc HTTP/1.1\r\nHost: x\r\n\r\n"))
        var ids = RequestIDGenerator()
        var request = RequestContext(
            startNanos: 0, method: method, version: .http1_1, keepAlive: true, path: "/v1/tracks/abc",
            pathAndQuery: "/v1/tracks/abc", requestID: ids.next(), client: "ip:test", publicBase: "")
        var heads = HeadBufferRecycler()
        app.context.writeCached(entry, label: .hit, notModified: false, request: &request, keepAlive: true, now: 0, heads: &heads)
        var writes: [String] = []
        while let data = try channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(let buffer) = data else { continue }
            writes.append(String(buffer: buffer))
        }
        _ = try channel.finish()
        return (writes, request.bytesOut)
    }

    @Test func aSmallBodyIsWrittenInTheHeadsBuffer() throws {
        let (writes, bytesOut) = try Self.answer(Self.entry(bodyBytes: 2048))
        #expect(writes.count == 1)
        let text = try #require(writes.first)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.contains("content-length: 2048\r\n"))
        #expect(text.hasSuffix("\r\n\r\n" + String(repeating: "x", count: 2048)))
        #expect(bytesOut == 2048)
    }

    @Test func aBodyOverTheLimitFollowsAsTheStoredBuffer() throws {
        let size = ChannelHandlerContext.inlineBodyLimit + 1
        let (writes, bytesOut) = try Self.answer(Self.entry(bodyBytes: size))
        #expect(writes.count == 2)
        #expect(writes.first?.hasSuffix("\r\n\r\n") == true)
        #expect(writes.last == String(repeating: "x", count: size))
        #expect(bytesOut == size)
    }

    @Test func aHeadRequestGetsTheHeadAlone() throws {
        let (writes, bytesOut) = try Self.answer(Self.entry(bodyBytes: 2048), method: .HEAD)
        #expect(writes.count == 1)
        #expect(writes.first?.hasSuffix("content-length: 2048\r\n\r\n") == true)
        #expect(bytesOut == 0)
    }
}
