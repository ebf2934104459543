import Prometheus

/// The resilience families of DESIGN §4 (issue 4): retries, Retry-After and cooldown, circuit
/// breakers, rate-limit decisions and bulkheads, in the gateway's registry.
///
/// Every series the route table and the route groups imply is created at start-up at zero, so a
/// dashboard or an alert never sees "no data" where it should see 0. Per-route and per-group
/// series are resolved into arrays once; the hot path is an index and an atomic add.
public final class ResilienceMetrics: Sendable {
    /// Why an upstream attempt was retried (bounded label values).
    public enum RetryReason: String, Sendable, CaseIterable {
        case connectError = "connect_error"
        case timeout
        case status502 = "status_502"
        case status503 = "status_503"
        case status504 = "status_504"
    }

    public enum BreakerState: String, Sendable, CaseIterable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    public enum RateLimitScope: String, Sendable, CaseIterable {
        case client
        case upstream
    }

    public enum RateLimitDecision: String, Sendable, CaseIterable {
        case allowed
        /// Upstream only: admitted after a short wait for quota.
        case delayed
        case rejected
    }

    /// The transitions a breaker can make.
    public static let transitions: [(from: BreakerState, to: BreakerState)] = [
        (.closed, .open), (.open, .halfOpen), (.halfOpen, .open), (.halfOpen, .closed),
    ]

    private let groups: [String]
    private let retries: [[Counter]]
    private let retryAfter: Gauge
    private let cooldownRemaining: Gauge
    private let breakerState: [[Gauge]]
    private let breakerTransitions: [[Counter]]
    private let decisions: [[Counter]]
    private let bulkheadInFlight: [Gauge]
    private let bulkheadRejections: [Counter]

    /// - Parameters:
    ///   - routes: route templates, indexed by route id (as in the route table, `other` last).
    ///   - groups: route group names, indexed by group id.
    public init(registry: PrometheusCollectorRegistry, routes: [String], groups: [String]) {
        self.groups = groups
        retries = routes.map { route in
            RetryReason.allCases.map { reason in
                registry.makeCounter(descriptor: MetricCatalog.upstreamRetries, labels: [("route", route), ("reason", reason.rawValue)])
            }
        }
        retryAfter = registry.makeGauge(descriptor: MetricCatalog.upstreamRetryAfter)
        cooldownRemaining = registry.makeGauge(descriptor: MetricCatalog.upstreamCooldownRemaining)
        breakerState = groups.map { group in
            BreakerState.allCases.map { state in
                registry.makeGauge(descriptor: MetricCatalog.circuitBreakerState, labels: [("breaker", group), ("state", state.rawValue)])
            }
        }
        breakerTransitions = groups.map { group in
            Self.transitions.map { transition in
                registry.makeCounter(
                    descriptor: MetricCatalog.circuitBreakerTransitions,
                    labels: [("breaker", group), ("from", transition.from.rawValue), ("to", transition.to.rawValue)])
            }
        }
        decisions = RateLimitScope.allCases.map { scope in
            RateLimitDecision.allCases.map { decision in
                registry.makeCounter(
                    descriptor: MetricCatalog.rateLimitDecisions, labels: [("scope", scope.rawValue), ("decision", decision.rawValue)])
            }
        }
        bulkheadInFlight = groups.map { registry.makeGauge(descriptor: MetricCatalog.bulkheadInFlight, labels: [("group", $0)]) }
        bulkheadRejections = groups.map { registry.makeCounter(descriptor: MetricCatalog.bulkheadRejections, labels: [("group", $0)]) }
        for index in groups.indices { breakerState[index][0].set(Double(1)) }
    }

    public func recordRetry(route: Int, reason: RetryReason) {
        guard retries.indices.contains(route) else { return }
        retries[route][RetryReason.allCases.firstIndex(of: reason)!].increment()
    }

    public func setRetryAfter(seconds: Double) { retryAfter.set(seconds) }

    public func setCooldownRemaining(seconds: Double) { cooldownRemaining.set(seconds) }

    /// Sets the group's state gauges: 1 for `state`, 0 for the others.
    public func setBreakerState(group: Int, state: BreakerState) {
        guard breakerState.indices.contains(group) else { return }
        for (index, candidate) in BreakerState.allCases.enumerated() { breakerState[group][index].set(Double(candidate == state ? 1 : 0)) }
    }

    /// Moves the group's 1 to `to` and counts the transition.
    public func recordTransition(group: Int, from: BreakerState, to: BreakerState) {
        guard breakerState.indices.contains(group) else { return }
        setBreakerState(group: group, state: to)
        if let index = Self.transitions.firstIndex(where: { $0.from == from && $0.to == to }) {
            breakerTransitions[group][index].increment()
        }
    }

    public func recordDecision(scope: RateLimitScope, decision: RateLimitDecision) {
        decisions[RateLimitScope.allCases.firstIndex(of: scope)!][RateLimitDecision.allCases.firstIndex(of: decision)!].increment()
    }

    public func setBulkheadInFlight(group: Int, count: Int) {
        guard bulkheadInFlight.indices.contains(group) else { return }
        bulkheadInFlight[group].set(Double(count))
    }

    public func recordBulkheadRejection(group: Int) {
        guard bulkheadRejections.indices.contains(group) else { return }
        bulkheadRejections[group].increment()
    }
}
