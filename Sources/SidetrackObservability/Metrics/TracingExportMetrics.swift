import NIOConcurrencyHelpers
import Prometheus

/// `sidetrack_tracing_spans_dropped_total`. The exporter counts drops itself (off the request path);
/// ``report(droppedTotal:)`` brings the counter up to that total at each scrape.
public final class TracingExportMetrics: Sendable {
    private let dropped: Counter
    private let reported = NIOLockedValueBox(0)

    /// Creates the family at zero, so `rate()` is defined before the first drop.
    public init(registry: PrometheusCollectorRegistry) {
        self.dropped = registry.makeCounter(descriptor: MetricCatalog.tracingSpansDropped)
    }

    public func report(droppedTotal total: Int) {
        let delta = reported.withLockedValue { reported in
            defer { reported = max(reported, total) }
            return total - reported
        }
        if delta > 0 { dropped.increment(by: Int64(delta)) }
    }
}
