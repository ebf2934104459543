/// A token bucket: `burst` tokens at most, refilled at `rate`, one token per request.
///
/// Kept in integer units (a token is `interval` units, each millisecond adds `tokens` units), so
/// refills are exact at every boundary and tests need no tolerance. The balance may go below
/// zero through `reserve`: a caller that accepts a short wait takes its token now and the debt
/// makes everyone after it wait their turn, so a delayed admission needs no second check.
public struct TokenBucket: Sendable, Equatable {
    /// `tokens` per `interval`, e.g. `.perSecond(10)` or `Rate(tokens: 150, per: .seconds(60))`.
    public struct Rate: Sendable, Hashable {
        public var tokens: Int
        public var interval: Duration

        public init(tokens: Int, per interval: Duration) {
            self.tokens = tokens
            self.interval = interval
        }

        public static func perSecond(_ tokens: Int) -> Rate { Rate(tokens: tokens, per: .seconds(1)) }
        public static func perMinute(_ tokens: Int) -> Rate { Rate(tokens: tokens, per: .seconds(60)) }
        public static func perHour(_ tokens: Int) -> Rate { Rate(tokens: tokens, per: .seconds(3600)) }
    }

    public enum TakeResult: Sendable, Equatable {
        /// Taken; `remaining` whole tokens are left.
        case allowed(remaining: Int)
        /// Not enough tokens; nothing was taken. Try again in `retryAfterMillis`.
        case denied(retryAfterMillis: Int64)
    }

    public let rate: Rate
    /// The most tokens the bucket holds: how large a burst passes after a quiet spell.
    public let burst: Int

    private let unitsPerToken: Int64
    private let unitsPerMillisecond: Int64
    private let capacity: Int64
    private var units: Int64
    private var updatedAt: Int64

    /// A full bucket. `burst` defaults to one interval's worth of tokens; both are raised to at
    /// least 1 (and the interval to 1 ms) so a misconfiguration cannot divide by zero.
    public init(rate: Rate, burst: Int? = nil, now: Int64) {
        self.rate = rate
        self.burst = max(1, burst ?? rate.tokens)
        unitsPerToken = max(1, rate.interval.milliseconds)
        unitsPerMillisecond = Int64(max(1, rate.tokens))
        capacity = Int64(self.burst) * unitsPerToken
        units = capacity
        updatedAt = now
    }

    /// Takes `count` tokens if all are there; otherwise takes none. (More than `burst` at once
    /// never fits; callers take one per request.)
    public mutating func take(_ count: Int = 1, now: Int64) -> TakeResult {
        refill(now: now)
        let needed = Int64(count) * unitsPerToken
        guard units >= needed else { return .denied(retryAfterMillis: millisToReach(needed)) }
        units -= needed
        return .allowed(remaining: wholeTokens)
    }

    /// Takes `count` tokens even if that leaves a debt; returns how long the caller must wait
    /// (0 when they were there). Use only after `waitMillis` said the wait is acceptable.
    public mutating func reserve(_ count: Int = 1, now: Int64) -> Int64 {
        refill(now: now)
        let needed = Int64(count) * unitsPerToken
        let wait = units >= needed ? 0 : millisToReach(needed)
        units -= needed
        return wait
    }

    /// Milliseconds until `count` tokens are there (0 if now), without taking any.
    public func waitMillis(for count: Int = 1, now: Int64) -> Int64 {
        var copy = self
        copy.refill(now: now)
        let needed = Int64(count) * unitsPerToken
        return copy.units >= needed ? 0 : copy.millisToReach(needed)
    }

    /// Whole tokens available at `now` (0 while in debt).
    public func available(now: Int64) -> Int {
        var copy = self
        copy.refill(now: now)
        return copy.wholeTokens
    }

    /// Milliseconds until the bucket is full again: the `reset` of the RateLimit header.
    public func millisUntilFull(now: Int64) -> Int64 {
        var copy = self
        copy.refill(now: now)
        return copy.millisToReach(capacity)
    }

    private var wholeTokens: Int { units > 0 ? Int(units / unitsPerToken) : 0 }

    /// Rounded up: waiting the returned time always suffices.
    private func millisToReach(_ target: Int64) -> Int64 {
        guard units < target else { return 0 }
        return (target - units + unitsPerMillisecond - 1) / unitsPerMillisecond
    }

    private mutating func refill(now: Int64) {
        // A clock that steps back must not mint tokens or move the reference backwards.
        guard now > updatedAt else { return }
        let missing = capacity - units
        if missing > 0 {
            let elapsed = now - updatedAt
            // Compare before multiplying: a long quiet spell must not overflow.
            units = elapsed >= (missing + unitsPerMillisecond - 1) / unitsPerMillisecond
                ? capacity : units + elapsed * unitsPerMillisecond
        }
        updatedAt = now
    }
}
