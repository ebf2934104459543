/// Counts events in a rolling window (Spotify counts its rate limit over 30 s) in fixed memory.
///
/// Events land in ring buckets of `resolution` width. A bucket is counted until its *end* plus
/// `window` has passed, so an event may be counted up to one `resolution` longer than exact —
/// erring towards caution, which is the point when the count guards someone else's quota.
///
/// Events may be recorded up to `maxLead` ahead of the times later passed to `count` (a delayed
/// admission is recorded at the instant it will really go upstream); the ring is sized so such
/// events never overwrite a bucket that is still counted.
public struct RollingWindowCounter: Sendable, Equatable {
    /// Window length in milliseconds.
    public let window: Int64
    /// Bucket width in milliseconds.
    public let resolution: Int64

    private var counts: [Int]
    /// The bucket number (time / resolution) each slot holds.
    private var buckets: [Int64]

    /// - Parameters:
    ///   - window: how far back events count. Default 30 s, Spotify's window.
    ///   - resolution: bucket width; memory is `window / resolution` slots. Default 1 s.
    ///   - maxLead: how far ahead of the reading clock events may be recorded. Default 0.
    public init(window: Duration = .seconds(30), resolution: Duration = .seconds(1), maxLead: Duration = .zero) {
        self.window = max(1, window.milliseconds)
        self.resolution = max(1, min(resolution.milliseconds, self.window))
        let lead = max(0, maxLead.milliseconds)
        let slots = Self.ceilDiv(self.window, self.resolution) + 1 + Self.ceilDiv(lead, self.resolution)
        counts = Array(repeating: 0, count: Int(slots))
        buckets = Array(repeating: .min, count: Int(slots))
    }

    /// Records `count` events at `now`.
    public mutating func record(_ count: Int = 1, now: Int64) {
        let bucket = Self.floorDiv(now, resolution)
        let slot = slotIndex(bucket)
        if buckets[slot] < bucket {
            buckets[slot] = bucket
            counts[slot] = count
        } else {
            // Same bucket — or, after the clock stepped far back, a newer one: counting the event
            // there keeps it longer than needed, never shorter.
            counts[slot] += count
        }
    }

    /// Events still inside the window at `now` (including any recorded ahead of it).
    public func count(now: Int64) -> Int {
        var total = 0
        for slot in counts.indices where isCounted(buckets[slot], now: now) {
            total += counts[slot]
        }
        return total
    }

    /// Nil if one more event at `now` keeps the count within `limit` (at least 1); otherwise
    /// the milliseconds until enough old events have left the window for it to fit.
    public func wouldExceed(limit: Int, now: Int64) -> Int64? {
        let limit = max(1, limit)
        let total = count(now: now)
        guard total >= limit else { return nil }
        var toShed = total - limit + 1
        // Counted buckets are consecutive numbers from the oldest that can still count, so one
        // pass round the ring, oldest first, finds when enough have left — without allocating.
        let oldest = Self.floorDiv(now - window, resolution)
        var latestExpiry = now
        for bucket in oldest..<(oldest + Int64(counts.count)) {
            let slot = slotIndex(bucket)
            guard buckets[slot] == bucket else { continue }
            latestExpiry = expiry(of: bucket)
            toShed -= counts[slot]
            if toShed <= 0 { return latestExpiry - now }
        }
        // Only after the clock stepped back (events filed under other buckets): wait them all out.
        for slot in counts.indices where isCounted(buckets[slot], now: now) {
            latestExpiry = max(latestExpiry, expiry(of: buckets[slot]))
        }
        return latestExpiry - now
    }

    /// The instant a bucket stops being counted: its end plus the window.
    private func expiry(of bucket: Int64) -> Int64 {
        (bucket + 1) * resolution + window
    }

    private func isCounted(_ bucket: Int64, now: Int64) -> Bool {
        bucket != .min && expiry(of: bucket) > now
    }

    private func slotIndex(_ bucket: Int64) -> Int {
        let n = Int64(counts.count)
        return Int(((bucket % n) + n) % n)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    private static func ceilDiv(_ a: Int64, _ b: Int64) -> Int64 {
        (a + b - 1) / b
    }
}
