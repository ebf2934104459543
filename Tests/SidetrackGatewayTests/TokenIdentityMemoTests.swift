import SidetrackCore
import Testing

@testable import SidetrackGateway

/// The per-connection memo must give exactly what `ClientIdentifier` gives, whatever the order of
/// tokens on the connection: a wrong identity here would be a cache isolation bug.
@Suite struct TokenIdentityMemoTests {
    let identifier = ClientIdentifier(key: Array("memo-test-key".utf8))

    @Test func matchesTheIdentifierAcrossTokenChanges() throws {
        var memo = TokenIdentityMemo()
        for header in ["Bearer alice", "Bearer alice", "Bearer bob", "bearer  alice ", "Bearer bob"] {
            let found = memo.identify(header, with: identifier)
            let known = try #require(found)
            let token = try #require(ClientIdentifier.bearerToken(in: header))
            #expect(known.identity == identifier.tokenIdentity(token))
            #expect(known.client == identifier.logIdentity(forToken: token))
        }
    }

    @Test func aNonBearerValueHasNoIdentityAndDoesNotStickToTheNext() throws {
        var memo = TokenIdentityMemo()
        #expect(memo.identify("Basic dXNlcjpwYXNz", with: identifier) == nil)
        #expect(memo.identify("Basic dXNlcjpwYXNz", with: identifier) == nil)
        let found = memo.identify("Bearer carol", with: identifier)
        let known = try #require(found)
        #expect(known.identity == identifier.tokenIdentity("carol"))
        #expect(memo.identify("Bearer ", with: identifier) == nil)
    }
}
