import SidetrackObservability

/// The exporter's state as `/health` and `/metrics` show it (brought up to date at each scrape,
/// never on the request path).
struct TracingMetrics: Sendable {
    let health: ExporterHealth
    let metrics: TracingExportMetrics

    func update() {
        metrics.report(droppedTotal: health.droppedSpans)
    }
}
