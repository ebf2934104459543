import Testing
@testable import SidetrackCore

@Suite struct HopByHopHeadersTests {
    @Test(arguments: ["Connection", "keep-alive", "Transfer-Encoding", "TE", "Upgrade", "Proxy-Authorization", "Trailer"])
    func standardHopByHopNames(_ name: String) {
        #expect(HopByHopHeaders.isHopByHop(name))
    }

    @Test(arguments: ["Authorization", "Content-Type", "ETag", "Retry-After", "Cache-Control"])
    func endToEndNames(_ name: String) {
        #expect(!HopByHopHeaders.isHopByHop(name))
    }

    @Test func namesListedInConnectionAreHopByHop() {
        let tokens = HopByHopHeaders.connectionTokens(["close, X-Secret-Hop", " x-other "])
        #expect(tokens == ["close", "x-secret-hop", "x-other"])
        #expect(HopByHopHeaders.isHopByHop("X-Secret-Hop", connectionTokens: tokens))
        #expect(!HopByHopHeaders.isHopByHop("X-Kept", connectionTokens: tokens))
    }
}
