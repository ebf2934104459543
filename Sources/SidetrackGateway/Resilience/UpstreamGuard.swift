import Logging
import SidetrackCore
import SidetrackObservability

/// Stage 6 of the request path, "guard the upstream", and the per-client limit of stage 3: the
/// engines of `SidetrackCore/Resilience` held together, with their metrics. Thread-safe; shared by
/// every event loop. Knows nothing of sockets: `UpstreamExchange` asks, and acts on the answer.
final class UpstreamGuard: Sendable {
    /// What stage 6 says about one upstream attempt.
    enum Check: Equatable {
        /// Go now. `probe`: the breaker is half-open and this call is its probe (report it).
        case go(probe: Bool)
        /// Go after `delayMillis` (upstream quota reserved already).
        case goAfter(delayMillis: Int64, probe: Bool)
        /// Do not call upstream: answer stale if allowed, else with this refusal.
        case refuse(Refusal)
    }

    enum Refusal: Equatable {
        /// Spotify said 429; its cooldown is still on.
        case cooldown(UpstreamCooldown.Status)
        case circuitOpen(retryAfterMillis: Int64)
        /// The app's own quota guard (global limit) is spent for longer than the allowed wait.
        case quota(retryAfterMillis: Int64)
        case bulkheadFull
        /// Admission control: this event loop is shedding load (`LoadShedder`).
        case overloaded

        var error: GatewayError {
            switch self {
            case .cooldown: .upstreamCooldown
            case .circuitOpen: .circuitOpen
            case .quota: .rateLimited
            case .bulkheadFull: .bulkheadFull
            case .overloaded: .overloaded
            }
        }

        /// For the `Retry-After` header; nil when there is nothing sensible to say.
        var retryAfterMillis: Int64? {
            switch self {
            case .cooldown(let status): status.remainingMillis
            case .circuitOpen(let millis), .quota(let millis): millis
            case .bulkheadFull, .overloaded: 1_000
            }
        }
    }

    let settings: ResilienceSettings
    let metrics: ResilienceMetrics
    private let logger: Logger
    let cooldown = UpstreamCooldown()
    let retryBudget: RetryBudget
    private let clientLimiter: ClientRateLimiter?
    private let globalLimiter: GlobalRateLimiter?
    private let breakers: [CircuitBreaker]?
    private let bulkheads: [Bulkhead]?

    static let groups = RouteGroup.allCases
    private static let groupIndex = Dictionary(uniqueKeysWithValues: RouteGroup.allCases.enumerated().map { ($1, $0) })

    static func index(of group: RouteGroup) -> Int { groupIndex[group] ?? 0 }

    init(settings: ResilienceSettings, metrics: ResilienceMetrics, logger: Logger) {
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        let now = settings.clock()
        clientLimiter = settings.clientLimit.map { ClientRateLimiter(configuration: $0) }
        globalLimiter = settings.upstreamLimit.map { GlobalRateLimiter(configuration: $0, now: now) }
        breakers = settings.breaker.map { configuration in
            Self.groups.map { CircuitBreaker(group: $0, configuration: configuration) }
        }
        bulkheads = settings.bulkhead.map { configuration in Self.groups.map { Bulkhead(group: $0, configuration: configuration) } }
        retryBudget = RetryBudget(configuration: settings.retryBudget)
    }

    func now() -> Int64 { settings.clock() }

    // MARK: Stage 3: per client

    /// nil when the per-client limit is off.
    func admitClient(_ key: String) -> ClientRateLimiter.Decision? {
        guard let clientLimiter else { return nil }
        let decision = clientLimiter.check(key, now: now())
        switch decision {
        case .allowed: metrics.recordDecision(scope: .client, decision: .allowed)
        case .denied: metrics.recordDecision(scope: .client, decision: .rejected)
        }
        return decision
    }

    // MARK: Stage 6: before each upstream attempt

    /// Cooldown, then the group's breaker, then the app's quota. Bulkheads are separate
    /// (`bulkhead(for:)`): they hold a slot for the whole attempt.
    func check(group: RouteGroup) -> Check {
        let now = now()
        if let status = cooldown.status(now: now) { return .refuse(.cooldown(status)) }
        var probe = false
        if let breaker = breakers?[Self.index(of: group)] {
            let (admission, transition) = breaker.admit(now: now)
            if let transition { record(transition, group: group) }
            switch admission {
            case .rejected(let millis): return .refuse(.circuitOpen(retryAfterMillis: millis))
            case .allowed(let isProbe): probe = isProbe
            }
        }
        guard let globalLimiter else { return .go(probe: probe) }
        switch globalLimiter.acquire(now: now, maxWait: settings.upstreamMaxWait) {
        case .admit:
            metrics.recordDecision(scope: .upstream, decision: .allowed)
            return .go(probe: probe)
        case .admitAfter(let delay):
            metrics.recordDecision(scope: .upstream, decision: .delayed)
            return .goAfter(delayMillis: delay, probe: probe)
        case .reject(let retryAfter):
            metrics.recordDecision(scope: .upstream, decision: .rejected)
            // The probe slot was taken but no call will be made.
            if probe { breakers?[Self.index(of: group)].cancelProbe() }
            return .refuse(.quota(retryAfterMillis: retryAfter))
        }
    }

    /// The group's bulkhead, or nil when bulkheads are off.
    func bulkhead(for group: RouteGroup) -> Bulkhead? {
        bulkheads?[Self.index(of: group)]
    }

    func recordBulkheadRejection(group: RouteGroup) {
        metrics.recordBulkheadRejection(group: Self.index(of: group))
    }

    /// An admitted attempt ended. `failed`: 5xx, timeout or connection error — never 4xx or 429.
    func recordOutcome(group: RouteGroup, probe: Bool, failed: Bool) {
        guard let breaker = breakers?[Self.index(of: group)] else { return }
        if let transition = breaker.record(failed ? .failure : .success, probe: probe, now: now()) {
            record(transition, group: group)
        }
    }

    /// An admitted probe whose outcome will never be reported (the client went away first).
    func cancelProbe(group: RouteGroup) {
        breakers?[Self.index(of: group)].cancelProbe()
    }

    /// Spotify answered 429: every request pauses until its `Retry-After` has passed (DESIGN §1:
    /// the limit is per app). Without a usable `Retry-After`, a short default pause.
    func upstreamSaidTooManyRequests(retryAfter: String?, body: [UInt8]) {
        let now = now()
        let millis = retryAfter.flatMap { RetryAfter.parseMillis($0, now: now) } ?? Self.defaultCooldownMillis
        metrics.setRetryAfter(seconds: Double(millis) / 1_000)
        let reason: UpstreamCooldown.Reason = UpstreamCooldown.isQuotaExceeded(body: body) ? .quotaExceeded : .rateLimited
        if cooldown.start(untilMillis: now + millis, reason: reason, body: body) {
            logger.notice(
                "cooldown.started",
                metadata: ["cooldown.seconds": "\(RetryAfter.seconds(fromMillis: millis))", "cooldown.reason": "\(reason.rawValue)"])
        }
    }

    /// A 429 without a readable `Retry-After` still means "slow down": 1 s.
    static let defaultCooldownMillis: Int64 = 1_000

    // MARK: Health and gauges

    /// Route groups whose breaker is not closed (for `/health`).
    func openBreakers() -> [String] {
        guard let breakers else { return [] }
        let now = now()
        return breakers.filter { $0.state(now: now) != .closed }.map(\.group.rawValue)
    }

    /// Gauges that are read, not pushed: called before each `/metrics` render.
    func updateMetrics() {
        let now = now()
        metrics.setCooldownRemaining(seconds: Double(cooldown.remaining(now: now) ?? 0) / 1_000)
        if let bulkheads {
            for (index, bulkhead) in bulkheads.enumerated() { metrics.setBulkheadInFlight(group: index, count: bulkhead.inFlight) }
        }
        if let breakers {
            // Open → half-open happens lazily at the next call; show it as soon as it is true.
            for (index, breaker) in breakers.enumerated() {
                if let state = ResilienceMetrics.BreakerState(rawValue: breaker.state(now: now).rawValue) {
                    metrics.setBreakerState(group: index, state: state)
                }
            }
        }
    }

    private func record(_ transition: CircuitBreaker.Transition, group: RouteGroup) {
        guard let from = ResilienceMetrics.BreakerState(rawValue: transition.from.rawValue),
              let to = ResilienceMetrics.BreakerState(rawValue: transition.to.rawValue)
        else { return }
        metrics.recordTransition(group: Self.index(of: group), from: from, to: to)
        let message: Logger.Message = switch to {
        case .open: "breaker.opened"
        case .halfOpen: "breaker.half_opened"
        case .closed: "breaker.closed"
        }
        logger.notice(message, metadata: ["breaker.group": "\(group.rawValue)", "breaker.from": "\(from.rawValue)"])
    }
}
