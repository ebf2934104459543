/// Whose data a route returns, which decides how a cached answer may be shared (DESIGN §3).
public enum RouteScope: String, Sendable, Hashable, CaseIterable {
    /// Catalog data that is the same for every caller with the same market and language.
    case shared
    /// Data of the token's user (`/v1/me…` or an operation that needs an OAuth scope).
    case userPrivate = "user-private"
}
