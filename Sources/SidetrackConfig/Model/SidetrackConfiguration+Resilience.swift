import SidetrackCore

extension SidetrackConfiguration {
    /// Rate limits (DESIGN §2 stages 3 and 6). A rate of 0 switches that limit off.
    public struct RateLimits: Sendable, Equatable {
        /// Per client (token identity, else peer address): sustained requests per second.
        /// Default 50. The check runs before the cache, so cheap cache hits count too: generous
        /// for an app's normal bursts, low enough to stop one user's runaway retry loop.
        public var clientPerSecond: Int = 50
        /// Per client: bucket size. Default 100, two seconds' worth (a page load fanning out).
        public var clientBurst: Int = 100
        /// App-wide upstream tiers protecting the app's quota (defaults 10/s, 150/min, 5000/h).
        /// These count calls that reach Spotify only: cache hits cost nothing.
        public var upstreamPerSecond: Int = 10
        public var upstreamPerMinute: Int = 150
        public var upstreamPerHour: Int = 5_000
        /// Spotify counts in a rolling 30 s window. Default 150, the minute tier's burst: after a
        /// full burst the minute bucket would admit 75 more within the same 30 s; this stops that.
        public var upstreamPer30Seconds: Int = 150
        /// How long a request may wait for upstream quota before it is answered stale or `429`.
        /// Default 250 ms: far below the client libraries' ~5 s timeout. Max 2 s.
        public var upstreamMaxWait: Duration = .milliseconds(250)

        public init() {}
    }

    /// Circuit breaker, one per route group (DESIGN §2 stage 6). Failures are 5xx, timeouts and
    /// connection errors — never 4xx or 429.
    public struct Breaker: Sendable, Equatable {
        /// Opens after this many failures in a row. Default 5.
        public var consecutiveFailures: Int = 5
        /// …or when this share of requests in `window` failed (with at least `minimumRequests`).
        /// Default 0.5.
        public var failureRatio: Double = 0.5
        public var minimumRequests: Int = 20
        public var window: Duration = .seconds(10)
        /// First open period; doubles on each trip that follows a failed probe, up to `openForMax`.
        /// Defaults 5 s and 60 s: short enough that a blip heals quickly, long enough that a dead
        /// upstream is not hammered.
        public var openFor: Duration = .seconds(5)
        public var openForMax: Duration = .seconds(60)
        /// Requests let through at once while half-open. Default 1.
        public var halfOpenProbes: Int = 1
        /// Successful probes that close it again. Default 2.
        public var closeAfter: Int = 2

        public init() {}
    }

    /// Retries of idempotent requests on connect errors, timeouts and 502/503/504.
    public struct Retry: Sendable, Equatable {
        /// Total attempts including the first; 1 turns retries off. Default 3.
        public var maxAttempts: Int = 3
        /// Exponential backoff with full jitter: attempt n waits up to min(max, base × 2ⁿ⁻¹).
        /// Defaults 100 ms and 2 s.
        public var baseDelay: Duration = .milliseconds(100)
        public var maxDelay: Duration = .seconds(2)
        /// Retries may be at most this share of recent requests (plus a floor), so an outage is
        /// not amplified. Default 0.2, with a floor of 1 retry per second.
        public var budgetRatio: Double = 0.2
        public var budgetMinPerSecond: Int = 1

        public init() {}
    }

    /// Bulkheads: per route group, concurrent upstream calls and a short queue.
    public struct Bulkhead: Sendable, Equatable {
        /// Default 32 per group: enough for a busy sidecar, small enough that one slow group
        /// (say, search) cannot hold every pooled connection.
        public var maxConcurrent: Int = 32
        /// Default 64 waiting, each for at most `queueTimeout` (default 100 ms).
        public var maxQueue: Int = 64
        public var queueTimeout: Duration = .milliseconds(100)

        public init() {}
    }

    /// Deadlines of one upstream attempt for a route group. `nil` = the `upstream.*` value.
    public struct GroupTimeouts: Sendable, Equatable {
        public var connect: Duration?
        /// From sending the request to the response head.
        public var firstByte: Duration?
        /// The whole attempt, head and body.
        public var total: Duration?

        public init(connect: Duration? = nil, firstByte: Duration? = nil, total: Duration? = nil) {
            self.connect = connect
            self.firstByte = firstByte
            self.total = total
        }
    }

    /// `GroupTimeouts` per route group; a group without an entry has all three unset.
    public struct GroupTimeoutTable: Sendable, Equatable {
        public private(set) var values: [RouteGroup: GroupTimeouts] = [:]

        public init() {}

        public subscript(group: RouteGroup) -> GroupTimeouts {
            get { values[group] ?? GroupTimeouts() }
            set { values[group] = newValue == GroupTimeouts() ? nil : newValue }
        }
    }

    /// The route groups with their own breaker, bulkhead and timeouts.
    public static var resilienceGroups: [RouteGroup] { RouteGroup.allCases }
}
