import Testing
@testable import SidetrackCore

@Suite struct LoadShedderTests {
    static let ms: Int64 = 1_000_000
    /// Target 100 ms, interval 200 ms (the defaults).
    static func shedder() -> LoadShedder {
        LoadShedder(configuration: .init(targetNanos: 100 * ms, intervalNanos: 200 * ms))
    }

    /// Probes every 20 ms from `from` to `to` (ms), each `lag` ms late.
    static func probe(_ shedder: inout LoadShedder, from: Int64, to: Int64, lag: Int64) {
        var now = from
        while now <= to {
            shedder.recordLag(lag * ms, now: now * ms)
            now += 20
        }
    }

    /// Asked right after the last probe (at `at` ms, default: the time of the last probe).
    static func shedCount(_ shedder: inout LoadShedder, of requests: Int, at: Int64? = nil) -> Int {
        let now = at.map { $0 * ms } ?? (shedder.lastSample ?? 0)
        return (0..<requests).reduce(0) { count, _ in count + (shedder.shouldShed(now: now) ? 1 : 0) }
    }

    @Test func aLoopOnTimeShedsNothing() {
        var shedder = Self.shedder()
        Self.probe(&shedder, from: 0, to: 10_000, lag: 100)  // at the target is on time
        #expect(shedder.shedFraction == 0)
        #expect(Self.shedCount(&shedder, of: 1_000) == 0)
    }

    @Test func aBurstShorterThanTheIntervalShedsNothing() {
        var shedder = Self.shedder()
        Self.probe(&shedder, from: 0, to: 1_000, lag: 1)
        // Late for 160 ms (from 900, when the first late probe was due), then on time again.
        Self.probe(&shedder, from: 1_020, to: 1_060, lag: 120)
        Self.probe(&shedder, from: 1_080, to: 2_000, lag: 1)
        #expect(shedder.shedFraction == 0)
        #expect(Self.shedCount(&shedder, of: 100) == 0)
    }

    @Test func sustainedLagRampsTheShedShareUpOverAnInterval() {
        var shedder = Self.shedder()
        Self.probe(&shedder, from: 0, to: 1_000, lag: 1)
        // Late from 1,020 on (the first late probe was due at 870): shedding starts once late
        // for 200 ms, then rises by elapsed / interval per probe.
        Self.probe(&shedder, from: 1_020, to: 1_060, lag: 150)
        #expect(shedder.shedFraction == 0)
        Self.probe(&shedder, from: 1_080, to: 1_080, lag: 150)
        #expect(shedder.shedFraction == 0.1)
        Self.probe(&shedder, from: 1_100, to: 1_160, lag: 150)
        #expect(shedder.shedFraction == 0.5)
        Self.probe(&shedder, from: 1_180, to: 2_000, lag: 150)
        #expect(shedder.shedFraction == 1)
        #expect(Self.shedCount(&shedder, of: 100) == 100)
    }

    @Test func theShareFallsBackOnceTheLoopIsOnTime() {
        var shedder = Self.shedder()
        Self.probe(&shedder, from: 0, to: 2_000, lag: 500)
        #expect(shedder.shedFraction == 1)
        Self.probe(&shedder, from: 2_020, to: 2_100, lag: 5)
        #expect(shedder.shedFraction == 0.5)
        Self.probe(&shedder, from: 2_120, to: 2_200, lag: 5)
        #expect(shedder.shedFraction == 0)
        #expect(Self.shedCount(&shedder, of: 100) == 0)
    }

    @Test func shedRequestsAreSpreadEvenly() {
        var shedder = Self.shedder()
        Self.probe(&shedder, from: 0, to: 2_000, lag: 500)
        Self.probe(&shedder, from: 2_020, to: 2_100, lag: 5)  // share 0.5
        let pattern = (0..<6).map { _ in shedder.shouldShed(now: 2_100 * Self.ms) }
        #expect(pattern == [false, true, false, true, false, true])
    }

    @Test func aLateFirstProbeCountsItsOwnLateness() {
        // A loop blocked for a whole interval: the one probe that finally runs is enough to start.
        var shedder = Self.shedder()
        shedder.recordLag(1 * Self.ms, now: 0)
        shedder.recordLag(400 * Self.ms, now: 420 * Self.ms)
        #expect(shedder.shedFraction == 1)
        #expect(shedder.lastLagNanos == 400 * Self.ms)
    }

    @Test func aLoopThatRunsNoProbeForAnIntervalShedsEverything() {
        // A stall, or a batch of piled-up requests handled before the loop gets to its timers.
        var shedder = Self.shedder()
        Self.probe(&shedder, from: 0, to: 1_000, lag: 1)
        #expect(Self.shedCount(&shedder, of: 10, at: 1_150) == 0)
        #expect(Self.shedCount(&shedder, of: 10, at: 1_200) == 10)
        // The loop gets to its probe again: on time, nothing is shed.
        shedder.recordLag(1 * Self.ms, now: 1_400 * Self.ms)
        #expect(Self.shedCount(&shedder, of: 10) == 0)
    }

    @Test func aZeroTargetTurnsSheddingOff() {
        var shedder = LoadShedder(configuration: .init(targetNanos: 0, intervalNanos: 200 * Self.ms))
        #expect(!shedder.configuration.isEnabled)
        Self.probe(&shedder, from: 0, to: 5_000, lag: 5_000)
        #expect(shedder.shedFraction == 0)
        #expect(Self.shedCount(&shedder, of: 100, at: 60_000) == 0)
        #expect(shedder.lastLagNanos == 5_000 * Self.ms)
    }
}
