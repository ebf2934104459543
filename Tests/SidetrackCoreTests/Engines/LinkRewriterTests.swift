import Testing
@testable import SidetrackCore

@Suite struct LinkRewriterTests {
    static let prefix = "https://api.spotify.com/v1/"

    private func rewriteAll(_ body: String, chunkSize: Int, to base: String = "http://gw:8080/v1/") -> (String, Int) {
        var rewriter = LinkRewriter(from: Self.prefix, to: base)
        var out: [UInt8] = []
        let bytes = Array(body.utf8)
        var start = 0
        while start < bytes.count {
            let end = min(start + chunkSize, bytes.count)
            rewriter.process(Array(bytes[start..<end]), into: &out)
            start = end
        }
        rewriter.finish(into: &out)
        return (String(decoding: out, as: UTF8.self), rewriter.replacements)
    }

    @Test func rewritesEveryLinkInOneChunk() {
        let body = #"{"href":"https://api.spotify.com/v1/albums/1/tracks?offset=0","next":"https://api.spotify.com/v1/albums/1/tracks?offset=20","previous":null}"#
        let (out, count) = rewriteAll(body, chunkSize: 10_000)
        #expect(out == #"{"href":"http://gw:8080/v1/albums/1/tracks?offset=0","next":"http://gw:8080/v1/albums/1/tracks?offset=20","previous":null}"#)
        #expect(count == 2)
    }

    /// Every chunk size from 1 byte up cuts links at every possible place; the output must not change.
    @Test(arguments: 1...40)
    func chunkBoundariesDoNotMatter(chunkSize: Int) {
        let body = #"["https://api.spotify.com/v1/a","https://api.spotify.com/v1/b","https://api.spotify.co","https://api.spotify.com/v1/"]"#
        let (out, count) = rewriteAll(body, chunkSize: chunkSize)
        #expect(out == #"["http://gw:8080/v1/a","http://gw:8080/v1/b","https://api.spotify.co","http://gw:8080/v1/"]"#)
        #expect(count == 3)
    }

    @Test func leavesOtherHostsAndPartialMatchesAlone() {
        let body = #"{"u":"https://open.spotify.com/track/1","v":"https://api.spotify.com/v2/x","w":"https://api.spotify.com/v1"}"#
        let (out, count) = rewriteAll(body, chunkSize: 7)
        #expect(out == body)
        #expect(count == 0)
    }

    @Test func aTrailingPartialMatchIsReleasedByFinish() {
        let (out, _) = rewriteAll("abc https://api.spot", chunkSize: 3)
        #expect(out == "abc https://api.spot")
    }

    @Test func emptyInput() {
        let (out, count) = rewriteAll("", chunkSize: 5)
        #expect(out.isEmpty)
        #expect(count == 0)
    }
}
