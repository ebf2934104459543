/// Reads and writes durations as people write them in configuration: `250ms`, `2s`, `1m`, `1h`,
/// `1.5s`, or a bare number of seconds (`30`, `0.25`). Millisecond resolution — nothing in
/// Sidetrack needs finer, and a value like `1.0000001s` is more likely a typo than intent.
enum DurationText {
    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000),
    ]

    /// The duration, or `nil` for anything else (negative, empty, unknown unit, sub-millisecond).
    static func parse(_ text: String) -> Duration? {
        // Longest suffix first so `ms` is not read as `m` + garbage.
        let unit = units.sorted { $0.suffix.count > $1.suffix.count }
            .first { text.hasSuffix($0.suffix) } ?? (suffix: "", milliseconds: 1_000)
        let number = text.dropLast(unit.suffix.count)
        let pieces = number.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(pieces.count),
              pieces.allSatisfy({ !$0.isEmpty && $0.count <= 12 && $0.allSatisfy(\.isASCIIDigit) }),
              let whole = Int64(pieces[0])
        else { return nil }
        let fraction = pieces.count == 2 ? pieces[1] : ""
        guard let fractionValue = Int64(fraction.isEmpty ? "0" : String(fraction)) else { return nil }
        var scale: Int64 = 1
        for _ in fraction { scale *= 10 }
        // whole and fraction are ≤ 12 digits and unit ≤ 3.6e6, so these products fit in Int64.
        let fractionMillis = fractionValue * unit.milliseconds
        guard fractionMillis % scale == 0 else { return nil }
        return .milliseconds(whole * unit.milliseconds + fractionMillis / scale)
    }

    /// The shortest exact spelling: `1h`, `90s`, `250ms`.
    static func format(_ duration: Duration) -> String {
        let millis = milliseconds(duration)
        if millis == 0 { return "0s" }
        for unit in units.reversed() where millis != 0 && millis % unit.milliseconds == 0 {
            return "\(millis / unit.milliseconds)\(unit.suffix)"
        }
        return "\(millis)ms"
    }

    /// Whole milliseconds in `duration` (truncated).
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }
}
