import Testing
@testable import SidetrackCore

@Suite struct RetryAfterTests {
    /// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110's example date).
    static let exampleDate: Int64 = 784_111_777_000

    @Test(arguments: [
        ("3", 3_000), ("0", 0), (" 3 ", 3_000), ("\t10", 10_000), ("86400", 86_400_000),
        ("604800", RetryAfter.maxMillis), ("604801", RetryAfter.maxMillis),
        ("99999999999999999999999999", RetryAfter.maxMillis), ("007", 7_000),
    ] as [(String, Int64)])
    func deltaSeconds(value: String, millis: Int64) {
        #expect(RetryAfter.parseMillis(value, now: 0) == millis)
    }

    @Test(arguments: ["", "   ", "abc", "-1", "+3", "1.5", "3s", "12 34", "0x10", "Sun", "3,4"])
    func garbageIsNil(value: String) {
        #expect(RetryAfter.parseMillis(value, now: 1_000) == nil)
    }

    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
    ])
    func httpDateFormsRelativeToNow(value: String) {
        #expect(RetryAfter.parseMillis(value, now: Self.exampleDate - 5_000) == 5_000)
        #expect(RetryAfter.parseMillis(value, now: Self.exampleDate) == 0)
        #expect(RetryAfter.parseMillis(value, now: Self.exampleDate + 60_000) == 0)
    }

    @Test func rfc850TwoDigitYearMoreThanFiftyYearsAheadMeansThePast() {
        let now2026: Int64 = 1_767_225_600_000  // 2026-01-01
        // 94 → 1994, not 2094: long past, so no wait.
        #expect(RetryAfter.parseMillis("Sunday, 06-Nov-94 08:49:37 GMT", now: now2026) == 0)
        // 30 → 2030: in the future, clamped to the maximum.
        #expect(RetryAfter.parseMillis("Friday, 01-Feb-30 00:00:00 GMT", now: now2026) == RetryAfter.maxMillis)
        // 26 → 2026, one day ahead.
        #expect(RetryAfter.parseMillis("Friday, 02-Jan-26 00:00:00 GMT", now: now2026) == 86_400_000)
    }

    @Test func farFutureDateIsClamped() {
        #expect(RetryAfter.parseMillis("Fri, 31 Dec 9999 23:59:59 GMT", now: Self.exampleDate) == RetryAfter.maxMillis)
    }

    @Test func leapDaysAndLeapSeconds() {
        let leapDay: Int64 = 1_709_164_800_000  // 2024-02-29T00:00:00Z
        #expect(RetryAfter.parseMillis("Thu, 29 Feb 2024 00:00:00 GMT", now: leapDay - 1_000) == 1_000)
        #expect(RetryAfter.parseMillis("Wed, 29 Feb 2023 00:00:00 GMT", now: 0) == nil)
        #expect(RetryAfter.parseMillis("Thu, 29 Feb 2024 23:59:60 GMT", now: leapDay) == 86_400_000)
    }

    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 31 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT extra",
        "Sun,06 Nov 1994 08:49:37 GMT",
        "Sunday, 06 Nov 1994 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994",
        "Sun Nov  6 08-49-37 1994",
        "1994-11-06T08:49:37Z",
    ])
    func malformedDatesAreNil(value: String) {
        #expect(RetryAfter.parseMillis(value, now: 0) == nil)
    }

    @Test func civilDaysMatchTheCalendar() {
        #expect(HTTPDate.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
        #expect(HTTPDate.daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
        #expect(HTTPDate.daysFromCivil(year: 1600, month: 1, day: 1) == -135_140)
    }

    @Test(arguments: [
        (0, 1), (-5, 1), (1, 1), (999, 1), (1_000, 1), (1_001, 2), (2_999, 3), (3_000, 3),
        (RetryAfter.maxMillis + 10_000, 604_800), (Int64.max, 604_800),
    ] as [(Int64, Int64)])
    func outgoingSecondsRoundUpToAtLeastOne(millis: Int64, seconds: Int64) {
        #expect(RetryAfter.seconds(fromMillis: millis) == seconds)
        #expect(RetryAfter.headerValue(fromMillis: millis) == String(seconds))
    }
}
