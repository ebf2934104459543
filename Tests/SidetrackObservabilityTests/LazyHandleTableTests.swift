import Dispatch
import Synchronization
import Testing

@testable import SidetrackObservability

/// The per-label metric handle table: each slot made once, shared by every thread, released with
/// the table.
@Suite struct LazyHandleTableTests {
    final class Handle: Sendable {
        let id: Int
        init(id: Int) { self.id = id }
    }

    @Test func aSlotIsMadeOnceAndThenFound() {
        let table = LazyHandleTable<Handle>(count: 4)
        #expect(table.existing(at: 2) == nil)
        let made = Mutex(0)
        let first = table.handle(at: 2) { made.withLock { $0 += 1 }; return Handle(id: 2) }
        let again = table.handle(at: 2) { made.withLock { $0 += 1 }; return Handle(id: 99) }
        #expect(first === again)
        #expect(table.existing(at: 2) === first)
        #expect(made.withLock { $0 } == 1)
        #expect(table.existing(at: 1) == nil)
    }

    @Test func outOfRangeIndexesGetAFreshUnstoredHandle() {
        let table = LazyHandleTable<Handle>(count: 2)
        let outside = table.handle(at: 5) { Handle(id: 5) }
        #expect(outside.id == 5)
        #expect(table.existing(at: 5) == nil)
        #expect(table.existing(at: -1) == nil)
        #expect(table.handle(at: -1) { Handle(id: -1) } !== table.handle(at: -1) { Handle(id: -1) })
    }

    struct WeakHandle: @unchecked Sendable {  // only read and written under the test's Mutex
        weak var value: Handle?
    }

    @Test func racingThreadsAllGetTheOneStoredHandleAndTheRestAreFreed() {
        let made = Mutex<[WeakHandle]>([])
        do {
            let table = LazyHandleTable<Handle>(count: 8)
            let seen = Mutex<Set<ObjectIdentifier>>([])
            DispatchQueue.concurrentPerform(iterations: 64) { iteration in
                let handle = table.handle(at: 3) {
                    let handle = Handle(id: iteration)
                    made.withLock { $0.append(WeakHandle(value: handle)) }
                    return handle
                }
                seen.withLock { _ = $0.insert(ObjectIdentifier(handle)) }
            }
            #expect(seen.withLock { $0 } == [ObjectIdentifier(table.existing(at: 3)!)])
            // Handles made by threads that lost the race were given back; only the stored one lives.
            #expect(made.withLock { list in list.filter { $0.value != nil }.count } == 1)
        }
        #expect(made.withLock { list in list.allSatisfy { $0.value == nil } })
    }

    @Test func handlesAreReleasedWithTheTable() {
        weak var stored: Handle?
        weak var loser: Handle?
        do {
            let table = LazyHandleTable<Handle>(count: 1)
            let handle = table.handle(at: 0) { Handle(id: 0) }
            stored = handle
            // A handle made but not stored (the slot was taken) is not kept either.
            do {
                let spare = Handle(id: 1)
                loser = spare
                #expect(table.handle(at: 0) { spare } === handle)
            }
            #expect(stored != nil)
        }
        #expect(stored == nil)
        #expect(loser == nil)
    }
}
