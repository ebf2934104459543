import Dispatch
import Synchronization
import Testing
@testable import SidetrackCore

@Suite struct ClientRateLimiterTests {
    typealias Status = ClientRateLimiter.Status

    @Test func eachClientHasItsOwnBucket() {
        let limiter = ClientRateLimiter(configuration: .init(rate: .perSecond(1), burst: 3))
        #expect(limiter.check("a", now: 0)
            == .allowed(Status(limit: 3, remaining: 2, resetSeconds: 1, windowSeconds: 3)))
        #expect(limiter.check("a", now: 0) == .allowed(Status(limit: 3, remaining: 1, resetSeconds: 2, windowSeconds: 3)))
        #expect(limiter.check("a", now: 0) == .allowed(Status(limit: 3, remaining: 0, resetSeconds: 3, windowSeconds: 3)))
        #expect(limiter.check("a", now: 0)
            == .denied(Status(limit: 3, remaining: 0, resetSeconds: 3, windowSeconds: 3), retryAfterMillis: 1_000))
        #expect(limiter.check("b", now: 0).status.remaining == 2)
        #expect(limiter.check("a", now: 999).label == "rejected")
        #expect(limiter.check("a", now: 1_000) == .allowed(Status(limit: 3, remaining: 0, resetSeconds: 3, windowSeconds: 3)))
    }

    @Test func headersUseDraft08Syntax() {
        let status = Status(limit: 100, remaining: 42, resetSeconds: 1, windowSeconds: 2)
        #expect(status.policyHeader == #""default";q=100;w=2"#)
        #expect(status.header == #""default";r=42;t=1"#)
    }

    @Test func defaults() {
        let configuration = ClientRateLimiter.Configuration()
        #expect(configuration == .init(rate: .perSecond(50), burst: 100, maxClients: 10_000))
        let limiter = ClientRateLimiter()
        let status = limiter.check("a", now: 0).status
        #expect(status.policyHeader == #""default";q=100;w=2"#)
        #expect(status.header == #""default";r=99;t=1"#)
    }

    @Test func memoryIsBounded() {
        let limiter = ClientRateLimiter(configuration: .init(maxClients: 10))
        for index in 0..<1_000 {
            _ = limiter.check("client-\(index)", now: 0)
            #expect(limiter.trackedClients <= 10)
        }
    }

    @Test func anActiveClientKeepsItsBucketThroughChurn() {
        let limiter = ClientRateLimiter(configuration: .init(rate: .perHour(1), burst: 3, maxClients: 10))
        for _ in 0..<3 { _ = limiter.check("hot", now: 0) }
        #expect(limiter.check("hot", now: 0).label == "rejected")
        for index in 0..<100 {
            _ = limiter.check("other-\(index)", now: 0)
            if index % 3 == 0 {
                #expect(limiter.check("hot", now: 0).label == "rejected", "evicted at \(index)")
            }
        }
    }

    @Test func anIdleClientIsForgottenAndReturnsWithAFullBucket() {
        let limiter = ClientRateLimiter(configuration: .init(rate: .perHour(1), burst: 3, maxClients: 10))
        for _ in 0..<3 { _ = limiter.check("idle", now: 0) }
        #expect(limiter.check("idle", now: 0).label == "rejected")
        for index in 0..<20 { _ = limiter.check("other-\(index)", now: 0) }
        #expect(limiter.check("idle", now: 0).status.remaining == 2)
    }

    @Test func concurrentCallsForOneClientNeverOverdraw() {
        let limiter = ClientRateLimiter(configuration: .init(rate: .perHour(1), burst: 100))
        let allowed = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 1_000) { index in
            if case .allowed = limiter.check("same", now: 0) { allowed.withLock { $0 += 1 } }
            _ = limiter.check("spread-\(index % 50)", now: 0)
        }
        #expect(allowed.withLock { $0 } == 100)
    }
}
