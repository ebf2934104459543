import Prometheus

/// The admission-control families (issue 7): per-event-loop lag and shed share, requests shed by
/// reason, open client connections. Created at start-up at zero; the hot path touches one counter.
public final class OverloadMetrics: Sendable {
    /// Why a request was refused with `503 overloaded` (bounded label values).
    public enum ShedReason: String, Sendable, CaseIterable {
        case eventLoopLag = "event_loop_lag"
        case maxConnections = "max_connections"
    }

    private let lag: [Gauge]
    private let fraction: [Gauge]
    private let shed: [Counter]
    private let connections: Gauge

    /// - Parameter loops: how many event loops serve the proxy listener (label `loop` = 0…loops-1).
    public init(registry: PrometheusCollectorRegistry, loops: Int) {
        lag = (0..<loops).map { registry.makeGauge(descriptor: MetricCatalog.eventLoopLag, labels: [("loop", String($0))]) }
        fraction = (0..<loops).map {
            registry.makeGauge(descriptor: MetricCatalog.loadShedFraction, labels: [("loop", String($0))])
        }
        shed = ShedReason.allCases.map {
            registry.makeCounter(descriptor: MetricCatalog.loadShedRequests, labels: [("reason", $0.rawValue)])
        }
        connections = registry.makeGauge(descriptor: MetricCatalog.openConnections)
    }

    public func recordProbe(loop: Int, lagSeconds: Double, shedFraction: Double) {
        guard lag.indices.contains(loop) else { return }
        lag[loop].set(lagSeconds)
        fraction[loop].set(shedFraction)
    }

    public func recordShed(_ reason: ShedReason) {
        shed[ShedReason.allCases.firstIndex(of: reason) ?? 0].increment()
    }

    public func setOpenConnections(_ count: Int) {
        connections.set(Double(count))
    }
}
