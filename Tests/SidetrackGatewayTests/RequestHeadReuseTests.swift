import NIOCore
import NIOHTTP1
import Testing

@testable import SidetrackGateway

/// The head parser lends the last head's storage to the next one (`RequestHeadParser`): a head
/// still held elsewhere — a pipelined request, a head an exchange keeps — must stay as it was.
@Suite struct RequestHeadReuseTests {
    private struct ParseFailed: Error {}

    private static func parse(_ text: String, with parser: inout RequestHeadParser) throws -> HTTPRequestHead {
        var buffer = ByteBuffer(string: text)
        var scanned = 0
        guard case .head(let head, _) = parser.parse(&buffer, scanned: &scanned) else { throw ParseFailed() }
        return head
    }

    private static let first = "GET /v1/tracks/4iV5W9uYEdYUVa79Axb7Rh HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer first-token-0123456789\r\n\r\n"
    private static let second = "DELETE /v1/me/tracks?ids=1 HTTP/1.0\r\nHost: b\r\nX-Extra: 1\r\nContent-Length: 0\r\n\r\n"

    @Test func aHeadStillHeldIsNotWrittenOverByTheNext() throws {
        var parser = RequestHeadParser(maxHeaderBytes: 8192)
        let held = try Self.parse(Self.first, with: &parser)
        let next = try Self.parse(Self.second, with: &parser)
        #expect(held.method == .GET)
        #expect(held.uri == "/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh")
        #expect(held.version == .http1_1)
        #expect(held.headers.map { "\($0.name): \($0.value)" } == ["Host: a", "Authorization: Bearer first-token-0123456789"])
        #expect(next.method == .DELETE)
        #expect(next.uri == "/v1/me/tracks?ids=1")
        #expect(next.version == .http1_0)
        #expect(next.headers.map { "\($0.name): \($0.value)" } == ["Host: b", "X-Extra: 1", "Content-Length: 0"])
    }

    @Test func aHeadLetGoOfLeavesNothingBehindInTheNext() throws {
        var parser = RequestHeadParser(maxHeaderBytes: 8192)
        for (text, method, uri, fields) in [
            (Self.first, HTTPMethod.GET, "/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh", 2), (Self.second, .DELETE, "/v1/me/tracks?ids=1", 3),
            ("GET / HTTP/1.1\r\n\r\n", .GET, "/", 0), (Self.first, .GET, "/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh", 2),
        ] {
            let head = try Self.parse(text, with: &parser)
            #expect(head.method == method)
            #expect(head.uri == uri)
            #expect(head.headers.count == fields)
        }
    }
}
