import NIOCore
import NIOHTTP1
import Testing
@testable import SidetrackGateway

/// Which headers cross the gateway: the byte-wise name matching and the two directions.
@Suite struct HeaderPolicyTests {
    @Test(arguments: [
        "Host", "EXPECT", "Forwarded", "X-Request-ID", "Content-Length", "Accept-Encoding", "X-Forwarded-For",
        "x-correlation-id", "X-Forwarded-Host", "X-Forwarded-Proto",
    ])
    func replacedOnRequest(_ name: String) {
        #expect(HeaderPolicy.isReplacedOnRequest(name))
    }

    @Test(arguments: ["Hosts", "Authorization", "X-Request-Id2", "Content-Type", "Accept-Language", "x-forwarded"])
    func forwardedOnRequest(_ name: String) {
        #expect(!HeaderPolicy.isReplacedOnRequest(name))
    }

    @Test func upstreamRequestDropsHopByHopAndReplacedAndAddsItsOwn() {
        let client: HTTPHeaders = [
            "Host": "gw:8080", "Authorization": "Bearer t", "Connection": "keep-alive, X-Hop", "X-Hop": "1",
            "Keep-Alive": "timeout=5", "X-Forwarded-For": "10.0.0.1", "Accept-Encoding": "br", "Accept": "*/*",
        ]
        let headers = HeaderPolicy.upstreamRequestHeaders(
            from: client, requestID: "r1", peerAddress: "127.0.0.1", acceptsGzip: false)
        #expect(headers.map(\.name) == ["Authorization", "Accept", "x-request-id", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"])
        #expect(headers.first(name: "x-forwarded-for") == "10.0.0.1, 127.0.0.1")
        #expect(headers.first(name: "x-forwarded-host") == "gw:8080")
    }

    @Test func clientResponseDropsHopByHopAndTheLengthOfARewrittenBody() {
        let upstream: HTTPHeaders = [
            "Content-Type": "application/json", "Content-Length": "10", "Connection": "X-Up", "X-Up": "1",
            "Transfer-Encoding": "chunked", "X-Request-ID": "upstream-id", "ETag": "\"e\"",
        ]
        let rewritten = HeaderPolicy.clientResponseHeaders(from: upstream, bodyRewritten: true, requestID: "r1")
        #expect(rewritten.map(\.name) == ["Content-Type", "ETag", "x-request-id"])
        #expect(rewritten.first(name: "x-request-id") == "r1")
        let kept = HeaderPolicy.clientResponseHeaders(from: upstream, bodyRewritten: false, requestID: "r1")
        #expect(kept.map(\.name) == ["Content-Type", "Content-Length", "ETag", "x-request-id"])
    }

    /// The proxied answer's fields written straight into its head: the same selection as
    /// `clientResponseHeaders`, the length only where it is kept, a 304's representation dropped.
    @Test(arguments: [(true, false), (false, false), (false, true)])
    func clientResponseFieldsWrittenIntoAHead(keepsLength: Bool, notModified: Bool) {
        let upstream: HTTPHeaders = [
            "Content-Type": "application/json", "Content-Length": "10", "Connection": "X-Up", "X-Up": "1",
            "Transfer-Encoding": "chunked", "X-Request-ID": "upstream-id", "ETag": "\"e\"", "Content-Encoding": "gzip",
        ]
        var writer = ResponseHeadWriter(version: .http1_1, status: .ok, allocator: ByteBufferAllocator())
        HeaderPolicy.writeClientResponseFields(from: upstream, keepsLength: keepsLength, notModified: notModified, into: &writer)
        #expect(writer.isValid)
        let expected = switch (keepsLength, notModified) {
        case (true, _): "Content-Type: application/json\r\nContent-Length: 10\r\nETag: \"e\"\r\nContent-Encoding: gzip\r\n"
        case (false, false): "Content-Type: application/json\r\nETag: \"e\"\r\nContent-Encoding: gzip\r\n"
        case (false, true): "ETag: \"e\"\r\n"
        }
        #expect(String(buffer: writer.finish()) == "HTTP/1.1 200 OK\r\n" + expected + "\r\n")
    }
}
