import SidetrackCore
import Testing

@testable import SidetrackGateway

@Suite struct TrustMemoTests {
    @Test func aRememberedGrantAnswersUntilItExpires() {
        let trust = TokenTrust(window: .seconds(10))
        var memo = TrustMemo()
        #expect(!ask(&memo, "a", now: 0, by: trust))
        trust.markAccepted("a", now: 0)
        // Untrusted is never remembered: the first 2xx upstream counts on the next request.
        #expect(ask(&memo, "a", now: 1, by: trust))
        #expect(ask(&memo, "a", now: 9_999, by: trust))
        #expect(!ask(&memo, "a", now: 10_000, by: trust))
    }

    @Test func aRejectedTokenIsUntrustedAtOnce() {
        let trust = TokenTrust(window: .seconds(10))
        var memo = TrustMemo()
        trust.markAccepted("a", now: 0)
        #expect(ask(&memo, "a", now: 1, by: trust))
        trust.markRejected("a")
        #expect(!ask(&memo, "a", now: 2, by: trust))
    }

    @Test func anotherTokenOnTheConnectionIsLookedUpItself() {
        let trust = TokenTrust(window: .seconds(10))
        var memo = TrustMemo()
        trust.markAccepted("a", now: 0)
        #expect(ask(&memo, "a", now: 1, by: trust))
        #expect(!ask(&memo, "b", now: 2, by: trust))
        #expect(ask(&memo, "a", now: 3, by: trust))
    }

    private func ask(_ memo: inout TrustMemo, _ identity: String, now: Int64, by trust: TokenTrust) -> Bool {
        memo.isTrusted(identity, now: now, by: trust)
    }
}
