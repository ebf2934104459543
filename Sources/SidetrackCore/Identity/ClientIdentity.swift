import Crypto

/// Who is calling: a keyed hash of the bearer token, else the peer address.
///
/// The raw token never leaves this type: logs, metrics and (later) cache keys only ever see the
/// HMAC, so a leaked log or cache file does not leak a usable Spotify token.
public struct ClientIdentifier: Sendable {
    /// HMAC keyed once: deriving the padded key on every request was ~3 % of a cache hit's CPU.
    /// Each use copies it (a value) and feeds the copy.
    private let keyed: KeyedMAC

    /// `HMAC` holds a `SymmetricKey`, which is not `Sendable`; this one is never mutated, only
    /// copied, so sharing it across threads is safe. A class, so `ClientIdentifier` stays one
    /// pointer wide and cheap to copy into every request's pipeline.
    private final class KeyedMAC: @unchecked Sendable {
        let mac: HMAC<SHA256>

        init(mac: HMAC<SHA256>) {
            self.mac = mac
        }
    }

    /// - Parameter key: the HMAC key. Kept beside the cache so identities stay stable across restarts.
    public init(key: [UInt8]) {
        self.keyed = KeyedMAC(mac: HMAC<SHA256>(key: SymmetricKey(data: key)))
    }

    /// A fresh random key: identities are then stable only for this process's lifetime.
    public static func random() -> ClientIdentifier {
        ClientIdentifier(key: Array(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }))
    }

    /// The bearer token in an `Authorization` header value, if it is one.
    public static func bearerToken(in authorization: some StringProtocol) -> Substring? {
        let value = Substring(authorization).drop(while: { $0 == " " })
        guard value.count > 7, value.prefix(7).lowercased() == "bearer " else { return nil }
        let token = value.dropFirst(7).drop(while: { $0 == " " })
        let trimmed = token.reversed().drop(while: { $0 == " " }).count
        let result = token.prefix(trimmed)
        return result.isEmpty ? nil : result
    }

    /// The full token identity (64 hex digits); what cache keys use.
    public func tokenIdentity(_ token: some StringProtocol) -> String {
        var mac = keyed.mac
        mac.update(data: Array(token.utf8))
        return Hex.string(mac.finalize())
    }

    /// The short form for logs: `tok:` + the first 16 hex digits of the identity.
    public func logIdentity(forToken token: some StringProtocol) -> String {
        "tok:" + tokenIdentity(token).prefix(16)
    }

    /// The identity of a caller without a token.
    public static func logIdentity(forPeer address: String) -> String {
        "ip:" + address
    }
}
