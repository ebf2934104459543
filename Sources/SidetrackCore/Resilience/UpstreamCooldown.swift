import Synchronization

/// The app-wide pause after Spotify answers 429 (DESIGN §2 stage 6).
///
/// Spotify counts its rate limit per app, so one 429 speaks for every token behind this gateway:
/// until its `Retry-After` has passed, no request goes upstream (callers serve stale or answer
/// 429 at once). When the time is up, traffic simply resumes; the next 429, if any, starts a new
/// cooldown. The last 429's body is kept so the gateway can replay Spotify's own words, and a
/// quota exhaustion (`"reason":"QUOTA_EXCEEDED"`) is remembered as such so it can be surfaced.
public final class UpstreamCooldown: Sendable {
    /// Why Spotify asked for the pause. Raw values are stable log/metric strings.
    public enum Reason: String, Sendable, Hashable {
        /// An ordinary 429: the rolling-window rate limit.
        case rateLimited = "rate_limited"
        /// The development-mode quota is spent; waiting alone may not help.
        case quotaExceeded = "quota_exceeded"
    }

    /// The cooldown in force at some instant.
    public struct Status: Sendable, Equatable {
        /// Epoch ms at which traffic resumes.
        public var until: Int64
        /// Milliseconds left, always > 0.
        public var remainingMillis: Int64
        public var reason: Reason
        /// The body of the 429 that set the cooldown (empty if none was given).
        public var body: [UInt8]
    }

    private struct State {
        var until: Int64 = .min
        var reason: Reason = .rateLimited
        var body: [UInt8] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Starts (or extends) the cooldown until `untilMillis` epoch ms.
    ///
    /// An earlier deadline never shortens a running cooldown: a stale 429 arriving late must not
    /// reopen the gates. The reason and body go with whichever deadline wins.
    /// - Returns: whether this call moved the deadline.
    @discardableResult
    public func start(untilMillis: Int64, reason: Reason = .rateLimited, body: [UInt8] = []) -> Bool {
        state.withLock { state in
            guard untilMillis > state.until else { return false }
            state = State(until: untilMillis, reason: reason, body: body)
            return true
        }
    }

    /// Milliseconds until traffic resumes, or nil when no cooldown is in force at `now`.
    public func remaining(now: Int64) -> Int64? {
        state.withLock { state in
            state.until > now ? state.until - now : nil
        }
    }

    /// The cooldown in force at `now` with its reason and body, or nil.
    public func status(now: Int64) -> Status? {
        state.withLock { state in
            guard state.until > now else { return nil }
            return Status(until: state.until, remainingMillis: state.until - now, reason: state.reason, body: state.body)
        }
    }

    /// Ends any cooldown at once (an operator's override).
    public func clear() {
        state.withLock { $0 = State() }
    }

    /// Whether a 429 body carries Spotify's quota-exhaustion marker. A byte search rather than a
    /// JSON parse: the body is small, and a malformed one should still be recognised.
    public static func isQuotaExceeded(body: some Sequence<UInt8>) -> Bool {
        let needle = quotaMarker
        var matched = 0
        for byte in body {
            if byte == needle[matched] {
                matched += 1
                if matched == needle.count { return true }
            } else {
                // The marker has no repeated prefix, so restarting at this byte is exact.
                matched = byte == needle[0] ? 1 : 0
            }
        }
        return false
    }

    private static let quotaMarker = Array("QUOTA_EXCEEDED".utf8)
}
