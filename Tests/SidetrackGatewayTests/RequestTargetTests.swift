import Testing

@testable import SidetrackGateway

/// The byte-wise split must find exactly the `?` the Character-wise search it replaced found,
/// non-ASCII neighbours (a combining mark after `?`, a prepended mark before it) included.
@Suite struct RequestTargetTests {
    static let targets: [Substring] = [
        "/v1/tracks/abc", "/v1/tracks/abc?market=US", "/v1/search?q=a?b&type=track", "?", "/?", "/a?",
        "/v1/tracks/caf\u{E9}?market=SE", "/v1/a?\u{301}b?c=1", "/v1/a\u{600}?b?c=1", "/v1/\u{1F600}?x=\u{1F600}", "",
    ]

    @Test(arguments: targets)
    func splitsWhereTheCharacterSearchDid(target: Substring) {
        let mark = target.firstIndex(of: "?")
        #expect(RequestTarget.path(of: target) == (mark.map { target[..<$0] } ?? target))
        #expect(RequestTarget.query(of: target) == (mark.map { target[target.index(after: $0)...] } ?? ""))
        let query = RequestTarget.query(of: target, afterPath: RequestTarget.path(of: target))
        #expect(query == (mark.map { target[target.index(after: $0)...] } ?? ""))
        #expect(query.startIndex == (mark.map { target.index(after: $0) } ?? query.startIndex))
    }

    @Test func worksOnASliceOfALargerString() {
        let line = "GET /v1/albums/x?market=US HTTP/1.1"
        let target = line.split(separator: " ")[1]
        #expect(RequestTarget.path(of: target) == "/v1/albums/x")
        #expect(RequestTarget.query(of: target) == "market=US")
    }
}

/// The byte-wise prefix test must answer as `hasPrefix` did, non-ASCII after the prefix included.
@Suite struct ASCIIPrefixTests {
    static let cases: [(Substring, StaticString)] = [
        ("/v1/tracks", "/v1/"), ("/v1", "/v1/"), ("/v2/x", "/v1/"), ("/v1/\u{301}x", "/v1/"), ("/v1/\u{E9}", "/v1/"),
        ("/", "/"), ("", "/"), ("/\u{301}abc", "/"), ("http://x/", "/"), ("/v1\u{301}/", "/v1/"),
    ]

    @Test func matchesHasPrefix() {
        for (text, prefix) in Self.cases {
            #expect(text.hasASCIIPrefix(prefix) == text.hasPrefix(String(describing: prefix)), "\(text) \(prefix)")
        }
    }
}
