/// Reads and writes `Retry-After` values (RFC 9110 §10.2.3).
///
/// Spotify sends delta-seconds on a 429, from a few seconds up to about a day; an HTTP-date is
/// legal too, so both are read. The result is what the upstream cooldown needs: milliseconds
/// from `now`, never negative, clamped to `maxMillis` so a corrupt or hostile value cannot park
/// the gateway for years.
public enum RetryAfter {
    /// The longest wait honoured: 7 days. Real values stay under a day; anything longer is
    /// clamped rather than rejected, since the upstream clearly asked for a long pause.
    public static let maxMillis: Int64 = 7 * 86_400_000

    /// Milliseconds to wait, or nil when `value` is neither delta-seconds nor an HTTP-date.
    ///
    /// - Parameter now: epoch milliseconds; an HTTP-date is taken relative to it, and one in the
    ///   past means 0 (retry now).
    public static func parseMillis(_ value: some StringProtocol, now: Int64) -> Int64? {
        var bytes = Array(value.utf8)[...]
        while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { bytes.removeFirst() }
        while let last = bytes.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { bytes.removeLast() }
        guard let first = bytes.first else { return nil }
        if isDigit(first) {
            return deltaSecondsMillis(bytes)
        }
        guard let epoch = HTTPDate.epochMillis(bytes, now: now) else { return nil }
        return min(max(0, epoch - now), maxMillis)
    }

    /// Whole seconds for an outgoing `Retry-After`, rounded up and at least 1: answering 0 would
    /// invite the client to retry at once into the same refusal.
    public static func seconds(fromMillis millis: Int64) -> Int64 {
        let clamped = min(max(millis, 0), maxMillis)
        return max(1, (clamped + 999) / 1000)
    }

    /// `seconds(fromMillis:)` as a header value.
    public static func headerValue(fromMillis millis: Int64) -> String {
        String(seconds(fromMillis: millis))
    }

    /// `1*DIGIT`; anything else (signs, fractions, trailing junk) is garbage.
    private static func deltaSecondsMillis(_ bytes: ArraySlice<UInt8>) -> Int64? {
        let maxSeconds = maxMillis / 1000
        var seconds: Int64 = 0
        for byte in bytes {
            guard isDigit(byte) else { return nil }
            // Keep parsing past the clamp so "12x" is still rejected, but stop accumulating.
            if seconds <= maxSeconds { seconds = seconds * 10 + Int64(byte - UInt8(ascii: "0")) }
        }
        return min(seconds, maxSeconds) * 1000
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
