/// The family a route belongs to, for per-group bulkheads and circuit breakers.
///
/// The raw values are stable metric label values (`group`, `breaker`).
public enum RouteGroup: String, Sendable, Hashable, CaseIterable {
    case catalog
    case search
    case playlists
    case library
    case player
    case accounts
    /// Profiles, top items, and paths the route table does not know.
    case other
}
