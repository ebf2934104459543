import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import SidetrackGateway

/// `RequestSequencer`'s request decoding against NIO's own `HTTPRequestDecoder`: the same bytes give
/// the same heads, bodies and ends, however the bytes are split across reads; what it refuses, it
/// refuses with an `HTTPParserError` and then ignores the rest of the connection.
@Suite struct RequestDecoderTests {
    typealias Event = DecodedPart

    /// Feeds `request` in pieces of `pieceSize` bytes (0: all at once) and returns the events. The
    /// recorder answers each request at its end, as the proxy handler would, so the sequencer
    /// passes on the next pipelined one.
    static func decode(_ request: [UInt8], pieceSize: Int = 0, nio: Bool = false, maxHeaderBytes: Int = 16 * 1024) throws -> [Event] {
        let recorder = DecodedPartRecorder<HTTPRequestHead>(
            describe: { head in
                "\(head.method.rawValue) \(head.uri) \(head.version) keepAlive=\(head.isKeepAlive) [\(head.headers.recorded)]"
            },
            atEnd: nio ? nil : { context in
                var writer = ResponseHeadWriter(version: .http1_1, status: .noContent, allocator: context.channel.allocator)
                context.writeAndFlush(NIOAny(ResponsePart.whole(head: writer.finish(), body: nil, closes: false)), promise: nil)
            })
        let channel = EmbeddedChannel()
        if nio {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
        } else {
            try channel.pipeline.syncOperations.addHandler(RequestSequencer(maxHeaderBytes: maxHeaderBytes))
        }
        try channel.pipeline.syncOperations.addHandler(recorder)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
        try channel.feed(request, pieceSize: pieceSize)
        return recorder.parts
    }

    static let accepted: [String] = [
        "GET /v1/tracks/abc?market=US HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Bearer bench\r\n\r\n",
        "HEAD /v1/me HTTP/1.1\r\nHost: x\r\n\r\n",
        "DELETE /v1/me/tracks?ids=a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        "PURGE /v1/albums/x HTTP/1.1\r\nHost: x\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "GET /a HTTP/1.0\r\n\r\n",
        "GET /a HTTP/1.1\r\nConnection: close\r\n\r\n",
        "GET /a HTTP/1.1\r\nX-Spaces:   inner  spaces\r\nX-Empty:\r\nX-Tab:\tv\r\nACCEPT-language: sv\r\n\r\n",
        "GET /a HTTP/1.1\r\nX-Latin: caf\u{E9}\r\n\r\n",
        "GET http://api.spotify.com/v1/tracks/abc HTTP/1.1\r\nHost: api.spotify.com\r\n\r\n",
        "PUT /v1/me/tracks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{\"ids\":[\"a\"]}\n",
        "POST /v1/playlists/p/tracks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n",
        "POST /a HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPUT /2 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\n\r\n",
        "\r\nGET /after-an-empty-line HTTP/1.1\r\nHost: x\r\n\r\n",
    ]

    @Test(arguments: accepted)
    func decodesLikeNIO(request: String) throws {
        let bytes = Array(request.utf8)
        let expected = try Self.decode(bytes, nio: true)
        #expect(expected.contains(.end))
        for pieceSize in [0, 1, 2, 7, 64] {
            let events = try Self.decode(bytes, pieceSize: pieceSize)
            #expect(events == expected, "piece size \(pieceSize)")
        }
    }

    /// The cases that must come back with an error rather than a request (and the error
    /// `ProxyHandler` maps to 400, or 431 for `.headerOverflow`).
    static let refused: [(String, String, HTTPParserError)] = [
        ("bare LF", "GET /a HTTP/1.1\nHost: x\n\n", .invalidConstant),
        ("bare LF in a field", "GET /a HTTP/1.1\r\nHost: x\nX: y\r\n\r\n", .invalidConstant),
        ("space before the colon", "GET /a HTTP/1.1\r\nHost : x\r\n\r\n", .invalidHeaderToken),
        ("obs-fold", "GET /a HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n", .invalidHeaderToken),
        ("control character in a value", "GET /a HTTP/1.1\r\nX-A: a\u{01}b\r\n\r\n", .invalidHeaderToken),
        ("bare CR in a value", "GET /a HTTP/1.1\r\nX-A: a\rb\r\n\r\n", .invalidHeaderToken),
        ("length and chunked", "POST /a HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", .unexpectedContentLength),
        ("two different lengths", "POST /a HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", .invalidContentLength),
        ("negative length", "POST /a HTTP/1.1\r\nContent-Length: -5\r\n\r\n", .invalidContentLength),
        ("signed length", "POST /a HTTP/1.1\r\nContent-Length: +5\r\n\r\n", .invalidContentLength),
        ("length list", "POST /a HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n", .invalidContentLength),
        ("huge length", "POST /a HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", .invalidContentLength),
        ("gzip transfer coding", "POST /a HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .invalidConstant),
        ("chunked on HTTP/1.0", "POST /a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", .invalidConstant),
        ("HTTP/2.0 in HTTP/1 syntax", "GET /a HTTP/2.0\r\n\r\n", .invalidVersion),
        ("junk after the version", "GET /a HTTP/1.1x\r\n\r\n", .invalidVersion),
        ("space in the target", "GET /a b HTTP/1.1\r\n\r\n", .invalidVersion),
        ("no target", "GET  HTTP/1.1\r\n\r\n", .invalidURL),
        ("not a method", "G(T /a HTTP/1.1\r\n\r\n", .invalidMethod),
        ("TLS handshake", "\u{16}\u{03}\u{01}\u{02}\u{00}", .invalidConstant),
        ("chunk size not hex", "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", .invalidChunkSize),
        ("chunk size too long", "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", .invalidChunkSize),
        ("chunk without its CRLF", "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n", .invalidChunkSize),
        ("chunk extension with a control character", "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;a\u{01}\r\nabc\r\n", .invalidChunkSize),
        ("malformed trailer", "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX : y\r\n\r\n", .invalidHeaderToken),
    ]

    @Test(arguments: refused.indices)
    func refusesWithAnError(index: Int) throws {
        let (name, request, error) = Self.refused[index]
        for pieceSize in [0, 1, 5] {
            let events = try Self.decode(Array(request.utf8), pieceSize: pieceSize)
            #expect(events.last == .error(error), "\(name), piece size \(pieceSize): \(events)")
            #expect(events.filter { if case .error = $0 { true } else { false } }.count == 1, "\(name)")
            #expect(!events.contains(.end), "\(name)")
        }
    }

    @Test func afterAnErrorTheRestOfTheConnectionIsIgnored() throws {
        let events = try Self.decode(Array("GET /a HTTP/1.1\r\nHost : x\r\n\r\nGET /b HTTP/1.1\r\n\r\n".utf8), pieceSize: 3)
        #expect(events == [.error(.invalidHeaderToken)])
    }

    @Test func headsOverTheLimitOverflow() throws {
        let field = "X-Big: " + String(repeating: "x", count: 5000) + "\r\n"
        // A whole head whose fields pass the limit.
        let whole = try Self.decode(Array("GET /a HTTP/1.1\r\n\(field)\r\n".utf8), maxHeaderBytes: 4096)
        #expect(whole == [.error(.headerOverflow)])
        // A head that never ends: refused once it passes the limit plus the request line's allowance.
        let endless = "GET /a HTTP/1.1\r\n" + String(repeating: field, count: 3)
        let events = try Self.decode(Array(endless.utf8), pieceSize: 1000, maxHeaderBytes: 4096)
        #expect(events == [.error(.headerOverflow)])
        // Just under the limit is fine.
        let fits = "GET /a HTTP/1.1\r\nX-Fit: " + String(repeating: "y", count: 4096 - 11) + "\r\n\r\n"
        #expect(try Self.decode(Array(fits.utf8), pieceSize: 100, maxHeaderBytes: 4096).last == .end)
    }

    /// Whitespace around a value is not part of it (RFC 9112 §5.1); NIO's decoder kept the
    /// trailing part.
    @Test func trailingWhitespaceIsNotPartOfTheValue() throws {
        let events = try Self.decode(Array("GET /a HTTP/1.1\r\nX-A: \t a b \t \r\n\r\n".utf8))
        #expect(events == [.head("GET /a HTTP/1.1 keepAlive=true [X-A=a b]"), .end])
    }

    @Test func identicalRepeatedLengthsAreOneLength() throws {
        let events = try Self.decode(Array("PUT /a HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc".utf8))
        #expect(events.dropFirst() == [.body("abc"), .end])
    }

    /// Between reads a decoder keeps only what it has not decoded: the rest of a read it took from
    /// is copied out small (not the read's whole buffer); an untouched read is kept and appended to.
    @Test func undecodedBytesAreKeptCompactly() throws {
        let allocator = ByteBufferAllocator()
        var read = allocator.buffer(capacity: 64 * 1024)
        read.writeString(String(repeating: "a", count: 90) + "GET /b HTT")
        read.moveReaderIndex(forwardBy: 90)
        let kept = UndecodedBytes.keep(&read, then: ByteBuffer(string: "P/1.1"), allocator: allocator)
        #expect(kept.map { String(buffer: $0) } == "GET /b HTTP/1.1")
        #expect((kept?.capacity ?? .max) < 1024)

        var untouched = ByteBuffer(string: "GET /c")
        #expect(UndecodedBytes.keep(&untouched, then: ByteBuffer(string: " HTTP"), allocator: allocator).map { String(buffer: $0) } == "GET /c HTTP")
        var empty = ByteBuffer()
        #expect(UndecodedBytes.keep(&empty, then: nil, allocator: allocator) == nil)
    }

    /// A head sent a byte at a time is searched once, not once per byte (the `scanned` mark), so a
    /// slow client cannot make the search quadratic.
    @Test func anIncompleteHeadIsNotSearchedAgain() throws {
        var buffer = ByteBuffer(string: "GET /a HTTP/1.1\r\nHost: x\r\n")
        var scanned = 0
        var parser = RequestHeadParser(maxHeaderBytes: 1024)
        guard case .needMore = parser.parse(&buffer, scanned: &scanned) else {
            Issue.record("expected needMore")
            return
        }
        #expect(scanned == buffer.readableBytes)
        buffer.writeString("\r\n")
        guard case .head(let head, .none) = parser.parse(&buffer, scanned: &scanned) else {
            Issue.record("expected a head")
            return
        }
        #expect(head.uri == "/a")
        #expect(scanned == 0)
        #expect(buffer.readableBytes == 0)
    }
}
