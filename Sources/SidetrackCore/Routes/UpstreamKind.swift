/// Which configured upstream serves a route.
public enum UpstreamKind: String, Sendable, Hashable, CaseIterable {
    /// The Web API, `https://api.spotify.com` by default.
    case api
    /// The accounts service (token endpoint), `https://accounts.spotify.com` by default.
    case accounts
}
