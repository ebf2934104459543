import Testing

@testable import SidetrackObservability

@Suite("LogTimestamp")
struct LogTimestampTests {
    @Test(
        "formats RFC 3339 UTC with milliseconds",
        arguments: [
            (0, "1970-01-01T00:00:00.000Z"),
            (1_795_587_373_123, "2026-11-25T06:16:13.123Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (1_709_251_199_999, "2024-02-29T23:59:59.999Z"),
            (4_102_444_800_007, "2100-01-01T00:00:00.007Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
        ] as [(Int64, String)]
    )
    func format(millis: Int64, expected: String) {
        #expect(LogTimestamp(millisecondsSinceEpoch: millis).rfc3339 == expected)
    }

    @Test("now() has the RFC 3339 shape and a plausible year")
    func nowShape() {
        let text = LogTimestamp.now().rfc3339
        #expect(text.utf8.count == 24)
        #expect(text.hasSuffix("Z"))
        #expect(text.hasPrefix("20"))
    }
}
