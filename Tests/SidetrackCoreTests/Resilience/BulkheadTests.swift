import Dispatch
import Testing
@testable import SidetrackCore

@Suite struct BulkheadTests {
    typealias Machine = Bulkhead.StateMachine<Int>

    @Test func slotsThenQueueThenRejection() {
        var machine = Machine(configuration: .init(maxConcurrent: 2, maxQueue: 2))
        #expect(machine.acquire(waiter: 0) == .acquired)
        #expect(machine.acquire(waiter: 0) == .acquired)
        guard case .queued(let first) = machine.acquire(waiter: 1),
              case .queued(let second) = machine.acquire(waiter: 2)
        else { Issue.record("should queue"); return }
        #expect(machine.acquire(waiter: 3) == .rejected)
        #expect((machine.inFlight, machine.queued) == (2, 2))
        // A release hands its slot straight to the oldest waiter.
        #expect(machine.release() == 1)
        #expect((machine.inFlight, machine.queued) == (2, 1))
        #expect(machine.cancel(second) == true)
        #expect(machine.release() == nil)
        #expect((machine.inFlight, machine.queued) == (1, 0))
        // Too late to cancel: the slot was handed over and is the waiter's to release.
        #expect(machine.cancel(first) == false)
        #expect(machine.cancel(second) == false)
    }

    @Test func fullMeansEverySlotTakenAndTheQueueFull() {
        var machine = Machine(configuration: .init(maxConcurrent: 1, maxQueue: 1))
        #expect(!machine.isFull)
        _ = machine.acquire(waiter: 0)
        #expect(!machine.isFull)  // a caller would still be queued
        _ = machine.acquire(waiter: 1)
        #expect(machine.isFull)
        #expect(machine.acquire(waiter: 2) == .rejected)
        _ = machine.release()
        #expect(!machine.isFull)
        let noQueue = Bulkhead(group: .catalog, configuration: .init(maxConcurrent: 1, maxQueue: 0))
        #expect(!noQueue.isFull)
        #expect(noQueue.tryAcquire(waiter: { _ in }) == .acquired)
        #expect(noQueue.isFull)
    }

    @Test func aCancelledWaiterIsNeverResumed() {
        var machine = Machine(configuration: .init(maxConcurrent: 1, maxQueue: 3))
        _ = machine.acquire(waiter: 0)
        var tickets: [Bulkhead.Ticket] = []
        for waiter in 1...3 {
            if case .queued(let ticket) = machine.acquire(waiter: waiter) { tickets.append(ticket) }
        }
        #expect(machine.cancel(tickets[1]) == true)
        #expect(machine.release() == 1)
        #expect(machine.release() == 3)
        #expect(machine.release() == nil)
        #expect(machine.inFlight == 0)
    }

    @Test func releaseWithoutAcquireDoesNotGoNegative() {
        var machine = Machine(configuration: .init(maxConcurrent: 1, maxQueue: 0))
        #expect(machine.release() == nil)
        #expect(machine.inFlight == 0)
        #expect(machine.acquire(waiter: 0) == .acquired)
        #expect(machine.acquire(waiter: 1) == .rejected)
    }

    @Test func removeAllQueuedEmptiesTheQueueButKeepsSlots() {
        var machine = Machine(configuration: .init(maxConcurrent: 1, maxQueue: 5))
        _ = machine.acquire(waiter: 0)
        for waiter in 1...4 { _ = machine.acquire(waiter: waiter) }
        _ = machine.release()
        #expect(machine.removeAllQueued() == [2, 3, 4])
        #expect((machine.inFlight, machine.queued) == (1, 0))
    }

    @Test func longRunsStayFIFOAndCompact() {
        var machine = Machine(configuration: .init(maxConcurrent: 1, maxQueue: 5_000))
        _ = machine.acquire(waiter: -1)
        var next = 0
        var expected = 0
        for round in 0..<10_000 {
            _ = machine.acquire(waiter: next)
            next += 1
            if round % 3 != 2 {
                #expect(machine.release() == expected)
                expected += 1
            }
            #expect(machine.queued == next - expected)
        }
        #expect(machine.inFlight == 1)
    }

    /// The waiter is made only when it is queued: taking a free slot builds no closure.
    @Test func theWaiterIsMadeOnlyWhenQueued() {
        let bulkhead = Bulkhead(group: .catalog, configuration: .init(maxConcurrent: 1, maxQueue: 1))
        let made = SharedValue(0)
        @Sendable func waiter() -> Bulkhead.Waiter {
            made.withLock { $0 += 1 }
            return { _ in }
        }
        #expect(bulkhead.tryAcquire(waiter: waiter()) == .acquired)
        #expect(made.withLock { $0 } == 0)
        guard case .queued = bulkhead.tryAcquire(waiter: waiter()) else { Issue.record("should queue"); return }
        #expect(made.withLock { $0 } == 1)
        #expect(bulkhead.tryAcquire(waiter: waiter()) == .rejected)
        #expect(made.withLock { $0 } == 1)
    }

    @Test func defaults() {
        #expect(Bulkhead.Configuration() == .init(maxConcurrent: 32, maxQueue: 64))
    }

    @Test func waitersAreResumedOutsideTheLock() {
        let bulkhead = Bulkhead(group: .catalog, configuration: .init(maxConcurrent: 1, maxQueue: 1))
        #expect(bulkhead.group.rawValue == "catalog")
        #expect(bulkhead.tryAcquire(waiter: { _ in Issue.record("not queued") }) == .acquired)
        let observed = SharedValue<[String]>([])
        let result = bulkhead.tryAcquire { granted in
            // Reading the bulkhead here would deadlock if the callback ran under its lock.
            observed.withLock { $0.append("\(granted) \(bulkhead.inFlight) \(bulkhead.queued)") }
        }
        guard case .queued = result else { Issue.record("should queue"); return }
        bulkhead.release()
        #expect(observed.withLock { $0 } == ["true 1 0"])
        bulkhead.release()
        #expect(bulkhead.inFlight == 0)
    }

    @Test func rejectQueuedAnswersEveryWaiterWithFalse() {
        let bulkhead = Bulkhead(group: .search, configuration: .init(maxConcurrent: 1, maxQueue: 3))
        _ = bulkhead.tryAcquire { _ in }
        let answers = SharedValue<[Bool]>([])
        for _ in 0..<3 {
            _ = bulkhead.tryAcquire { granted in answers.withLock { $0.append(granted) } }
        }
        bulkhead.rejectQueued()
        #expect(answers.withLock { $0 } == [false, false, false])
        #expect((bulkhead.inFlight, bulkhead.queued) == (1, 0))
    }

    /// Many threads acquire, queue, cancel and release at once: concurrency never exceeds the
    /// limit, every slot comes back, no cancelled waiter runs, and every caller is accounted for.
    @Test func concurrentUseNeverExceedsTheLimitNorLosesASlot() {
        let limit = 4
        let bulkhead = Bulkhead(group: .library, configuration: .init(maxConcurrent: limit, maxQueue: 8))
        struct Tally {
            var running = 0
            var peak = 0
            var completed = 0
            var rejected = 0
            var cancelled: Set<Int> = []
            var resumed: Set<Int> = []
        }
        let tally = SharedValue(Tally())
        @Sendable func work(_ caller: Int) {
            tally.withLock { $0.running += 1; $0.peak = max($0.peak, $0.running) }
            tally.withLock { $0.running -= 1; $0.completed += 1 }
            bulkhead.release()
        }
        let callers = 5_000
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            let result = bulkhead.tryAcquire { granted in
                #expect(granted)
                tally.withLock { _ = $0.resumed.insert(caller) }
                work(caller)
            }
            switch result {
            case .acquired:
                work(caller)
            case .queued(let ticket):
                // Every fifth queued caller times out at once.
                if caller % 5 == 0, bulkhead.cancel(ticket) {
                    tally.withLock { _ = $0.cancelled.insert(caller) }
                }
            case .rejected:
                tally.withLock { $0.rejected += 1 }
            }
        }
        let final = tally.withLock { $0 }
        #expect(final.peak <= limit)
        #expect(final.running == 0)
        #expect(final.cancelled.isDisjoint(with: final.resumed))
        #expect(final.completed + final.rejected + final.cancelled.count == callers)
        #expect(bulkhead.inFlight == 0)
        #expect(bulkhead.queued == 0)
    }
}
