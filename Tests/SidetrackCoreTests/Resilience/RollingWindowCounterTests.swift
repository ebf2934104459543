import Testing
@testable import SidetrackCore

@Suite struct RollingWindowCounterTests {
    @Test func anEventCountsUntilItsBucketsEndPlusTheWindow() {
        var counter = RollingWindowCounter(window: .seconds(30), resolution: .seconds(1))
        counter.record(now: 0)
        counter.record(now: 999)
        #expect(counter.count(now: 0) == 2)
        #expect(counter.count(now: 30_999) == 2)
        #expect(counter.count(now: 31_000) == 0)
    }

    @Test func separateBucketsLeaveSeparately() {
        var counter = RollingWindowCounter(window: .seconds(30))
        counter.record(now: 0)
        counter.record(now: 1_000)
        counter.record(3, now: 2_500)
        #expect(counter.count(now: 2_500) == 5)
        #expect(counter.count(now: 31_000) == 4)
        #expect(counter.count(now: 32_000) == 3)
        #expect(counter.count(now: 33_000) == 0)
    }

    @Test func wouldExceedSaysWhenTheNextEventFits() {
        var counter = RollingWindowCounter(window: .seconds(30))
        counter.record(now: 0)
        counter.record(now: 1_000)
        counter.record(now: 2_000)
        #expect(counter.wouldExceed(limit: 4, now: 2_500) == nil)
        #expect(counter.wouldExceed(limit: 3, now: 2_500) == 28_500)
        #expect(counter.wouldExceed(limit: 2, now: 2_500) == 29_500)
        #expect(counter.wouldExceed(limit: 1, now: 2_500) == 30_500)
        // Exactly at the advertised instant, it fits.
        #expect(counter.wouldExceed(limit: 3, now: 31_000) == nil)
        // A limit below 1 is treated as 1.
        #expect(counter.wouldExceed(limit: 0, now: 2_500) == 30_500)
    }

    @Test func memoryStaysBoundedOverLongRuns() {
        var counter = RollingWindowCounter(window: .seconds(30))
        // 10 events a second for an hour: only the last ~31 s count.
        for millis in stride(from: Int64(0), to: 3_600_000, by: 100) {
            counter.record(now: millis)
        }
        #expect(counter.count(now: 3_599_900) == 310)
        #expect(counter.count(now: 3_700_000) == 0)
    }

    @Test func eventsRecordedAheadWithinTheLeadDoNotEvictLiveBuckets() {
        var counter = RollingWindowCounter(window: .seconds(30), maxLead: .seconds(1))
        counter.record(now: 0)
        // Reading at 30.5 s, an event placed 0.7 s ahead lands in bucket 31.
        counter.record(now: 31_200)
        #expect(counter.count(now: 30_500) == 2)
        #expect(counter.count(now: 31_000) == 1)
        #expect(counter.count(now: 61_999) == 1)
        #expect(counter.count(now: 62_000) == 0)
    }

    @Test func finerResolutionIsMoreExact() {
        var counter = RollingWindowCounter(window: .seconds(10), resolution: .milliseconds(100))
        counter.record(now: 50)
        #expect(counter.count(now: 10_099) == 1)
        #expect(counter.count(now: 10_100) == 0)
    }

    @Test func aClockSteppingBackNeverUndercounts() {
        var counter = RollingWindowCounter(window: .seconds(30))
        counter.record(now: 100_000)
        counter.record(now: 0)
        #expect(counter.count(now: 0) == 2)
        // Room for one more only once both have left, the later one at 131 s.
        #expect(counter.wouldExceed(limit: 1, now: 0) == 131_000)
        #expect(counter.wouldExceed(limit: 2, now: 0) == 31_000)
    }
}
