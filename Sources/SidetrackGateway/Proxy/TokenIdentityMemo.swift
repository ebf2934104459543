import SidetrackCore

/// The last bearer token's identity on one connection (part of `ConnectionMemo`). A keep-alive
/// connection nearly always carries one user's token, and deriving the HMAC identity was ~6 % of
/// a cache hit's CPU; this derives it once per connection and token. Lives on the connection's
/// event loop only.
///
/// It holds the `Authorization` value as the request head already did, for as long as the
/// connection lives; the value never leaves this type (logs and keys see the identity only).
struct TokenIdentityMemo {
    private var authorization: String?
    private var identity: String?
    private var client = ""

    /// The identity (64 hex digits) and log identity (`tok:` + 16 digits) of the bearer token in
    /// `authorization`, or nil when it is not a bearer token.
    mutating func identify(_ authorization: String, with identifier: ClientIdentifier) -> (identity: String, client: String)? {
        if authorization == self.authorization {
            return identity.map { ($0, client) }
        }
        self.authorization = authorization
        guard let token = ClientIdentifier.bearerToken(in: authorization) else {
            identity = nil
            return nil
        }
        let identity = identifier.tokenIdentity(token)
        self.identity = identity
        client = "tok:" + identity.prefix(16)
        return (identity, client)
    }
}
