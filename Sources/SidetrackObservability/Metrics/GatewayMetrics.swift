import NIOConcurrencyHelpers
import Prometheus

/// The gateway's Prometheus metrics (DESIGN §4): server and upstream request histograms and
/// counters, the active-requests gauge, build info, dropped log lines and process metrics.
///
/// Built for the proxy's hot path: every handle is found by arithmetic on dense indexes
/// (route id, method, status class, cache result, outcome) into ``LazyHandleTable``s — no
/// label strings hashed, no lock taken and nothing allocated per observation once a series
/// exists. Series that are not pre-created are made on first use and then cached.
///
/// Series created at start-up (so rates and ratios exist before the first error) — chosen to
/// keep the count sane (≈100 routes → ~9k exposition lines) rather than the full cross product:
/// - server histogram: every route × its methods × status class `2xx`/`4xx`/`5xx`, cache `bypass`;
/// - server counter: every route × its methods × codes 200, 400, 401, 404, 429, 500, 502, 503, 504;
/// - upstream counter: every route × all six outcomes;
/// - upstream histogram: every route × its upstream (`api`; `accounts` for `/api/token`) × `success`.
/// Cache `hit`/`miss`/… and other codes appear once seen; `rate(...)` over them is then defined.
public final class GatewayMetrics: Sendable {
    /// The registry holding every family; later modules register their families here.
    public let registry: PrometheusCollectorRegistry
    /// The route rows, indexed by route id.
    public let routes: [RouteLabel]
    /// Upstream label values with a dense index (`api`, `accounts`).
    public let upstreams: [String]

    private let serverDurations: LazyHandleTable<ValueHistogram>
    private let serverRequests: LazyHandleTable<Counter>
    private let serverRequestsRareCodes = NIOLockedValueBox([RareCodeKey: Counter]())
    private let upstreamDurations: LazyHandleTable<ValueHistogram>
    private let upstreamDurationsRareUpstreams = NIOLockedValueBox([RareUpstreamKey: ValueHistogram]())
    private let upstreamRequests: [Counter]
    private let activeRequests: Gauge
    private let attachedLogSink = NIOLockedValueBox<LogSink?>(nil)
    private let process = ProcessMetrics()

    private static let statusClassCount = StatusClass.allCases.count
    private static let cacheCount = CacheLabel.allCases.count
    private static let outcomeCount = UpstreamOutcome.allCases.count

    /// Creates every family and the start-up series.
    /// - Parameters:
    ///   - routes: route rows; index `i` is the route id passed to the `observe…` calls. The
    ///     gateway appends `other` (GET/POST/PUT/DELETE) as the last row; out-of-range ids are
    ///     counted under the last row.
    ///   - upstreams: upstream label values.
    ///   - version: `version` label of `sidetrack_build_info`.
    ///   - commit: `commit` label of `sidetrack_build_info`.
    public init(routes: [RouteLabel], upstreams: [String] = ["api", "accounts"], version: String, commit: String) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        self.routes = routes
        self.upstreams = upstreams
        let methodSlots = routes.count * MethodLabel.count
        self.serverDurations = LazyHandleTable(count: methodSlots * Self.statusClassCount * Self.cacheCount)
        self.serverRequests = LazyHandleTable(count: methodSlots * StatusCodeLabel.indexed.count)
        self.upstreamDurations = LazyHandleTable(count: routes.count * upstreams.count * Self.outcomeCount)
        self.upstreamRequests = routes.flatMap { row in
            UpstreamOutcome.allCases.map { outcome in
                registry.makeCounter(
                    descriptor: MetricCatalog.upstreamRequests,
                    labels: [("route", row.route), ("outcome", outcome.rawValue)]
                )
            }
        }
        self.activeRequests = registry.makeGauge(descriptor: MetricCatalog.serverActiveRequests)
        registry.makeGauge(
            descriptor: MetricCatalog.buildInfo,
            labels: [("version", version), ("commit", commit)]
        ).set(to: 1)
        self.precreateSeries()
    }

    // MARK: Hot path

    /// Records one served request: a latency observation and a count by status code.
    /// - Parameters:
    ///   - route: route id (index into `routes`).
    ///   - method: request method; unknown methods are labelled `_OTHER`.
    ///   - status: response status sent to the client.
    ///   - cache: what the cache did.
    ///   - seconds: time from request head to last response byte.
    @inline(__always)
    public func observeServer(route: Int, method: String, status: Int, cache: CacheLabel, seconds: Double) {
        guard let route = self.routeIndex(route) else { return }
        let method = MethodLabel.index(of: method)
        let statusClass = StatusClass(status: status)
        self.serverHistogram(route: route, method: method, statusClass: statusClass, cache: cache)
            .record(Self.sanitized(seconds))
        self.serverCounter(route: route, method: method, status: status).increment()
    }

    /// Records one upstream attempt: a latency observation and a count by outcome.
    @inline(__always)
    public func observeUpstream(route: Int, upstream: String, outcome: UpstreamOutcome, seconds: Double) {
        guard let route = self.routeIndex(route) else { return }
        self.upstreamRequests[route * Self.outcomeCount + outcome.index].increment()
        self.upstreamHistogram(route: route, upstream: upstream, outcome: outcome).record(Self.sanitized(seconds))
    }

    /// Call when a request starts being served.
    @inline(__always)
    public func requestStarted() {
        self.activeRequests.increment(by: 1)
    }

    /// Call exactly once per ``requestStarted()``, whatever the outcome.
    @inline(__always)
    public func requestFinished() {
        self.activeRequests.decrement(by: 1)
    }

    // MARK: Scrape

    /// Reports `sidetrack_log_lines_dropped_total` from `sink` (0 until a sink is attached).
    public func attach(logSink sink: LogSink) {
        self.attachedLogSink.withLockedValue { $0 = sink }
    }

    /// The full exposition text: registry families, dropped log lines and process metrics
    /// (read now). Never throws; unreadable process values are omitted.
    public func render() -> [UInt8] {
        var buffer = [UInt8]()
        buffer.reserveCapacity(64 * 1024)
        self.registry.emit(into: &buffer)
        var writer = ExpositionWriter(buffer: buffer)
        buffer = []
        let dropped = self.attachedLogSink.withLockedValue { $0 }?.droppedLineCount ?? 0
        writer.single(
            MetricCatalog.logLinesDroppedName,
            type: "counter",
            help: MetricCatalog.logLinesDroppedHelp,
            value: Double(dropped)
        )
        self.process.render(into: &writer)
        return writer.buffer
    }

    // MARK: Handles

    @inline(__always)
    private func routeIndex(_ route: Int) -> Int? {
        if route >= 0, route < self.routes.count { return route }
        return self.routes.isEmpty ? nil : self.routes.count - 1
    }

    /// NaN or negative durations would poison a histogram's sum forever; record 0 instead.
    @inline(__always)
    private static func sanitized(_ seconds: Double) -> Double {
        seconds >= 0 && seconds.isFinite ? seconds : 0
    }

    @inline(__always)
    private func serverHistogram(route: Int, method: Int, statusClass: StatusClass, cache: CacheLabel) -> ValueHistogram {
        let slot =
            ((route * MethodLabel.count + method) * Self.statusClassCount + statusClass.rawValue) * Self.cacheCount
            + cache.index
        return self.serverDurations.handle(at: slot) {
            self.registry.makeValueHistogram(
                descriptor: MetricCatalog.serverRequestDuration,
                labels: [
                    ("route", self.routes[route].route), ("method", MethodLabel.label(at: method)),
                    ("status_class", statusClass.label), ("cache", cache.rawValue),
                ],
                buckets: MetricCatalog.latencyBuckets
            )
        }
    }

    @inline(__always)
    private func serverCounter(route: Int, method: Int, status: Int) -> Counter {
        guard let code = StatusCodeLabel.index(of: status) else {
            return self.rareServerCounter(route: route, method: method, status: status)
        }
        let slot = (route * MethodLabel.count + method) * StatusCodeLabel.indexed.count + code
        return self.serverRequests.handle(at: slot) {
            self.makeServerCounter(route: route, method: method, code: StatusCodeLabel.label(status))
        }
    }

    private func rareServerCounter(route: Int, method: Int, status: Int) -> Counter {
        let code = StatusCodeLabel.label(status)
        let key = RareCodeKey(route: route, method: method, code: code)
        return self.serverRequestsRareCodes.withLockedValue { counters in
            if let counter = counters[key] { return counter }
            let counter = self.makeServerCounter(route: route, method: method, code: code)
            counters[key] = counter
            return counter
        }
    }

    private func makeServerCounter(route: Int, method: Int, code: String) -> Counter {
        self.registry.makeCounter(
            descriptor: MetricCatalog.serverRequests,
            labels: [("route", self.routes[route].route), ("method", MethodLabel.label(at: method)), ("code", code)]
        )
    }

    @inline(__always)
    private func upstreamHistogram(route: Int, upstream: String, outcome: UpstreamOutcome) -> ValueHistogram {
        guard let upstreamIndex = self.upstreams.firstIndex(of: upstream) else {
            return self.rareUpstreamHistogram(route: route, upstream: upstream, outcome: outcome)
        }
        let slot = (route * self.upstreams.count + upstreamIndex) * Self.outcomeCount + outcome.index
        return self.upstreamDurations.handle(at: slot) {
            self.makeUpstreamHistogram(route: route, upstream: upstream, outcome: outcome)
        }
    }

    private func rareUpstreamHistogram(route: Int, upstream: String, outcome: UpstreamOutcome) -> ValueHistogram {
        let key = RareUpstreamKey(route: route, upstream: upstream, outcome: outcome)
        return self.upstreamDurationsRareUpstreams.withLockedValue { histograms in
            if let histogram = histograms[key] { return histogram }
            let histogram = self.makeUpstreamHistogram(route: route, upstream: upstream, outcome: outcome)
            histograms[key] = histogram
            return histogram
        }
    }

    private func makeUpstreamHistogram(route: Int, upstream: String, outcome: UpstreamOutcome) -> ValueHistogram {
        self.registry.makeValueHistogram(
            descriptor: MetricCatalog.upstreamRequestDuration,
            labels: [("route", self.routes[route].route), ("upstream", upstream), ("outcome", outcome.rawValue)],
            buckets: MetricCatalog.latencyBuckets
        )
    }

    // MARK: Start-up series

    private func precreateSeries() {
        let precreatedClasses: [StatusClass] = [.success, .clientError, .serverError]
        for (route, row) in self.routes.enumerated() {
            for methodName in row.methods {
                let method = MethodLabel.index(of: methodName)
                for statusClass in precreatedClasses {
                    _ = self.serverHistogram(route: route, method: method, statusClass: statusClass, cache: .bypass)
                }
                for status in StatusCodeLabel.precreated {
                    _ = self.serverCounter(route: route, method: method, status: status)
                }
            }
            _ = self.upstreamHistogram(route: route, upstream: self.defaultUpstream(for: row), outcome: .success)
        }
    }

    /// Token calls go to the accounts service; everything else to the API.
    private func defaultUpstream(for row: RouteLabel) -> String {
        let wanted = row.route == "/api/token" ? "accounts" : "api"
        return self.upstreams.contains(wanted) ? wanted : (self.upstreams.first ?? wanted)
    }
}

private struct RareCodeKey: Hashable {
    var route: Int
    var method: Int
    var code: String
}

private struct RareUpstreamKey: Hashable {
    var route: Int
    var upstream: String
    var outcome: UpstreamOutcome
}
