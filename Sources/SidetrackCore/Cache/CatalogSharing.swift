/// When shared-scope (catalog) answers may be served across tokens.
///
/// A user token's country overrides `market`, so without an explicit `market` two tokens may get
/// different answers for the same URL; sharing is only safe when the request names the market.
public enum CatalogSharing: String, Sendable, CaseIterable {
    /// Share only requests that carry an explicit `market` query parameter (default).
    case market
    /// Always share catalog answers: for apps that only use client-credentials tokens.
    case always
}
