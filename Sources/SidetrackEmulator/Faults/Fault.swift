/// A misbehaviour the emulator plays instead of (or before) a normal answer.
///
/// Fields combine: `latency` delays whatever comes next; `resetConnection` closes the connection
/// without answering; otherwise `status` (or 429 implied by `retryAfterSeconds`/`quotaExceeded`)
/// answers with Spotify's error body. A fault with only `latency` delays the normal answer.
/// `held` parks the request until `FaultInjector.releaseHeld()`, so a test can act while a
/// request is provably in flight instead of racing a timer.
public struct Fault: Sendable, Equatable {
    /// Delay before answering (scheduled on the event loop, never a blocking sleep).
    public var latency: Duration?
    /// Answer with this status and Spotify's error body.
    public var status: Int?
    /// `Retry-After` seconds on the 429 answer (implies status 429 when `status` is nil).
    public var retryAfterSeconds: Int?
    /// Answer 429 with `"reason":"QUOTA_EXCEEDED"` (development-mode quota exhaustion).
    public var quotaExceeded: Bool
    /// Close the connection without answering.
    public var resetConnection: Bool
    /// Hold the request (before its latency and answer) until the injector releases it.
    public var held: Bool
    /// Only requests whose path starts with this prefix are affected (nil: all of them).
    public var pathPrefix: String?
    /// Apply to the next N matching requests, then clear (nil: until cleared).
    public var remaining: Int?

    public init(
        latency: Duration? = nil,
        status: Int? = nil,
        retryAfterSeconds: Int? = nil,
        quotaExceeded: Bool = false,
        resetConnection: Bool = false,
        held: Bool = false,
        pathPrefix: String? = nil,
        remaining: Int? = nil
    ) {
        self.latency = latency
        self.status = status
        self.retryAfterSeconds = retryAfterSeconds
        self.quotaExceeded = quotaExceeded
        self.resetConnection = resetConnection
        self.held = held
        self.pathPrefix = pathPrefix
        self.remaining = remaining
    }

    /// The status this fault answers with, if it answers with an error at all.
    var effectiveStatus: Int? {
        if let status { return status }
        return retryAfterSeconds != nil || quotaExceeded ? 429 : nil
    }

    func matches(path: String) -> Bool {
        pathPrefix.map { path.hasPrefix($0) } ?? true
    }
}
