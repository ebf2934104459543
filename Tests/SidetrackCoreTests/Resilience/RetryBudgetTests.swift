import Dispatch
import Synchronization
import Testing
@testable import SidetrackCore

@Suite struct RetryBudgetTests {
    typealias Configuration = RetryBudget.Configuration

    @Test func retriesAreAFractionOfRequests() {
        var budget = RetryBudget.StateMachine(configuration: Configuration(minRetriesPerSecond: 0))
        #expect(budget.tryRetry(now: 0) == false)
        for _ in 0..<10 { budget.recordRequest(now: 0) }
        #expect(budget.available(now: 0) == 2)
        #expect(budget.tryRetry(now: 0) == true)
        #expect(budget.tryRetry(now: 0) == true)
        #expect(budget.tryRetry(now: 0) == false)
        #expect(budget.available(now: 0) == 0)
    }

    @Test func theFloorLetsAQuietGatewayRetry() {
        var budget = RetryBudget.StateMachine(configuration: Configuration())
        for _ in 0..<10 {
            #expect(budget.tryRetry(now: 0) == true)
        }
        #expect(budget.tryRetry(now: 0) == false)
    }

    @Test func spentRetriesLeaveTheWindow() {
        var budget = RetryBudget.StateMachine(configuration: Configuration())
        for _ in 0..<10 { _ = budget.tryRetry(now: 0) }
        // 10 s window in 1 s buckets: retries at 0 count until 11 s.
        #expect(budget.tryRetry(now: 10_999) == false)
        #expect(budget.tryRetry(now: 11_000) == true)
    }

    @Test func anOutageIsNotAmplifiedBeyondTheRatio() {
        var budget = RetryBudget.StateMachine(configuration: Configuration(minRetriesPerSecond: 0))
        var retries = 0
        for now in 0..<Int64(1_000) {
            budget.recordRequest(now: now)
            if budget.tryRetry(now: now) { retries += 1 }
        }
        #expect(retries == 200)
    }

    @Test func defaults() {
        #expect(Configuration() == Configuration(ratio: 0.2, window: .seconds(10), minRetriesPerSecond: 1))
    }

    @Test func concurrentRetriesNeverOverspend() {
        let budget = RetryBudget(configuration: Configuration(minRetriesPerSecond: 0))
        for _ in 0..<100 { budget.recordRequest(now: 0) }
        let granted = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 1_000) { _ in
            if budget.tryRetry(now: 0) { granted.withLock { $0 += 1 } }
        }
        #expect(granted.withLock { $0 } == 20)
        #expect(budget.available(now: 0) == 0)
    }
}
