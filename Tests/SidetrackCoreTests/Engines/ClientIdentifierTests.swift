import Testing
@testable import SidetrackCore

@Suite struct ClientIdentifierTests {
    let identifier = ClientIdentifier(key: Array("test-key".utf8))

    @Test(arguments: [
        ("Bearer abc", "abc"), ("bearer abc", "abc"), ("BEARER  abc ", "abc"), ("  Bearer x.y-z", "x.y-z"),
    ])
    func extractsBearerTokens(header: String, token: String) {
        #expect(ClientIdentifier.bearerToken(in: header) == Substring(token))
    }

    @Test(arguments: ["Basic abc", "Bearer", "Bearer ", "Bearerabc", ""])
    func rejectsNonBearerHeaders(_ header: String) {
        #expect(ClientIdentifier.bearerToken(in: header) == nil)
    }

    @Test func identityIsStableKeyedAndNeverTheToken() {
        let token = "BQD-secret-token-value"
        let first = identifier.logIdentity(forToken: token)
        #expect(first == identifier.logIdentity(forToken: token))
        #expect(first.hasPrefix("tok:"))
        #expect(first.count == 20)
        #expect(!first.contains("secret"))
        #expect(first != identifier.logIdentity(forToken: token + "x"))
        let otherKey = ClientIdentifier(key: Array("other-key".utf8))
        #expect(first != otherKey.logIdentity(forToken: token))
        #expect(identifier.tokenIdentity(token).count == 64)
    }

    /// RFC 4231 test case 2: identities must not change (the disk cache keys private entries by them).
    @Test func identityIsStandardHMACSHA256() {
        let rfc = ClientIdentifier(key: Array("Jefe".utf8))
        #expect(rfc.tokenIdentity("what do ya want for nothing?")
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // The precomputed key is copied, not consumed: the same answer every time, from any thread.
        #expect(rfc.tokenIdentity("what do ya want for nothing?") == rfc.tokenIdentity("what do ya want for nothing?"))
    }

    @Test func peerIdentity() {
        #expect(ClientIdentifier.logIdentity(forPeer: "127.0.0.1") == "ip:127.0.0.1")
    }
}
