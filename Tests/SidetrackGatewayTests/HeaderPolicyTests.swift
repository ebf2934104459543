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

    /// The fields `writeUpstreamRequestFields` writes, in order, as `name: value`; nil when one
    /// failed the checks.
    private static func upstreamFields(_ forwarded: ForwardedFields, own: HTTPHeaders = [:]) -> [String]? {
        var fields: [String] = []
        let written = HeaderPolicy.writeUpstreamRequestFields(
            forwarded, replacedBy: own,
            field: { name, value in
                guard HTTPFieldCheck.isValidName(name), HTTPFieldCheck.isValidValue(value) else { return false }
                fields.append("\(name): \(value)")
                return true
            },
            requestID: { id in
                fields.append("x-request-id: \(id)")
                return true
            })
        return written ? fields : nil
    }

    private static let client: HTTPHeaders = [
        "Host": "gw:8080", "Authorization": "Bearer t", "Connection": "keep-alive, X-Hop", "X-Hop": "1",
        "Keep-Alive": "timeout=5", "X-Forwarded-For": "10.0.0.1", "Accept-Encoding": "br", "Accept": "*/*",
        "If-None-Match": "\"v1\"", "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    ]

    @Test func upstreamRequestDropsHopByHopAndReplacedAndAddsItsOwn() {
        let forwarded = ForwardedFields(
            client: Self.client, requestID: "r1", peerAddress: "127.0.0.1", acceptsGzip: false, dropsValidators: false)
        #expect(Self.upstreamFields(forwarded) == [
            "Authorization: Bearer t", "Accept: */*", "If-None-Match: \"v1\"",
            "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "x-request-id: r1",
            "x-forwarded-for: 10.0.0.1, 127.0.0.1", "x-forwarded-proto: http", "x-forwarded-host: gw:8080",
        ])
    }

    /// A cacheable fetch drops the client's validators; the gateway's own fields (tracing's
    /// `traceparent`) replace the client's of the same name; gzip is asked for when decodable.
    @Test func upstreamRequestForACacheableFetchWithTracing() {
        let forwarded = ForwardedFields(
            client: Self.client, requestID: "r2", peerAddress: nil, acceptsGzip: true, dropsValidators: true)
        #expect(Self.upstreamFields(forwarded, own: ["traceparent": "00-x"]) == [
            "Authorization: Bearer t", "Accept: */*", "x-request-id: r2", "x-forwarded-proto: http",
            "x-forwarded-host: gw:8080", "accept-encoding: gzip",
        ])
    }

    @Test func anUpstreamRequestFieldThatCouldSplitTheHeadStopsTheWrite() {
        let forwarded = ForwardedFields(
            client: ["X-Evil": "a\r\nx-smuggled: 1"], requestID: "r3", peerAddress: nil, acceptsGzip: false,
            dropsValidators: false)
        #expect(Self.upstreamFields(forwarded) == nil)
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
