/// When and how soon a failed upstream call is tried again (DESIGN §2 stage 7).
///
/// Retries are for failures a second try can fix and a second try cannot make worse: lost
/// connections, timeouts and 502/503/504, on requests that are safe to repeat. Delays are
/// exponential with full jitter (a uniform draw in `0...min(cap, base × 2^(attempt-1))`), which
/// spreads a crowd of retries out instead of sending them back in lockstep. Two more bounds
/// apply outside this type: the `RetryBudget` and the request's remaining deadline (`fits`).
public struct RetryPolicy: Sendable, Equatable {
    /// Total attempts including the first. Default 3: two retries recover the usual blip;
    /// more would mostly keep clients (who retry too) waiting past their 5 s timeout.
    public var maxAttempts: Int
    /// Default 100 ms: about one Spotify round trip.
    public var baseDelay: Duration
    /// Default 2 s: the longest single wait, well under clients' timeout.
    public var maxDelay: Duration
    /// Default 100 ms: a retry needs at least this much deadline left after its delay to be
    /// worth sending.
    public var minimumAttemptTime: Duration

    public init(
        maxAttempts: Int = 3,
        baseDelay: Duration = .milliseconds(100),
        maxDelay: Duration = .seconds(2),
        minimumAttemptTime: Duration = .milliseconds(100)
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.minimumAttemptTime = minimumAttemptTime
    }

    /// Whether another attempt may follow attempt number `attempt` (1 = the first call).
    public func allowsAttempt(after attempt: Int) -> Bool {
        attempt < maxAttempts
    }

    /// The delay before the retry that follows attempt `attempt` (1-based).
    /// - Parameter random: a uniform draw from the range (injected so tests are deterministic).
    public func delayMillis(attempt: Int, random: (ClosedRange<Int64>) -> Int64) -> Int64 {
        let cap = max(0, maxDelay.milliseconds)
        var ceiling = max(0, baseDelay.milliseconds)
        // Doubling stops at the cap (and the loop at 64), so large attempt numbers cannot overflow.
        for _ in 1..<min(max(1, attempt), 64) where ceiling < cap { ceiling *= 2 }
        ceiling = min(ceiling, cap)
        return min(max(random(0...ceiling), 0), ceiling)
    }

    /// Whether a retry after `delayMillis` leaves at least `minimumAttemptTime` of the
    /// `remainingMillis` deadline for the attempt itself.
    public func fits(delayMillis: Int64, remainingMillis: Int64) -> Bool {
        delayMillis + minimumAttemptTime.milliseconds <= remainingMillis
    }

    /// Whether `failure` on a request with `method` may be retried at all.
    ///
    /// GET, HEAD, OPTIONS, PUT and DELETE are idempotent by HTTP's definition (RFC 9110 §9.2.2),
    /// and Spotify's PUT/DELETE operations (save, follow, replace, seek, volume) honour it. POST
    /// (add items, skip track, create playlist) is retried only with an `Idempotency-Key`, the
    /// client's promise that a repeat is harmless. Methods are case-sensitive.
    public static func isRetryable(method: String, hasIdempotencyKey: Bool, failure: RetryableFailure) -> Bool {
        failure.isTransient && isSafeToRepeat(method: method, hasIdempotencyKey: hasIdempotencyKey)
    }

    /// Whether a request may be sent twice at all, whatever went wrong (the method rule above).
    public static func isSafeToRepeat(method: String, hasIdempotencyKey: Bool) -> Bool {
        switch method {
        case "GET", "HEAD", "OPTIONS", "PUT", "DELETE": return true
        default: return hasIdempotencyKey
        }
    }
}
