import Testing
@testable import SidetrackCore

@Suite struct TokenBucketTests {
    @Test func fullBurstThenOneTokenPerInterval() {
        var bucket = TokenBucket(rate: .perSecond(10), now: 0)
        #expect(bucket.burst == 10)
        for expected in (0..<10).reversed() {
            #expect(bucket.take(now: 0) == .allowed(remaining: expected))
        }
        #expect(bucket.take(now: 0) == .denied(retryAfterMillis: 100))
        #expect(bucket.take(now: 99) == .denied(retryAfterMillis: 1))
        #expect(bucket.take(now: 100) == .allowed(remaining: 0))
        #expect(bucket.take(now: 100) == .denied(retryAfterMillis: 100))
    }

    @Test(arguments: [
        (TokenBucket.Rate.perSecond(10), Int64(100)),
        (.perMinute(150), 400),
        (.perHour(5_000), 720),
        (.init(tokens: 3, per: .seconds(1)), 334),
    ] as [(TokenBucket.Rate, Int64)])
    func waitForOneTokenFromEmpty(rate: TokenBucket.Rate, millis: Int64) {
        var bucket = TokenBucket(rate: rate, burst: 1, now: 0)
        #expect(bucket.take(now: 0) == .allowed(remaining: 0))
        #expect(bucket.waitMillis(now: 0) == millis)
        guard case .denied(let retryAfter) = bucket.take(now: 0) else { Issue.record("should be empty"); return }
        #expect(retryAfter == millis)
        // Waiting the advertised time always suffices.
        #expect(bucket.take(now: retryAfter) == .allowed(remaining: 0))
    }

    @Test func refillStopsAtBurst() {
        var bucket = TokenBucket(rate: .perSecond(10), burst: 5, now: 0)
        _ = bucket.take(now: 0)
        #expect(bucket.available(now: 60_000) == 5)
        #expect(bucket.available(now: Int64.max / 2) == 5)
        #expect(bucket.take(now: Int64.max / 2) == .allowed(remaining: 4))
    }

    @Test func aClockSteppingBackMintsNothing() {
        var bucket = TokenBucket(rate: .perSecond(1), burst: 1, now: 10_000)
        #expect(bucket.take(now: 10_000) == .allowed(remaining: 0))
        #expect(bucket.take(now: 5_000) == .denied(retryAfterMillis: 1_000))
        #expect(bucket.take(now: 11_000) == .allowed(remaining: 0))
    }

    @Test func reservationsQueueUpBehindEachOther() {
        var bucket = TokenBucket(rate: .perSecond(10), burst: 1, now: 0)
        #expect(bucket.reserve(now: 0) == 0)
        #expect(bucket.reserve(now: 0) == 100)
        #expect(bucket.reserve(now: 0) == 200)
        #expect(bucket.available(now: 0) == 0)
        #expect(bucket.waitMillis(now: 0) == 300)
        #expect(bucket.waitMillis(now: 250) == 50)
        #expect(bucket.take(now: 250) == .denied(retryAfterMillis: 50))
        #expect(bucket.take(now: 300) == .allowed(remaining: 0))
    }

    @Test func deniedTakesNothing() {
        var bucket = TokenBucket(rate: .perSecond(1), burst: 2, now: 0)
        #expect(bucket.take(2, now: 0) == .allowed(remaining: 0))
        #expect(bucket.take(2, now: 1_000) == .denied(retryAfterMillis: 1_000))
        #expect(bucket.available(now: 1_000) == 1)
        #expect(bucket.take(2, now: 2_000) == .allowed(remaining: 0))
    }

    @Test func timeUntilFull() {
        var bucket = TokenBucket(rate: .perSecond(2), burst: 4, now: 0)
        #expect(bucket.millisUntilFull(now: 0) == 0)
        _ = bucket.take(3, now: 0)
        #expect(bucket.millisUntilFull(now: 0) == 1_500)
        #expect(bucket.millisUntilFull(now: 1_000) == 500)
        #expect(bucket.millisUntilFull(now: 1_500) == 0)
    }

    @Test func nonsenseConfigurationIsRaisedToSomethingWorkable() {
        var bucket = TokenBucket(rate: .init(tokens: 0, per: .zero), burst: 0, now: 0)
        #expect(bucket.burst == 1)
        #expect(bucket.take(now: 0) == .allowed(remaining: 0))
        #expect(bucket.take(now: 0) == .denied(retryAfterMillis: 1))
    }
}
