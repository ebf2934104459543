/// One cached answer as stored on disk.
///
/// The gateway builds the key and encodes the headers itself; to this module both are opaque. Only
/// `route`, `path` and `scope` are interpreted, and only to select entries for purges and invalidation.
public struct PersistedEntry: Sendable, Equatable {
    /// Opaque storage key built by the gateway (route template, path, normalized query, language,
    /// identity hash). Never contains a token, and is never logged by this module.
    public var key: String
    /// Route template, e.g. `/v1/playlists/{playlist_id}`: purge by route.
    public var route: String
    /// Request path without the query, e.g. `/v1/playlists/abc`: invalidation and purge by path prefix.
    public var path: String
    /// Token identity (hex HMAC) for per-token entries; `nil` for entries shared across tokens.
    public var scope: String?
    public var status: Int
    public var headers: [UInt8]
    public var body: [UInt8]
    public var etag: String?
    /// Unix epoch milliseconds. Wall clock, because the entry must mean the same after a restart.
    public var storedAtMillis: Int64
    public var freshUntilMillis: Int64
    /// After this instant even stale serving is over, so the entry is deleted and never returned.
    public var usableUntilMillis: Int64

    public init(
        key: String,
        route: String,
        path: String,
        scope: String?,
        status: Int,
        headers: [UInt8],
        body: [UInt8],
        etag: String?,
        storedAtMillis: Int64,
        freshUntilMillis: Int64,
        usableUntilMillis: Int64
    ) {
        self.key = key
        self.route = route
        self.path = path
        self.scope = scope
        self.status = status
        self.headers = headers
        self.body = body
        self.etag = etag
        self.storedAtMillis = storedAtMillis
        self.freshUntilMillis = freshUntilMillis
        self.usableUntilMillis = usableUntilMillis
    }

    /// The bytes this entry counts against the byte bound: body and headers (keys and columns are
    /// small and bounded, the payload is what grows).
    public var byteCount: Int { headers.count + body.count }

    /// Whether the entry may still be served (fresh or stale) at `nowMillis`.
    public func isUsable(at nowMillis: Int64) -> Bool { nowMillis < usableUntilMillis }
}
