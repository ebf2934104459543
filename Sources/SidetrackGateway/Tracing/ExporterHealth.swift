import Atomics
import NIOConcurrencyHelpers

/// What the span exporter has been doing, for `/health`, `/metrics` and the log. swift-otel keeps
/// its queue and export results to itself and only reports them to its diagnostic logger, so
/// `ExporterDiagnostics` reads them from there and writes them here.
public final class ExporterHealth: Sendable {
    public enum Status: String, Sendable {
        /// No batch exported yet (nothing sampled, or the first batch is on its way).
        case starting
        case ok
        /// The last export failed (collector down, refused, timed out); spans queue, then drop.
        case failing
    }

    private struct State {
        var status = Status.starting
        var consecutiveFailures = 0
    }

    private let state = NIOLockedValueBox(State())
    private let dropped = ManagedAtomic<Int>(0)

    public init() {}

    public var status: Status { state.withLockedValue { $0.status } }
    public var consecutiveFailures: Int { state.withLockedValue { $0.consecutiveFailures } }
    /// Spans dropped because the export queue was full.
    public var droppedSpans: Int { dropped.load(ordering: .relaxed) }

    /// Returns the previous status, so the caller logs only transitions.
    @discardableResult
    func recordExport(succeeded: Bool) -> Status {
        state.withLockedValue { state in
            let previous = state.status
            state.status = succeeded ? .ok : .failing
            state.consecutiveFailures = succeeded ? 0 : state.consecutiveFailures + 1
            return previous
        }
    }

    func recordDropped(_ count: Int) {
        dropped.wrappingIncrement(by: max(0, count), ordering: .relaxed)
    }
}
