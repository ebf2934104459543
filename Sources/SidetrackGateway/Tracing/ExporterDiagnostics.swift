import Logging

/// The log handler given to swift-otel as its diagnostic logger. swift-otel reports export results
/// and queue overflows only there; this turns those reports into `ExporterHealth` and into
/// Sidetrack's own JSON events — one line per change of state, not one per failed batch (a dead
/// collector would otherwise log every few seconds). Everything else it says is dropped.
struct ExporterDiagnostics: LogHandler {
    let health: ExporterHealth
    /// Sidetrack's logger for the transitions.
    let logger: Logger
    var metadata: Logger.Metadata = [:]
    /// Debug: swift-otel reports a successful export at debug.
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        // swift-otel 1.x: the batch span processor's messages. Matched on their text, which the
        // tests pin (a renamed message would show up as a health entry stuck at `starting`).
        if case .string(let count)? = event.metadata?["dropped_count"], let dropped = Int(count) {
            health.recordDropped(dropped)
            return
        }
        switch event.message.description {
        case "Exported batch.":
            if health.recordExport(succeeded: true) == .failing {
                logger.notice("tracing.export.recovered")
            }
        case "Failed to export batch.":
            let previous = health.recordExport(succeeded: false)
            if previous != .failing {
                logger.warning("tracing.export.failing", metadata: ["error.type": "\(event.error.map { String(reflecting: type(of: $0)) } ?? "unknown")"])
            }
        default:
            break
        }
    }
}
