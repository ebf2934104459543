import Testing
@testable import SidetrackCore

@Suite struct HopByHopHeadersTests {
    @Test(arguments: ["Connection", "keep-alive", "Transfer-Encoding", "TE", "Upgrade", "Proxy-Authorization", "Trailer"])
    func standardHopByHopNames(_ name: String) {
        #expect(HopByHopHeaders.isHopByHop(name))
    }

    /// Every standard name in any case, matched without the set (and agreeing with it).
    @Test func theFastMatchAgreesWithTheSet() {
        for name in HopByHopHeaders.names {
            #expect(HopByHopHeaders.isStandard(name))
            #expect(HopByHopHeaders.isStandard(name.uppercased()))
        }
        for name in ["t", "tee", "upgrades", "connections", "keep-alivE2", "proxy-connectio", "x-te"] {
            #expect(!HopByHopHeaders.isStandard(name))
        }
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
