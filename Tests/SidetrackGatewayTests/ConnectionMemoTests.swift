import NIOCore
import SidetrackCore
import Testing

@testable import SidetrackGateway

/// Per-connection memos give what deriving the value afresh gives, whatever the order of values.
@Suite struct ConnectionMemoTests {
    @Test func theBaseIsMadeOncePerHostValue() {
        var memo = PublicBaseMemo()
        var made: [String?] = []
        func base(_ host: String?) -> String {
            memo.base(forHost: host) { host in
                made.append(host)
                return host.map { "http://" + $0 } ?? "http://listener"
            }
        }
        #expect(base("a.test") == "http://a.test")
        #expect(base("a.test") == "http://a.test")
        #expect(base("b.test") == "http://b.test")
        #expect(base(nil) == "http://listener")
        #expect(base(nil) == "http://listener")
        #expect(base("a.test") == "http://a.test")
        #expect(made == ["a.test", "b.test", nil, "a.test"])
    }

    @Test func theLinkRewriterIsMadeOncePerBaseAndEveryAnswerGetsAFreshCopy() {
        var memo = LinkRewriterMemo()
        let prefix = "https://api.spotify.com/v1/"
        var first = memo.rewriter(linkPrefix: prefix, publicBase: "http://a.test")
        var out: [UInt8] = []
        // A link cut at the chunk's end is held back inside this copy only.
        first.process(Array("{\"href\":\"https://api.spotify.com/v1/tracks/1\",\"next\":\"https://api.spo".utf8), into: &out)
        #expect(first.replacements == 1)
        var second = memo.rewriter(linkPrefix: prefix, publicBase: "http://a.test")
        #expect(second.replacements == 0)
        out.removeAll()
        second.process(Array("\"https://api.spotify.com/v1/albums/2\"".utf8), into: &out)
        second.finish(into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "\"http://a.test/v1/albums/2\"")
        let other = memo.rewriter(linkPrefix: prefix, publicBase: "http://b.test:8080")
        #expect(other.replacement == Array("http://b.test:8080/v1/".utf8))
        #expect(memo.rewriter(linkPrefix: prefix, publicBase: "http://a.test").replacement == Array("http://a.test/v1/".utf8))
    }

    @Test func theConnectionsOwnAddressIsTheFallback() throws {
        #expect(PublicBaseMemo.connectionBase(try SocketAddress(ipAddress: "10.0.0.5", port: 8080)) == "http://10.0.0.5:8080")
        #expect(PublicBaseMemo.connectionBase(try SocketAddress(ipAddress: "::1", port: 443)) == "http://[::1]:443")
        #expect(PublicBaseMemo.connectionBase(nil) == nil)
    }

    @Test(arguments: [
        ("/live", true), ("/ready", true), ("/health", true), ("/metrics", true), ("/livex", false),
        ("/v1/tracks/abc", false), ("/metricss", false), ("", false), ("/", false),
    ])
    func probePathsAreKnownByName(path: String, isProbe: Bool) {
        #expect(LocalEndpoints.isProbePath(Substring(path)) == isProbe)
    }

    @Test func theFirstByteIsFoundInASlice() {
        let text = "/v1/search?q=a?b&type=track"
        let slice = text.dropFirst(4)
        let mark = slice.firstUTF8Index(of: UInt8(ascii: "?"))
        #expect(mark.map { String(slice[..<$0]) } == "search")
        #expect(slice.firstUTF8Index(of: UInt8(ascii: "#")) == nil)
        #expect(Substring("").firstUTF8Index(of: UInt8(ascii: "?")) == nil)
        // Non-ASCII before the byte: the index still lands on it.
        let accented = Substring("/v1/café?x=1")
        #expect(accented.firstUTF8Index(of: UInt8(ascii: "?")).map { String(accented[$0...]) } == "?x=1")
    }
}
