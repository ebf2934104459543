import Synchronization

/// Caps retries at a fraction of recent traffic (DESIGN §2 stage 7), so that when Spotify is
/// down the gateway does not multiply the load: without a budget, every request would become
/// `maxAttempts` requests exactly when the upstream can least take them.
///
/// Retries allowed in the rolling `window` = `ratio` × first attempts in it + a floor of
/// `minRetriesPerSecond` × the window's seconds, so a quiet gateway can still retry a blip.
public final class RetryBudget: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Default 0.2: at most one retry per five requests, i.e. ≤ 20 % extra load (linkerd's
        /// and Finagle's default).
        public var ratio: Double
        /// Default 10 s: recent enough to follow an outage's start.
        public var window: Duration
        /// Default 1/s (10 per default window). Lower than linkerd's 10/s because the app's
        /// whole Spotify quota is about 10 calls a second.
        public var minRetriesPerSecond: Double

        public init(ratio: Double = 0.2, window: Duration = .seconds(10), minRetriesPerSecond: Double = 1) {
            self.ratio = ratio
            self.window = window
            self.minRetriesPerSecond = minRetriesPerSecond
        }
    }

    /// The budget's logic as a value.
    public struct StateMachine: Sendable {
        private let ratio: Double
        private let floor: Int
        private var requests: RollingWindowCounter
        private var retries: RollingWindowCounter

        public init(configuration: Configuration) {
            ratio = max(0, configuration.ratio)
            let windowMillis = max(1, configuration.window.milliseconds)
            floor = Int((max(0, configuration.minRetriesPerSecond) * Double(windowMillis) / 1000).rounded(.down))
            requests = RollingWindowCounter(window: configuration.window, resolution: configuration.window / 10)
            retries = requests
        }

        /// A first attempt (not a retry) went upstream.
        public mutating func recordRequest(now: Int64) {
            requests.record(now: now)
        }

        /// Takes one retry from the budget if there is one left.
        public mutating func tryRetry(now: Int64) -> Bool {
            guard available(now: now) > 0 else { return false }
            retries.record(now: now)
            return true
        }

        /// Retries the budget would allow at `now`.
        public func available(now: Int64) -> Int {
            let allowed = Int((ratio * Double(requests.count(now: now))).rounded(.down)) + floor
            return max(0, allowed - retries.count(now: now))
        }
    }

    private let machine: Mutex<StateMachine>

    public init(configuration: Configuration = Configuration()) {
        machine = Mutex(StateMachine(configuration: configuration))
    }

    public func recordRequest(now: Int64) {
        machine.withLock { $0.recordRequest(now: now) }
    }

    /// True if a retry may be sent (and it is counted); false means give up now.
    public func tryRetry(now: Int64) -> Bool {
        machine.withLock { $0.tryRetry(now: now) }
    }

    public func available(now: Int64) -> Int {
        machine.withLock { $0.available(now: now) }
    }
}
