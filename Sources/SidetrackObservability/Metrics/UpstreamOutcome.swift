/// How one upstream call ended; the `outcome` label of the upstream families.
/// Raw values are stable label values.
public enum UpstreamOutcome: String, Sendable, CaseIterable {
    /// 2xx or 3xx from Spotify.
    case success
    /// 4xx other than 429 (the caller's fault, not an upstream problem).
    case clientError = "client_error"
    /// 429 from Spotify.
    case rateLimited = "rate_limited"
    /// 5xx from Spotify, or a malformed response.
    case error
    /// The request deadline passed before a response.
    case timeout
    /// No connection could be made (DNS, connect refused, TLS).
    case unreachable

    /// Dense index used by the metric tables (order of `allCases`).
    @inline(__always)
    var index: Int {
        switch self {
        case .success: 0
        case .clientError: 1
        case .rateLimited: 2
        case .error: 3
        case .timeout: 4
        case .unreachable: 5
        }
    }
}
