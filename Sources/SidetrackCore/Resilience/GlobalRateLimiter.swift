import Synchronization

/// Guards the app's Spotify quota: every upstream call, whichever client it serves, passes here
/// (DESIGN §2 stage 6).
///
/// A call is admitted only when every token-bucket tier and the rolling-window cap agree. If
/// they agree only after a short wait (at most `maxWait`, kept far below clients' ~5 s timeouts)
/// the call is admitted *after* that delay with its tokens already reserved, so the caller just
/// waits and goes. Otherwise nothing is consumed anywhere and the caller gets a `Retry-After`.
public final class GlobalRateLimiter: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// A cap on calls in any rolling window.
        public struct Window: Sendable, Hashable {
            public var limit: Int
            public var length: Duration

            public init(limit: Int, length: Duration = .seconds(30)) {
                self.limit = limit
                self.length = length
            }
        }

        /// One token-bucket tier; `burst` defaults to the rate's per-interval count.
        public struct Tier: Sendable, Hashable {
            public var rate: TokenBucket.Rate
            public var burst: Int?

            public init(rate: TokenBucket.Rate, burst: Int? = nil) {
                self.rate = rate
                self.burst = burst
            }
        }

        /// Default 150 calls per 30 s, Spotify's counting window. Spotify publishes no number;
        /// this equals the per-minute tier's burst, so a full burst is not followed by more in
        /// the same Spotify window. Nil turns the window off (the tiers still apply).
        public var window: Window?
        /// Default 10/s, 150/min, 5000/h: short bursts pass, sustained load is held to a rate
        /// a development-mode app can keep up for hours.
        public var tiers: [Tier]
        /// The longest delay `acquire` ever grants, whatever `maxWait` asks. Default 1 s.
        /// - warning: Near the clients' 5 s timeout a delayed answer is as bad as none.
        public var maxDelay: Duration

        public init(
            window: Window? = Window(limit: 150, length: .seconds(30)),
            tiers: [Tier] = Configuration.defaultTiers,
            maxDelay: Duration = .seconds(1)
        ) {
            self.window = window
            self.tiers = tiers
            self.maxDelay = maxDelay
        }

        public static let defaultTiers = [
            Tier(rate: .perSecond(10)), Tier(rate: .perMinute(150)), Tier(rate: .perHour(5000)),
        ]
    }

    public enum Decision: Sendable, Equatable {
        /// Go now.
        case admit
        /// Wait `delayMillis`, then go; the tokens are already taken.
        case admitAfter(delayMillis: Int64)
        /// Do not call upstream; a call could go in `retryAfterMillis`.
        case reject(retryAfterMillis: Int64)

        /// Stable `decision` label for `sidetrack_rate_limit_decisions_total`.
        public var label: String {
            switch self {
            case .admit: "allowed"
            case .admitAfter: "delayed"
            case .reject: "rejected"
            }
        }
    }

    /// The limiter's logic as a value, for tests and for callers with their own lock.
    public struct StateMachine: Sendable {
        private var tiers: [TokenBucket]
        private var window: RollingWindowCounter?
        private let windowLimit: Int
        private let maxDelay: Int64

        public init(configuration: Configuration, now: Int64) {
            tiers = configuration.tiers.map { TokenBucket(rate: $0.rate, burst: $0.burst, now: now) }
            maxDelay = max(0, configuration.maxDelay.milliseconds)
            windowLimit = configuration.window?.limit ?? 0
            window = configuration.window.map {
                RollingWindowCounter(window: $0.length, maxLead: configuration.maxDelay)
            }
        }

        /// Decides one upstream call at `now`, reserving its tokens unless rejected.
        public mutating func acquire(now: Int64, maxWait: Duration) -> Decision {
            let allowedWait = min(max(0, maxWait.milliseconds), maxDelay)
            var wait: Int64 = 0
            for tier in tiers {
                wait = max(wait, tier.waitMillis(now: now))
            }
            // The window is asked about the instant the call would really go; the buckets only
            // gain tokens by then, so adding the window's extra wait keeps them satisfied.
            if let window, let extra = window.wouldExceed(limit: windowLimit, now: now + wait) {
                wait += extra
            }
            guard wait <= allowedWait else { return .reject(retryAfterMillis: wait) }
            for index in tiers.indices {
                _ = tiers[index].reserve(now: now)
            }
            window?.record(now: now + wait)
            return wait == 0 ? .admit : .admitAfter(delayMillis: wait)
        }
    }

    private let machine: Mutex<StateMachine>

    public init(configuration: Configuration = Configuration(), now: Int64) {
        machine = Mutex(StateMachine(configuration: configuration, now: now))
    }

    /// See `StateMachine.acquire`. `maxWait` is clamped to the configuration's `maxDelay`.
    public func acquire(now: Int64, maxWait: Duration) -> Decision {
        machine.withLock { $0.acquire(now: now, maxWait: maxWait) }
    }
}
