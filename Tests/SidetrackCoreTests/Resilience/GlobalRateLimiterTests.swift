import Dispatch
import Synchronization
import Testing
@testable import SidetrackCore

@Suite struct GlobalRateLimiterTests {
    typealias Configuration = GlobalRateLimiter.Configuration

    @Test func burstThenShortDelaysThenRejection() {
        var limiter = GlobalRateLimiter.StateMachine(
            configuration: Configuration(window: nil, tiers: [.init(rate: .perSecond(10))]), now: 0)
        for _ in 0..<10 {
            #expect(limiter.acquire(now: 0, maxWait: .zero) == .admit)
        }
        #expect(limiter.acquire(now: 0, maxWait: .zero) == .reject(retryAfterMillis: 100))
        #expect(limiter.acquire(now: 0, maxWait: .milliseconds(250)) == .admitAfter(delayMillis: 100))
        #expect(limiter.acquire(now: 0, maxWait: .milliseconds(250)) == .admitAfter(delayMillis: 200))
        #expect(limiter.acquire(now: 0, maxWait: .milliseconds(250)) == .reject(retryAfterMillis: 300))
        // The rejection took nothing: the next slot is still 300 ms out.
        #expect(limiter.acquire(now: 0, maxWait: .milliseconds(300)) == .admitAfter(delayMillis: 300))
    }

    @Test func aRejectingTierLeavesTheOtherTiersUntouched() {
        let tiers: [Configuration.Tier] = [
            .init(rate: .perMinute(1), burst: 2), .init(rate: .perSecond(1), burst: 1),
        ]
        var limiter = GlobalRateLimiter.StateMachine(configuration: Configuration(window: nil, tiers: tiers), now: 0)
        #expect(limiter.acquire(now: 0, maxWait: .zero) == .admit)
        for _ in 0..<5 {
            #expect(limiter.acquire(now: 0, maxWait: .zero) == .reject(retryAfterMillis: 1_000))
        }
        // Had the per-minute tier paid for those rejections, this would be refused.
        #expect(limiter.acquire(now: 1_000, maxWait: .zero) == .admit)
        #expect(limiter.acquire(now: 2_000, maxWait: .zero) == .reject(retryAfterMillis: 58_000))
    }

    @Test func rollingWindowCapsCallsAndSaysWhenTheOldestLeaves() {
        var limiter = GlobalRateLimiter.StateMachine(
            configuration: Configuration(window: .init(limit: 3, length: .seconds(30)), tiers: []), now: 0)
        #expect(limiter.acquire(now: 0, maxWait: .zero) == .admit)
        #expect(limiter.acquire(now: 1_000, maxWait: .zero) == .admit)
        #expect(limiter.acquire(now: 2_000, maxWait: .zero) == .admit)
        #expect(limiter.acquire(now: 2_500, maxWait: .seconds(1)) == .reject(retryAfterMillis: 28_500))
        #expect(limiter.acquire(now: 30_999, maxWait: .zero) == .reject(retryAfterMillis: 1))
        #expect(limiter.acquire(now: 31_000, maxWait: .zero) == .admit)
    }

    @Test func delayedAdmissionsAreCountedWhenTheyReallyGo() {
        var limiter = GlobalRateLimiter.StateMachine(
            configuration: Configuration(window: .init(limit: 2, length: .seconds(2)), tiers: []), now: 0)
        #expect(limiter.acquire(now: 0, maxWait: .zero) == .admit)
        #expect(limiter.acquire(now: 0, maxWait: .zero) == .admit)
        // Bucket 0 leaves at 3 s.
        #expect(limiter.acquire(now: 2_500, maxWait: .milliseconds(600)) == .admitAfter(delayMillis: 500))
        #expect(limiter.acquire(now: 2_600, maxWait: .seconds(1)) == .admitAfter(delayMillis: 400))
        // Both delayed calls go at 3 s, so they fill the window until 6 s.
        #expect(limiter.acquire(now: 3_000, maxWait: .seconds(1)) == .reject(retryAfterMillis: 3_000))
        #expect(limiter.acquire(now: 6_000, maxWait: .zero) == .admit)
    }

    @Test func tierWaitAndWindowWaitAdd() {
        let configuration = Configuration(
            window: .init(limit: 1, length: .seconds(2)), tiers: [.init(rate: .perSecond(10), burst: 1)],
            maxDelay: .seconds(10))
        var limiter = GlobalRateLimiter.StateMachine(configuration: configuration, now: 0)
        #expect(limiter.acquire(now: 0, maxWait: .zero) == .admit)
        // Token at 100 ms; at that instant the window frees up at 3 s: 50 + 2,900.
        #expect(limiter.acquire(now: 50, maxWait: .seconds(5)) == .admitAfter(delayMillis: 2_950))
        #expect(limiter.acquire(now: 50, maxWait: .zero) == .reject(retryAfterMillis: 5_950))
    }

    @Test func maxWaitIsClampedToTheConfiguredMaximumDelay() {
        var limiter = GlobalRateLimiter.StateMachine(
            configuration: Configuration(
                window: nil, tiers: [.init(rate: .perSecond(10), burst: 1)], maxDelay: .milliseconds(100)),
            now: 0)
        #expect(limiter.acquire(now: 0, maxWait: .seconds(10)) == .admit)
        #expect(limiter.acquire(now: 0, maxWait: .seconds(10)) == .admitAfter(delayMillis: 100))
        #expect(limiter.acquire(now: 0, maxWait: .seconds(10)) == .reject(retryAfterMillis: 200))
    }

    @Test func noLimitsAdmitEverything() {
        var limiter = GlobalRateLimiter.StateMachine(configuration: Configuration(window: nil, tiers: []), now: 0)
        for _ in 0..<10_000 {
            #expect(limiter.acquire(now: 0, maxWait: .zero) == .admit)
        }
    }

    @Test func defaults() {
        let configuration = Configuration()
        #expect(configuration.tiers == [
            .init(rate: .perSecond(10)), .init(rate: .perMinute(150)), .init(rate: .perHour(5_000)),
        ])
        #expect(configuration.window == .init(limit: 150, length: .seconds(30)))
        #expect(configuration.maxDelay == .seconds(1))
        let limiter = GlobalRateLimiter(now: 0)
        for _ in 0..<10 {
            #expect(limiter.acquire(now: 0, maxWait: .milliseconds(250)) == .admit)
        }
        #expect(limiter.acquire(now: 0, maxWait: .milliseconds(250)) == .admitAfter(delayMillis: 100))
    }

    /// Offered 100 calls/s for 5 minutes, the defaults keep every 1 s span within the 10/s tier's
    /// bound, every 60 s span within the 150/min tier's, and every 30 s span within the window.
    @Test func sustainedOverloadStaysWithinEveryLimit() {
        var limiter = GlobalRateLimiter.StateMachine(configuration: Configuration(), now: 0)
        var admitted: [Int64] = []
        for now in stride(from: Int64(0), to: 300_000, by: 10) {
            switch limiter.acquire(now: now, maxWait: .milliseconds(250)) {
            case .admit: admitted.append(now)
            case .admitAfter(let delay): admitted.append(now + delay)
            case .reject: break
            }
        }
        admitted.sort()
        func maxInAnySpan(_ span: Int64) -> Int {
            var best = 0
            var start = 0
            for end in admitted.indices {
                while admitted[end] - admitted[start] >= span { start += 1 }
                best = max(best, end - start + 1)
            }
            return best
        }
        #expect(maxInAnySpan(1_000) <= 10 + 10)
        #expect(maxInAnySpan(30_000) <= 150)
        #expect(maxInAnySpan(60_000) <= 150 + 150)
        // And it does not starve: the per-minute tier's 150 + 2.5/s is (almost) all used.
        #expect(admitted.count >= 850 && admitted.count <= 150 + 5 * 150)
    }

    @Test func concurrentCallersNeverOverdraw() {
        let limiter = GlobalRateLimiter(
            configuration: Configuration(window: nil, tiers: [.init(rate: .perSecond(10))]), now: 0)
        let admitted = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 1_000) { _ in
            if limiter.acquire(now: 0, maxWait: .zero) == .admit {
                admitted.withLock { $0 += 1 }
            }
        }
        #expect(admitted.withLock { $0 } == 10)
    }

    @Test func decisionLabelsAreStable() {
        #expect(GlobalRateLimiter.Decision.admit.label == "allowed")
        #expect(GlobalRateLimiter.Decision.admitAfter(delayMillis: 1).label == "delayed")
        #expect(GlobalRateLimiter.Decision.reject(retryAfterMillis: 1).label == "rejected")
    }
}
