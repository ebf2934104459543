extension CircuitBreaker {
    /// The breaker's logic as a value: every decision is a pure function of its fields and `now`.
    public struct StateMachine: Sendable {
        /// How long a client is told to wait when half-open has no probe slot free: a probe is
        /// in flight and its answer decides soon.
        static let halfOpenRetryAfterMillis: Int64 = 1_000

        private let consecutiveFailureLimit: Int
        private let failureRatio: Double
        private let minimumRequests: Int
        private let window: Duration
        private let baseOpenMillis: Int64
        private let maxOpenMillis: Int64
        private let maxProbes: Int
        private let successesToClose: Int
        private let probeTimeoutMillis: Int64

        private var stored: CircuitBreaker.State = .closed
        // closed
        private var consecutiveFailures = 0
        private var successes: RollingWindowCounter
        private var failures: RollingWindowCounter
        // open
        private var openUntil: Int64 = 0
        /// Trips since the breaker was last closed; sets the next open period.
        private var trips = 0
        // half-open
        /// Admission times of probes whose outcome is still awaited.
        private var probes: [Int64] = []
        private var probeSuccesses = 0

        public init(configuration: CircuitBreaker.Configuration) {
            consecutiveFailureLimit = max(1, configuration.consecutiveFailures)
            failureRatio = configuration.failureRatio
            minimumRequests = max(1, configuration.minimumRequests)
            window = configuration.window
            baseOpenMillis = max(1, configuration.baseOpenDuration.milliseconds)
            maxOpenMillis = max(baseOpenMillis, configuration.maxOpenDuration.milliseconds)
            maxProbes = max(1, configuration.halfOpenMaxProbes)
            successesToClose = max(1, configuration.successesToClose)
            probeTimeoutMillis = max(1, configuration.probeTimeout.milliseconds)
            successes = Self.makeWindow(window)
            failures = Self.makeWindow(window)
        }

        public func state(now: Int64) -> CircuitBreaker.State {
            stored == .open && now >= openUntil ? .halfOpen : stored
        }

        public mutating func admit(
            now: Int64
        ) -> (admission: CircuitBreaker.Admission, transition: CircuitBreaker.Transition?) {
            var transition: CircuitBreaker.Transition?
            if stored == .open {
                guard now >= openUntil else { return (.rejected(retryAfterMillis: openUntil - now), nil) }
                transition = move(to: .halfOpen)
            }
            guard stored == .halfOpen else { return (.allowed(probe: false), transition) }
            probes.removeAll { now - $0 >= probeTimeoutMillis }
            guard probes.count < maxProbes else {
                return (.rejected(retryAfterMillis: Self.halfOpenRetryAfterMillis), transition)
            }
            probes.append(now)
            return (.allowed(probe: true), transition)
        }

        public mutating func record(
            _ outcome: CircuitBreaker.Outcome, probe: Bool, now: Int64
        ) -> CircuitBreaker.Transition? {
            switch stored {
            case .closed:
                // A late probe answer after closing is an ordinary sample.
                switch outcome {
                case .success:
                    consecutiveFailures = 0
                    successes.record(now: now)
                    return nil
                case .failure:
                    consecutiveFailures += 1
                    failures.record(now: now)
                    return shouldTrip(now: now) ? trip(now: now) : nil
                }
            case .open:
                // Answers to calls admitted before the trip: old news.
                return nil
            case .halfOpen:
                // Only probes speak for the upstream now; other answers predate the trip.
                guard probe else { return nil }
                if !probes.isEmpty { probes.removeFirst() }
                switch outcome {
                case .failure:
                    return trip(now: now)
                case .success:
                    probeSuccesses += 1
                    guard probeSuccesses >= successesToClose else { return nil }
                    trips = 0
                    return move(to: .closed)
                }
            }
        }

        public mutating func cancelProbe() {
            if stored == .halfOpen, !probes.isEmpty { probes.removeLast() }
        }

        private func shouldTrip(now: Int64) -> Bool {
            if consecutiveFailures >= consecutiveFailureLimit { return true }
            let failed = failures.count(now: now)
            let total = failed + successes.count(now: now)
            return total >= minimumRequests && Double(failed) >= failureRatio * Double(total)
        }

        private mutating func trip(now: Int64) -> CircuitBreaker.Transition {
            // base × 2^trips, capped; doubling stops at the cap, so it cannot overflow.
            var open = baseOpenMillis
            for _ in 0..<trips where open < maxOpenMillis { open *= 2 }
            openUntil = now + min(open, maxOpenMillis)
            trips = min(trips + 1, 64)
            return move(to: .open)
        }

        /// Enters `state` with a clean slate for it.
        private mutating func move(to state: CircuitBreaker.State) -> CircuitBreaker.Transition {
            let transition = CircuitBreaker.Transition(from: stored, to: state)
            stored = state
            consecutiveFailures = 0
            probes.removeAll()
            probeSuccesses = 0
            if state == .closed {
                successes = Self.makeWindow(window)
                failures = Self.makeWindow(window)
            }
            return transition
        }

        private static func makeWindow(_ window: Duration) -> RollingWindowCounter {
            RollingWindowCounter(window: window, resolution: window / 10)
        }
    }
}
