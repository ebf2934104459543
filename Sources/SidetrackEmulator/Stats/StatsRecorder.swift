import NIOConcurrencyHelpers

/// Counts requests for `EmulatorStats`; one short locked update per request.
final class StatsRecorder: Sendable {
    private let stats = NIOLockedValueBox(EmulatorStats())
    /// Distinct keys kept; beyond it requests still count in the total (bounds memory under fuzzing).
    private let maxKeys = 50_000

    func record(method: String, path: String) {
        let key = method + " " + path
        stats.withLockedValue { stats in
            stats.totalRequests += 1
            if let count = stats.requests[key] {
                stats.requests[key] = count + 1
            } else if stats.requests.count < maxKeys {
                stats.requests[key] = 1
            }
        }
    }

    func snapshot() -> EmulatorStats { stats.withLockedValue { $0 } }

    func reset() { stats.withLockedValue { $0 = EmulatorStats() } }
}
