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
}
