import Foundation
import NIOCore
import SidetrackCore

/// The resilience policies of issue 4 in the units the engines use. A `nil` limiter is switched off.
public struct ResilienceSettings: Sendable {
    /// Per-client token bucket (stage 3); nil = no per-client limit.
    public var clientLimit: ClientRateLimiter.Configuration? = ClientRateLimiter.Configuration()
    /// The app's Spotify quota (stage 6); nil = no global limit.
    public var upstreamLimit: GlobalRateLimiter.Configuration? = GlobalRateLimiter.Configuration()
    /// How long a request may wait for upstream quota before it is answered stale or 429.
    public var upstreamMaxWait: Duration = .milliseconds(250)
    /// One breaker per route group; nil = no breakers.
    public var breaker: CircuitBreaker.Configuration? = CircuitBreaker.Configuration()
    public var retry = RetryPolicy()
    public var retryBudget = RetryBudget.Configuration()
    /// One bulkhead per route group; nil = unbounded.
    public var bulkhead: Bulkhead.Configuration? = Bulkhead.Configuration()
    public var bulkheadQueueTimeout: TimeAmount = .milliseconds(100)
    /// Per route group; a missing value falls back to the gateway's connect and request timeouts.
    public var timeouts: [RouteGroup: GroupTimeouts] = [:]
    /// Wall-clock epoch milliseconds (a `Retry-After` may be an HTTP-date); tests inject a manual clock.
    public var clock: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    public init() {}

    /// Every policy off: the bare proxy of the earlier tests and benchmarks.
    public static var off: ResilienceSettings {
        var settings = ResilienceSettings()
        settings.clientLimit = nil
        settings.upstreamLimit = nil
        settings.breaker = nil
        settings.retry.maxAttempts = 1
        settings.bulkhead = nil
        return settings
    }

    /// One attempt's deadlines for a group.
    public struct GroupTimeouts: Sendable, Equatable {
        public var connect: TimeAmount?
        public var firstByte: TimeAmount?
        public var total: TimeAmount?

        public init(connect: TimeAmount? = nil, firstByte: TimeAmount? = nil, total: TimeAmount? = nil) {
            self.connect = connect
            self.firstByte = firstByte
            self.total = total
        }
    }
}
