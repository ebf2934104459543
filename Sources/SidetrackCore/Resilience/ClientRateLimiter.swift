import Synchronization

/// The per-client rate limit (DESIGN §2 stage 3): one token bucket per client identity (token
/// HMAC, else peer address), so one runaway client is stopped without touching the others.
///
/// Memory is bounded by a generation swap instead of an LRU list: buckets live in `current`;
/// when it holds half of `maxClients` it becomes `previous` and the old `previous` is dropped
/// whole. A client seen again is moved back to `current`. So active clients keep their bucket,
/// clients idle for a whole generation are forgotten (and return with a full bucket — they were
/// idle anyway), and no insert ever sorts or scans under the lock.
public final class ClientRateLimiter: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Default 50/s. The check runs before the cache, so cache hits count too: generous
        /// enough for an app's normal bursts of cheap hits, low enough to stop a retry loop.
        public var rate: TokenBucket.Rate
        /// Default 100: two seconds' worth at the default rate.
        public var burst: Int
        /// Clients tracked at most. Default 10,000 (a few MB).
        public var maxClients: Int

        public init(rate: TokenBucket.Rate = .perSecond(50), burst: Int = 100, maxClients: Int = 10_000) {
            self.rate = rate
            self.burst = burst
            self.maxClients = maxClients
        }
    }

    /// The numbers behind the `RateLimit-Policy` and `RateLimit` response headers.
    ///
    /// Syntax of draft-ietf-httpapi-ratelimit-headers-08 (October 2024): structured-field lists
    /// of named policies, `RateLimit-Policy: "default";q=100;w=2` and
    /// `RateLimit: "default";r=42;t=1`. A token bucket is described as its burst (`q`) over the
    /// time it takes to refill completely (`w`); `t` is the time until it is full again.
    public struct Status: Sendable, Equatable {
        /// The bucket's capacity (the draft's quota, `q`).
        public var limit: Int
        /// Whole tokens left after this request (`r`).
        public var remaining: Int
        /// Seconds until the bucket is full again, rounded up (`t`).
        public var resetSeconds: Int64
        /// Seconds to refill an empty bucket, rounded up, at least 1 (`w`).
        public var windowSeconds: Int64

        /// The `RateLimit-Policy` field value.
        public var policyHeader: String { "\"default\";q=\(limit);w=\(windowSeconds)" }
        /// The `RateLimit` field value.
        public var header: String { "\"default\";r=\(remaining);t=\(resetSeconds)" }
    }

    public enum Decision: Sendable, Equatable {
        case allowed(Status)
        /// Answer 429 with `Retry-After` from `retryAfterMillis` (time until one token).
        case denied(Status, retryAfterMillis: Int64)

        public var status: Status {
            switch self {
            case .allowed(let status), .denied(let status, _): status
            }
        }

        /// Stable `decision` label for `sidetrack_rate_limit_decisions_total`.
        public var label: String {
            switch self {
            case .allowed: "allowed"
            case .denied: "rejected"
            }
        }
    }

    /// The limiter's logic as a value (per-key buckets and the generation swap).
    public struct StateMachine: Sendable {
        private let configuration: Configuration
        private let generationSize: Int
        private let windowSeconds: Int64
        private var current: [String: TokenBucket] = [:]
        private var previous: [String: TokenBucket] = [:]

        public init(configuration: Configuration) {
            self.configuration = configuration
            generationSize = max(1, configuration.maxClients / 2)
            let refillMillis = Int64(max(1, configuration.burst)) * max(1, configuration.rate.interval.milliseconds)
                / Int64(max(1, configuration.rate.tokens))
            windowSeconds = max(1, (refillMillis + 999) / 1000)
        }

        /// Takes one token from `key`'s bucket, creating a full one for a new client.
        public mutating func check(_ key: String, now: Int64) -> Decision {
            let result: TakeResult
            if current[key] != nil {
                result = Self.take(&current[key]!, now: now)
            } else {
                var bucket = previous.removeValue(forKey: key)
                    ?? TokenBucket(rate: configuration.rate, burst: configuration.burst, now: now)
                result = Self.take(&bucket, now: now)
                if current.count >= generationSize {
                    swap(&previous, &current)
                    current.removeAll(keepingCapacity: true)
                }
                current[key] = bucket
            }
            let status = Status(
                limit: result.limit, remaining: result.remaining,
                resetSeconds: (result.untilFull + 999) / 1000, windowSeconds: windowSeconds)
            if let retryAfter = result.retryAfter {
                return .denied(status, retryAfterMillis: retryAfter)
            }
            return .allowed(status)
        }

        /// Clients currently tracked (both generations).
        public var trackedClients: Int { current.count + previous.count }

        private struct TakeResult {
            var limit: Int
            var remaining: Int
            var untilFull: Int64
            var retryAfter: Int64?
        }

        private static func take(_ bucket: inout TokenBucket, now: Int64) -> TakeResult {
            switch bucket.take(now: now) {
            case .allowed(let remaining):
                TakeResult(limit: bucket.burst, remaining: remaining, untilFull: bucket.millisUntilFull(now: now))
            case .denied(let retryAfter):
                TakeResult(
                    limit: bucket.burst, remaining: 0, untilFull: bucket.millisUntilFull(now: now),
                    retryAfter: retryAfter)
            }
        }
    }

    private let machine: Mutex<StateMachine>

    public init(configuration: Configuration = Configuration()) {
        machine = Mutex(StateMachine(configuration: configuration))
    }

    /// Takes one token for `key` at `now` (epoch ms). The header strings are built by the
    /// caller from the returned `Status`, outside the lock.
    public func check(_ key: String, now: Int64) -> Decision {
        machine.withLock { $0.check(key, now: now) }
    }

    public var trackedClients: Int { machine.withLock { $0.trackedClients } }
}
