import SidetrackCore

/// What the upstream exchange needs to know of the cache for one request (stages 4, 5 and 8).
struct CacheContext {
    let key: CacheKey
    let match: RouteMatch
    /// This request's upstream call is shared with coalesced followers.
    var isLeader = false
    /// A stored answer to serve if upstream fails (stale-if-error).
    var fallback: CachedResponse?
    /// The stored answer being revalidated: its ETag goes upstream as `If-None-Match`.
    var revalidating: CachedResponse?
    /// The client's own `If-None-Match` values: a matching answer goes out as `304`.
    var clientETags: [String]
}
