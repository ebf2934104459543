#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SidetrackCore

/// A wall-clock instant at millisecond precision, formatted as RFC 3339 UTC
/// (`2026-11-25T06:16:13.123Z`) by arithmetic — no `DateFormatter`, no allocation.
public struct LogTimestamp: Sendable, Hashable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSinceEpoch: Int64

    /// Creates a timestamp from milliseconds since the Unix epoch.
    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// The current wall-clock time.
    public static func now() -> LogTimestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return LogTimestamp(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    /// Appends the RFC 3339 form (24 bytes, unquoted).
    public func append(to out: inout [UInt8]) {
        out.appendWriting(maxBytes: Self.encodedBytes) { self.write(to: &$0) }
    }

    /// The length of the RFC 3339 form: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static let encodedBytes = 24

    /// `append(to:)` through a `ByteWriter` (room: `encodedBytes`).
    func write(to out: inout ByteWriter) {
        let millis = self.millisecondsSinceEpoch
        // Floor division so instants before 1970 still format correctly.
        let (days, msOfDay) = Self.floorDivide(millis, 86_400_000)
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        let secondsOfDay = msOfDay / 1000
        Self.writeDigits(year, count: 4, to: &out)
        out.write(UInt8(ascii: "-"))
        Self.writeDigits(month, count: 2, to: &out)
        out.write(UInt8(ascii: "-"))
        Self.writeDigits(day, count: 2, to: &out)
        out.write(UInt8(ascii: "T"))
        Self.writeDigits(secondsOfDay / 3600, count: 2, to: &out)
        out.write(UInt8(ascii: ":"))
        Self.writeDigits(secondsOfDay / 60 % 60, count: 2, to: &out)
        out.write(UInt8(ascii: ":"))
        Self.writeDigits(secondsOfDay % 60, count: 2, to: &out)
        out.write(UInt8(ascii: "."))
        Self.writeDigits(msOfDay % 1000, count: 3, to: &out)
        out.write(UInt8(ascii: "Z"))
    }

    /// The RFC 3339 form as a string (for tests and non-hot paths).
    public var rfc3339: String {
        var out = [UInt8]()
        self.append(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }

    /// Howard Hinnant's `civil_from_days`: proleptic Gregorian date of a day count.
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    @inline(__always)
    private static func writeDigits(_ value: Int64, count: Int, to out: inout ByteWriter) {
        // Years outside 0…9999 are not RFC 3339; clamp rather than emit a malformed stamp.
        JSONBytes.writeUnsigned(UInt64(clamping: min(max(value, 0), 9999)), minimumDigits: count, to: &out)
    }
}
