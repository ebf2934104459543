/// The identity of one cached answer (DESIGN §3), built by `CacheKeyBuilder`.
///
/// `text` is what both tiers index by. It holds the route, the normalized path and query, the
/// language, the link base and encoding variant, and the identity part — a token *identity*
/// (HMAC), never a token — so a cache file or a memory dump does not leak a usable token.
public struct CacheKey: Sendable, Hashable {
    /// The full key, e.g. `GET /v1/tracks/abc?market=SE|lang=sv|gz|http://gw|shared`.
    public let text: String
    /// The token identity an entry belongs to, or nil when it is shared across tokens.
    public let scope: String?
    /// The path, kept as a slice (of `text` when built by `CacheKeyBuilder`): a key is derived on
    /// every cacheable request, hits included, and only a store needs the path as a `String`.
    private let pathSlice: Substring

    /// Request path without query or trailing slash; invalidation and purge match on it.
    public var path: String { String(pathSlice) }

    public init(text: String, path: String, scope: String?) {
        self.init(text: text, pathSlice: path[...], scope: scope)
    }

    init(text: String, pathSlice: Substring, scope: String?) {
        self.text = text
        self.pathSlice = pathSlice
        self.scope = scope
    }
}
