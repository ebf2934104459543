import Synchronization

/// A circuit breaker for one route group (DESIGN §2 stage 6): stops sending calls to an
/// upstream that keeps failing, so clients get a fast answer (stale or 503) instead of a slow
/// timeout, and the upstream gets room to recover.
///
/// closed → open after `consecutiveFailures` failures in a row, or a failure ratio of at least
/// `failureRatio` over at least `minimumRequests` calls in the rolling `window`. open → half-open
/// once the open period has passed (lazily: at the next `admit`; `state(now:)` already reports
/// it). half-open admits at most `halfOpenMaxProbes` probes at once; `successesToClose` probe
/// successes close it, one probe failure opens it again for twice as long (up to
/// `maxOpenDuration`). Closing resets the open period to `baseOpenDuration`.
///
/// What is a failure is the caller's call: report 5xx, timeouts and connection errors as
/// `.failure`. Report 4xx and 429 as `.success` or not at all — a bad request says nothing about
/// Spotify's health, and a 429 is the upstream cooldown's business. A probe whose call is never
/// made or whose answer is not reported must be given back with `cancelProbe()`; if even that is
/// forgotten, it expires after `probeTimeout` so half-open cannot wedge.
public final class CircuitBreaker: Sendable {
    /// Raw values are stable `state`/`from`/`to` metric label values.
    public enum State: String, Sendable, Hashable, CaseIterable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    public enum Outcome: Sendable, Hashable {
        case success
        case failure
    }

    /// A change of state, returned so the caller can count it after the lock is released.
    public struct Transition: Sendable, Hashable {
        public let from: State
        public let to: State

        public init(from: State, to: State) {
            self.from = from
            self.to = to
        }
    }

    public enum Admission: Sendable, Equatable {
        /// Call upstream; if `probe`, report it with `probe: true` (or `cancelProbe()`).
        case allowed(probe: Bool)
        /// Do not call; the breaker may admit again in `retryAfterMillis`.
        case rejected(retryAfterMillis: Int64)
    }

    public struct Configuration: Sendable, Equatable {
        /// Default 5: a short run of failures is already a clear signal when traffic is light.
        public var consecutiveFailures: Int
        /// Default 0.5: half the calls failing, over enough calls (`minimumRequests`) to mean it.
        public var failureRatio: Double
        /// Default 20 calls in `window` before the ratio counts, so two failures of three
        /// calls do not open the circuit.
        public var minimumRequests: Int
        /// Default 10 s: the ratio reflects the upstream's health now, not an hour ago.
        public var window: Duration
        /// Default 5 s: the first open period; doubled on each trip without closing in between.
        public var baseOpenDuration: Duration
        /// Default 60 s: the longest open period, so recovery is noticed within a minute.
        public var maxOpenDuration: Duration
        /// Default 1: one call tests a recovering upstream; the rest wait.
        public var halfOpenMaxProbes: Int
        /// Default 2 probe successes to close: one lucky answer is not recovery.
        public var successesToClose: Int
        /// Default 30 s: a probe not reported by then is forgotten. Keep it above the longest
        /// upstream request timeout, so a slow probe is not mistaken for a lost one.
        public var probeTimeout: Duration

        public init(
            consecutiveFailures: Int = 5,
            failureRatio: Double = 0.5,
            minimumRequests: Int = 20,
            window: Duration = .seconds(10),
            baseOpenDuration: Duration = .seconds(5),
            maxOpenDuration: Duration = .seconds(60),
            halfOpenMaxProbes: Int = 1,
            successesToClose: Int = 2,
            probeTimeout: Duration = .seconds(30)
        ) {
            self.consecutiveFailures = consecutiveFailures
            self.failureRatio = failureRatio
            self.minimumRequests = minimumRequests
            self.window = window
            self.baseOpenDuration = baseOpenDuration
            self.maxOpenDuration = maxOpenDuration
            self.halfOpenMaxProbes = halfOpenMaxProbes
            self.successesToClose = successesToClose
            self.probeTimeout = probeTimeout
        }
    }

    /// The group this breaker guards; its raw value is the `breaker` metric label.
    public let group: RouteGroup
    private let machine: Mutex<StateMachine>

    public init(group: RouteGroup, configuration: Configuration = Configuration()) {
        self.group = group
        machine = Mutex(StateMachine(configuration: configuration))
    }

    /// Whether a call may go upstream now, and the open → half-open transition if this call
    /// was the one to notice the open period had passed.
    public func admit(now: Int64) -> (admission: Admission, transition: Transition?) {
        machine.withLock { $0.admit(now: now) }
    }

    /// Reports an admitted call's outcome; returns the transition it caused, if any.
    ///
    /// Outcomes of calls admitted before a trip are ignored while open or half-open; only
    /// probes (`probe: true`) move a half-open breaker. Probes are counted, not named, so a probe
    /// reported after `probeTimeout` still counts for the current half-open period.
    @discardableResult
    public func record(_ outcome: Outcome, probe: Bool, now: Int64) -> Transition? {
        machine.withLock { $0.record(outcome, probe: probe, now: now) }
    }

    /// Gives back a probe slot whose call was not made or whose outcome will not be reported.
    public func cancelProbe() {
        machine.withLock { $0.cancelProbe() }
    }

    /// The state at `now`, for gauges and `/health`. Reports half-open as soon as the open period
    /// has passed, even before the next `admit` makes the transition.
    public func state(now: Int64) -> State {
        machine.withLock { $0.state(now: now) }
    }
}
