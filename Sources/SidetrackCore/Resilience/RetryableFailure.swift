/// How an upstream attempt failed, as far as retrying is concerned.
public enum RetryableFailure: Sendable, Hashable {
    /// The connection could not be made (refused, reset before a response, DNS, TLS).
    case connect
    /// No (complete) answer before the deadline.
    case timeout
    /// Spotify answered with this status.
    case status(Int)

    /// Whether another try can plausibly succeed: connection failures, timeouts, and 502/503/504
    /// (a gateway or overload in front of Spotify). Not 500 (Spotify's own bug, likely to
    /// repeat) and never 429: that starts the cooldown instead.
    public var isTransient: Bool {
        switch self {
        case .connect, .timeout: true
        case .status(let status): status == 502 || status == 503 || status == 504
        }
    }

    /// Stable, bounded `reason` label for `sidetrack_upstream_retries_total`.
    public var label: String {
        switch self {
        case .connect: "connect_error"
        case .timeout: "timeout"
        case .status(502): "status_502"
        case .status(503): "status_503"
        case .status(504): "status_504"
        case .status: "status_other"
        }
    }
}
