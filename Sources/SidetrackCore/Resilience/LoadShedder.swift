/// Admission control for a CPU-bound overload: decides which requests to refuse at once (a cheap
/// `503` + `Retry-After`) while an event loop runs late, so that the rest are still answered in time.
///
/// The signal is the event loop's lag: how late a periodic probe task runs. Work waiting in the
/// accept backlog, in socket buffers and in the loop's queue is invisible to every stage, but it
/// makes the probe late. As in CoDel (Nichols & Jacobson, RFC 8289), a burst is not an overload:
/// shedding starts only once the lag has stayed above `target` for a whole `interval`. The share of
/// requests shed then rises with the time the lag stays high and falls while it is low, so it
/// settles where refusing the excess keeps the loop on time. The shed requests are spread evenly
/// (a credit counter, no randomness), which keeps the engine deterministic for tests.
///
/// A value type over caller-supplied times (nanoseconds); confined to one event loop by its owner.
public struct LoadShedder: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// The lag the loop may run late by without shedding; 0 turns shedding off.
        public var targetNanos: Int64
        /// How long the lag must stay above `target` before shedding starts; also how long it takes
        /// the shed share to go from none to all (and back) while the lag stays high (low).
        public var intervalNanos: Int64

        public init(targetNanos: Int64, intervalNanos: Int64) {
            self.targetNanos = targetNanos
            self.intervalNanos = max(1, intervalNanos)
        }

        public var isEnabled: Bool { targetNanos > 0 }
    }

    public let configuration: Configuration
    /// The shed share in integer nanoseconds of `interval` (0…interval), so ramps and the even
    /// spread are exact: late for `d` nanoseconds adds `d`.
    private var level: Int64 = 0
    /// The lag of the last probe.
    public private(set) var lastLagNanos: Int64 = 0
    /// When the loop became late (the due time of the first late probe); nil while on time.
    private var lateSince: Int64?
    private(set) var lastSample: Int64?
    private var credit: Int64 = 0

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// The share of requests refused now, 0…1.
    public var shedFraction: Double { Double(level) / Double(configuration.intervalNanos) }

    /// A probe ran `lagNanos` late at `now`.
    public mutating func recordLag(_ lagNanos: Int64, now: Int64) {
        let elapsed = lastSample.map { max(0, now - $0) } ?? 0
        // Time only moves forward: a sample from before the last one counts as no time passing.
        lastSample = max(lastSample ?? now, now)
        lastLagNanos = lagNanos
        guard configuration.isEnabled else { return }
        let interval = configuration.intervalNanos
        if lagNanos > configuration.targetNanos {
            // The loop has been late since this probe was due, unless it already was before.
            let since = lateSince ?? (now - lagNanos)
            lateSince = since
            if now - since >= interval {
                level = min(interval, level + elapsed)
            }
        } else {
            lateSince = nil
            level = max(0, level - elapsed)
            if level == 0 { credit = 0 }
        }
    }

    /// Whether to refuse the request in hand at `now`: `shedFraction` of the calls answer true,
    /// spread evenly — and every call while no probe has run for a whole interval.
    ///
    /// The second rule is for a backlog: an event loop handles all ready sockets before it runs
    /// its timers, so after a stall (or a burst of new connections) the requests that piled up
    /// are handled before any probe can report the lag. While the loop works through such a
    /// batch — the last probe an interval or more ago — each request in it has waited long, and
    /// each one that would go upstream is refused.
    public mutating func shouldShed(now: Int64) -> Bool {
        if configuration.isEnabled, let last = lastSample, now - last >= configuration.intervalNanos {
            return true
        }
        guard level > 0 else { return false }
        credit += level
        guard credit >= configuration.intervalNanos else { return false }
        credit -= configuration.intervalNanos
        return true
    }
}
