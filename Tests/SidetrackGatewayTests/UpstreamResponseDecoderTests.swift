import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import SidetrackGateway

/// `UpstreamResponseDecoder` against NIO's own `HTTPResponseDecoder`: after the same requests, the
/// same bytes give the same heads, bodies and ends, however the bytes are split across reads.
@Suite struct UpstreamResponseDecoderTests {
    typealias Event = DecodedPart

    /// Sends requests with `methods`, feeds `response` in pieces, then closes the connection.
    static func decode(_ methods: [HTTPMethod], _ response: String, pieceSize: Int = 0, nio: Bool = false) throws -> [Event] {
        let recorder = DecodedPartRecorder<HTTPResponseHead> { head in
            "\(head.version) \(head.status.code) keepAlive=\(head.isKeepAlive) [\(head.headers.recorded)]"
        }
        let channel = EmbeddedChannel()
        if nio {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)))
        } else {
            try channel.pipeline.syncOperations.addHandler(UpstreamResponseDecoder())
        }
        try channel.pipeline.syncOperations.addHandler(recorder)
        for method in methods {
            try channel.writeOutbound(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: method, uri: "/a")))
            try channel.writeOutbound(HTTPClientRequestPart.end(nil))
        }
        try channel.feed(Array(response.utf8), pieceSize: pieceSize)
        return recorder.parts
    }

    static let accepted: [(String, [HTTPMethod], String)] = [
        ("length", [.GET], "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"id\":\"a\"}\n"),
        ("chunked with a trailer", [.GET],
         "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nX-T: t\r\n\r\n"),
        ("HEAD with a length", [.HEAD], "HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n"),
        ("204", [.DELETE], "HTTP/1.1 204 No Content\r\n\r\n"),
        ("304 with a length", [.GET], "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nContent-Length: 40\r\n\r\n"),
        ("until the close", [.GET], "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of this is the body"),
        ("HTTP/1.0 with a length", [.GET], "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}"),
        ("100 Continue first", [.PUT], "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"),
        ("two answers in a row", [.GET, .HEAD, .GET],
         "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnot"),
        ("429 with Retry-After, empty reason", [.GET], "HTTP/1.1 429 \r\nRetry-After: 3\r\nContent-Length: 0\r\n\r\n"),
        ("no reason phrase", [.GET], "HTTP/1.1 503\r\nContent-Length: 0\r\n\r\n"),
    ]

    @Test(arguments: accepted.indices)
    func decodesLikeNIO(index: Int) throws {
        let (name, methods, response) = Self.accepted[index]
        let expected = try Self.decode(methods, response, nio: true)
        #expect(expected.contains(.end), "\(name)")
        for pieceSize in [0, 1, 3, 64] {
            let events = try Self.decode(methods, response, pieceSize: pieceSize)
            #expect(events == expected, "\(name), piece size \(pieceSize)")
        }
    }

    static let refused: [(String, String, HTTPParserError)] = [
        ("not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", .invalidVersion),
        ("HTTP/2 in HTTP/1 syntax", "HTTP/2.0 200 OK\r\n\r\n", .invalidVersion),
        ("short status", "HTTP/1.1 20 OK\r\n\r\n", .invalidStatus),
        ("bad length", "HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", .invalidContentLength),
        ("two different lengths", "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", .invalidContentLength),
        ("bad chunk size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nq\r\n", .invalidChunkSize),
        ("cut in the body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", .invalidEOFState),
        ("cut in the chunks", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", .invalidEOFState),
        ("cut in the head", "HTTP/1.1 200 OK\r\nContent-Le", .invalidEOFState),
        ("bare LF", "HTTP/1.1 200 OK\nContent-Length: 0\n\n", .invalidConstant),
    ]

    @Test(arguments: refused.indices)
    func refusesWithAnError(index: Int) throws {
        let (name, response, error) = Self.refused[index]
        for pieceSize in [0, 1, 4] {
            let events = try Self.decode([.GET], response, pieceSize: pieceSize)
            #expect(events.last == .error(error), "\(name), piece size \(pieceSize): \(events)")
            #expect(!events.contains(.end), "\(name)")
        }
    }

    /// Repeated equal lengths are one length (RFC 9112 §6.3 allows it); NIO's decoder refused them.
    @Test func repeatedEqualLengthsAreOneLength() throws {
        let events = try Self.decode([.GET], "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok")
        #expect(events.dropFirst() == [.body("ok"), .end])
    }

    /// A final `chunked` after another coding still frames the body by chunks (RFC 9112 §6.3);
    /// another final coding runs to the close.
    @Test func onlyTheLastTransferCodingFrames() throws {
        let chunked = try Self.decode([.GET], "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n")
        #expect(chunked.dropFirst() == [.body("ab"), .end])
        let untilClose = try Self.decode([.GET], "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 1\r\n\r\nabc")
        #expect(untilClose.dropFirst() == [.body("abc"), .end])
    }

    /// Parts handed to a receiver directly (the upstream connection's path): the same parts in the
    /// same order as through the pipeline, none of them through it; a method told by
    /// `expectAnswer(to:)` frames its answer as one seen going by (an answer to HEAD ends at its head).
    @Test func partsHandedToAReceiverDirectly() throws {
        final class Receiver: ResponsePartReceiver {
            var parts: [String] = []
            func receive(_ part: HTTPClientResponsePart) {
                switch part {
                case .head(let head): parts.append("head \(head.status.code)")
                case .body(let body): parts.append("body \(String(buffer: body))")
                case .end: parts.append("end")
                }
            }
        }
        let decoder = UpstreamResponseDecoder()
        let recorder = DecodedPartRecorder<HTTPResponseHead> { "\($0.status.code)" }
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(decoder)
        try channel.pipeline.syncOperations.addHandler(recorder)
        let receiver = Receiver()
        decoder.deliver(to: receiver)
        decoder.expectAnswer(to: .HEAD)
        decoder.expectAnswer(to: .GET)
        try channel.writeInbound(
            ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"))
        #expect(receiver.parts == ["head 200", "end", "head 200", "body {}", "end"])
        #expect(recorder.parts.isEmpty)

        // Back to the pipeline once the receiver is withdrawn.
        decoder.deliver(to: nil)
        decoder.expectAnswer(to: .GET)
        try channel.feed(Array("HTTP/1.1 204 No Content\r\n\r\n".utf8), pieceSize: 0)
        #expect(receiver.parts.count == 5)
        #expect(recorder.parts.contains(.end))
    }
}
