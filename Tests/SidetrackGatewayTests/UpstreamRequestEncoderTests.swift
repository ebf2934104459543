import NIOCore
import NIOEmbedded
import NIOHTTP1
import SidetrackCore
import Testing
@testable import SidetrackGateway

/// `UpstreamRequestEncoder`: the bytes of a request head (with the connection's `Host` and the
/// body's framing), chunked bodies, and heads that are never sent because they could split a request.
@Suite struct UpstreamRequestEncoderTests {
    private static func channel() throws -> (EmbeddedChannel, UpstreamRequestEncoder) {
        let encoder = UpstreamRequestEncoder(hostHeader: "api.example:8443")
        let channel = EmbeddedChannel(handler: encoder)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8443)).wait()
        return (channel, encoder)
    }

    private static func buffers(_ channel: EmbeddedChannel) throws -> [String] {
        var out: [String] = []
        while let data = try channel.readOutbound(as: IOData.self) {
            if case .byteBuffer(let buffer) = data { out.append(String(buffer: buffer)) }
        }
        return out
    }

    @Test func aHeadWithoutBody() throws {
        let (channel, _) = try Self.channel()
        let head = HTTPRequestHead(
            version: .http1_1, method: .GET, uri: "/v1/tracks/a?market=US",
            headers: ["authorization": "Bearer t", "accept": "application/json"])
        try channel.writeOutbound(HTTPClientRequestPart.head(head))
        try channel.writeOutbound(HTTPClientRequestPart.end(nil))
        #expect(
            try Self.buffers(channel).joined()
                == "GET /v1/tracks/a?market=US HTTP/1.1\r\nhost: api.example:8443\r\nauthorization: Bearer t\r\n"
                + "accept: application/json\r\n\r\n")
    }

    /// A client's fields forwarded in one pass, then the head's own (which replace the client's of
    /// the same name); a generated request id's digits; and only for the request they were set for.
    @Test func forwardedFieldsGoFirstAndOnlyOnce() throws {
        let (channel, encoder) = try Self.channel()
        var ids = RequestIDGenerator()
        let id = ids.next()
        encoder.nextForwarded = ForwardedFields(
            client: ["Host": "gw.test", "Authorization": "Bearer t", "Connection": "close", "traceparent": "00-caller"],
            requestID: id, peerAddress: "10.1.2.3", acceptsGzip: true, dropsValidators: true)
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/v1/me", headers: ["traceparent": "00-gateway"])
        try channel.writeOutbound(HTTPClientRequestPart.head(head))
        try channel.writeOutbound(HTTPClientRequestPart.end(nil))
        #expect(
            try Self.buffers(channel).joined()
                == "GET /v1/me HTTP/1.1\r\nhost: api.example:8443\r\nAuthorization: Bearer t\r\nx-request-id: \(id)\r\n"
                + "x-forwarded-for: 10.1.2.3\r\nx-forwarded-proto: http\r\nx-forwarded-host: gw.test\r\n"
                + "accept-encoding: gzip\r\ntraceparent: 00-gateway\r\n\r\n")
        try channel.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")))
        #expect(try Self.buffers(channel).joined() == "GET / HTTP/1.1\r\nhost: api.example:8443\r\n\r\n")
    }

    @Test func aBodyWithALength() throws {
        let (channel, encoder) = try Self.channel()
        encoder.nextFraming = .length(5)
        try channel.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/x")))
        try channel.writeOutbound(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: "hello"))))
        try channel.writeOutbound(HTTPClientRequestPart.end(nil))
        #expect(
            try Self.buffers(channel).joined()
                == "POST /v1/x HTTP/1.1\r\nhost: api.example:8443\r\ncontent-length: 5\r\n\r\nhello")
        // The framing is per request: the next head without one gets none.
        try channel.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")))
        #expect(try Self.buffers(channel).joined() == "GET / HTTP/1.1\r\nhost: api.example:8443\r\n\r\n")
    }

    @Test func aStreamedBodyIsChunked() throws {
        let (channel, encoder) = try Self.channel()
        encoder.nextFraming = .chunked
        try channel.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .PUT, uri: "/v1/x")))
        try channel.writeOutbound(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: "abc"))))
        try channel.writeOutbound(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer())))
        try channel.writeOutbound(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: "defghijklmnopqr"))))
        try channel.writeOutbound(HTTPClientRequestPart.end(nil))
        #expect(
            try Self.buffers(channel) == [
                "PUT /v1/x HTTP/1.1\r\nhost: api.example:8443\r\ntransfer-encoding: chunked\r\n\r\n", "3\r\n", "abc", "",
                "\r\nf\r\n", "defghijklmnopqr", "\r\n0\r\n\r\n",
            ])
    }

    @Test(arguments: [
        ("/ok", "x-evil", "a\r\nx-smuggled: 1"), ("/ok", "bad name", "v"), ("/a b", "accept", "*/*"),
        ("/a\r\nGET /b", "accept", "*/*"),
    ])
    func aHeadThatCouldSplitTheRequestIsNeverSent(uri: String, name: String, value: String) throws {
        let (channel, _) = try Self.channel()
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: [name: value])
        #expect(throws: HTTPParserError.invalidHeaderToken) {
            try channel.writeOutbound(HTTPClientRequestPart.head(head))
        }
        #expect(try Self.buffers(channel).isEmpty)
    }

    /// Heads handed over directly (`send`, `sendEnd`: the upstream connection's path) come out as
    /// the same bytes as heads written through the pipeline, chunked bodies included, and the end
    /// flushes; outside a pipeline the encoder says so and writes nothing.
    @Test func aHeadHandedOverDirectlyIsTheSameBytes() throws {
        let (channel, encoder) = try Self.channel()
        encoder.nextFraming = .chunked
        #expect(encoder.send(HTTPRequestHead(version: .http1_1, method: .PUT, uri: "/v1/x", headers: ["accept": "*/*"])))
        try channel.writeOutbound(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(string: "abc"))))
        #expect(encoder.sendEnd())
        #expect(
            try Self.buffers(channel) == [
                "PUT /v1/x HTTP/1.1\r\nhost: api.example:8443\r\naccept: */*\r\ntransfer-encoding: chunked\r\n\r\n",
                "3\r\n", "abc", "\r\n0\r\n\r\n",
            ])
        #expect(encoder.send(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/v1/y")))
        #expect(encoder.sendEnd())
        #expect(try Self.buffers(channel) == ["GET /v1/y HTTP/1.1\r\nhost: api.example:8443\r\n\r\n"])

        let loose = UpstreamRequestEncoder(hostHeader: "api.example")
        #expect(!loose.send(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/v1/y")))
        #expect(!loose.sendEnd())
    }

    /// A head handed over directly that could split the request is refused like one written
    /// through the pipeline: nothing is written and the error goes up the pipeline.
    @Test func aBadHeadHandedOverDirectlyIsNeverSent() throws {
        let (channel, encoder) = try Self.channel()
        #expect(encoder.send(HTTPRequestHead(version: .http1_1, method: .GET, uri: "/a b")))
        #expect(throws: HTTPParserError.invalidHeaderToken) { try channel.throwIfErrorCaught() }
        #expect(try Self.buffers(channel).isEmpty)
    }
}
