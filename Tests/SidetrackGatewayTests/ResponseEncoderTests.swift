import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import SidetrackGateway

/// `RequestSequencer`'s response encoding against NIO's own (`configureHTTPServerPipeline`: the
/// request decoder paired with `HTTPResponseEncoder` and the header validator): the same request
/// and the same response parts must give the same bytes.
@Suite struct ResponseEncoderTests {
    /// Writes the given parts once a request has been read.
    final class Responder<Part>: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = Part
        let parts: [Part]
        var failures: [any Error] = []

        init(_ parts: [Part]) { self.parts = parts }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            for part in parts {
                let promise = context.eventLoop.makePromise(of: Void.self)
                promise.futureResult.whenFailure { self.failures.append($0) }
                context.write(wrapOutboundOut(part), promise: promise)
            }
            context.flush()
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let request: String
        let version: HTTPVersion
        let status: HTTPResponseStatus
        let headers: [(String, String)]
        let body: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "200 with a length", request: "GET /a HTTP/1.1\r\n\r\n", version: .http1_1, status: .ok,
             headers: [("Content-Type", "application/json"), ("content-length", "2")], body: ["{}"]),
        Case(name: "200 streamed: chunked", request: "GET /a HTTP/1.1\r\n\r\n", version: .http1_1, status: .ok,
             headers: [("content-type", "application/json"), ("transfer-encoding", "gzip")],
             body: ["{\"a\":", "", "1}"]),
        Case(name: "HEAD with a length", request: "HEAD /a HTTP/1.1\r\n\r\n", version: .http1_1, status: .ok,
             headers: [("content-length", "40")], body: []),
        Case(name: "HEAD without a length", request: "HEAD /a HTTP/1.1\r\n\r\n", version: .http1_1, status: .ok,
             headers: [("etag", "\"x\"")], body: []),
        Case(name: "304 drops framing", request: "GET /a HTTP/1.1\r\n\r\n", version: .http1_1, status: .notModified,
             headers: [("etag", "\"x\""), ("Content-Length", "10"), ("transfer-encoding", "chunked")], body: []),
        Case(name: "204", request: "DELETE /a HTTP/1.1\r\n\r\n", version: .http1_1, status: .noContent,
             headers: [("x-request-id", "r1")], body: []),
        Case(name: "HTTP/1.0 until close", request: "GET /a HTTP/1.0\r\n\r\n", version: .http1_0, status: .ok,
             headers: [("content-type", "text/plain")], body: ["hello"]),
        Case(name: "custom status", request: "GET /a HTTP/1.1\r\n\r\n", version: .http1_1,
             status: HTTPResponseStatus(statusCode: 429), headers: [("retry-after", "3"), ("content-length", "0")],
             body: []),
    ]

    /// Every byte written to the socket so far, as text.
    private static func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let data = try channel.readOutbound(as: IOData.self) {
            if case .byteBuffer(let buffer) = data { text += String(buffer: buffer) }
        }
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    private static func nioBytes(_ c: Case) throws -> String {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
            withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: true)
        var parts: [HTTPServerResponsePart] = [
            .head(HTTPResponseHead(version: c.version, status: c.status, headers: HTTPHeaders(c.headers)))
        ]
        parts += c.body.map { .body(.byteBuffer(ByteBuffer(string: $0))) }
        parts.append(.end(nil))
        try channel.pipeline.syncOperations.addHandler(Responder(parts))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
        try channel.writeInbound(ByteBuffer(string: c.request))
        return try written(channel)
    }

    private static func sidetrackBytes(_ parts: [ResponsePart], request: String) throws -> (String, Responder<ResponsePart>, EmbeddedChannel) {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(RequestSequencer())
        let responder = Responder(parts)
        try channel.pipeline.syncOperations.addHandler(responder)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
        try channel.writeInbound(ByteBuffer(string: request))
        return (try written(channel), responder, channel)
    }

    @Test(arguments: cases)
    func sameBytesAsNIO(_ c: Case) throws {
        var parts: [ResponsePart] = [
            .head(HTTPResponseHead(version: c.version, status: c.status, headers: HTTPHeaders(c.headers)))
        ]
        parts += c.body.map { .body(.byteBuffer(ByteBuffer(string: $0))) }
        parts.append(.end)
        let (ours, responder, _) = try Self.sidetrackBytes(parts, request: c.request)
        #expect(responder.failures.isEmpty)
        #expect(ours == (try Self.nioBytes(c)))
    }

    @Test func aStreamedBodyIsChunkedWithTwoBuffersPerChunk() throws {
        let parts: [ResponsePart] = [
            .head(HTTPResponseHead(version: .http1_1, status: .ok)),
            .body(.byteBuffer(ByteBuffer(string: "hello"))),
            .body(.byteBuffer(ByteBuffer(string: "world!"))),
            .end,
        ]
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(RequestSequencer())
        try channel.pipeline.syncOperations.addHandler(Responder(parts))
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\n\r\n"))
        var buffers: [String] = []
        while let data = try channel.readOutbound(as: IOData.self) {
            if case .byteBuffer(let buffer) = data { buffers.append(String(buffer: buffer)) }
        }
        #expect(
            buffers == [
                "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n", "5\r\n", "hello", "\r\n6\r\n", "world!",
                "\r\n0\r\n\r\n",
            ])
    }

    /// Heads and size lines go into recycled buffers: a second answer on the connection must leave
    /// the first one's bytes intact while they are still queued, and be whole itself either way.
    @Test(arguments: [false, true])
    func aSecondStreamedAnswerNeverWritesOverTheFirst(firstReadBeforeSecond: Bool) throws {
        let parts: [ResponsePart] = [
            .head(HTTPResponseHead(version: .http1_1, status: .ok, headers: ["x-n": "1"])),
            .body(.byteBuffer(ByteBuffer(string: "hello"))),
            .end,
        ]
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(RequestSequencer())
        try channel.pipeline.syncOperations.addHandler(Responder(parts))
        func written() throws -> String {
            var text = ""
            while let data = try channel.readOutbound(as: IOData.self) {
                if case .byteBuffer(let buffer) = data { text += String(buffer: buffer) }
            }
            return text
        }
        let answer = "HTTP/1.1 200 OK\r\nx-n: 1\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        try channel.writeInbound(ByteBuffer(string: "GET /1 HTTP/1.1\r\n\r\n"))
        var first = ""
        if firstReadBeforeSecond { first = try written() }
        try channel.writeInbound(ByteBuffer(string: "GET /2 HTTP/1.1\r\n\r\n"))
        #expect(first + (try written()) == answer + answer)
    }

    @Test(arguments: [
        ("x-evil", "a\r\nset-cookie: b"), ("x-nul", "a\u{0}b"), ("bad name", "v"), ("", "v"),
    ])
    func aHeadThatCouldSplitTheResponseIsNeverSent(name: String, value: String) throws {
        let parts: [ResponsePart] = [
            .head(HTTPResponseHead(version: .http1_1, status: .ok, headers: [name: value, "content-length": "1"])),
            .body(.byteBuffer(ByteBuffer(string: "x"))), .end,
        ]
        let (ours, responder, channel) = try Self.sidetrackBytes(parts, request: "GET / HTTP/1.1\r\n\r\n")
        #expect(ours.isEmpty)
        #expect(responder.failures.count == 3)
        #expect(!channel.isActive)
    }

    @Test func aWholeAnswerToHEADKeepsItsLengthAndSendsNoBody() throws {
        var writer = ResponseHeadWriter(version: .http1_1, status: .ok, allocator: ByteBufferAllocator())
        writer.add("content-length", value: 5)
        let whole = ResponsePart.whole(head: writer.finish(), body: ByteBuffer(string: "hello"), closes: false)
        let (ours, _, _) = try Self.sidetrackBytes([whole], request: "HEAD / HTTP/1.1\r\n\r\n")
        #expect(ours == "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n")
        let (get, _, _) = try Self.sidetrackBytes([whole], request: "GET / HTTP/1.1\r\n\r\n")
        #expect(get == "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello")
    }

    @Test func aWholeAnswerThatClosesEndsTheConnection() throws {
        var writer = ResponseHeadWriter(version: .http1_1, status: .forbidden, allocator: ByteBufferAllocator())
        writer.add("content-length", value: 0)
        writer.add("connection", value: "close")
        let whole = ResponsePart.whole(head: writer.finish(), body: nil, closes: true)
        let (ours, _, channel) = try Self.sidetrackBytes([whole], request: "GET / HTTP/1.1\r\n\r\n")
        #expect(ours == "HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        #expect(!channel.isActive)
    }
}
