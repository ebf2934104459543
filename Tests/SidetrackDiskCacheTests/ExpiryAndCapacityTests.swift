import Testing
@testable import SidetrackDiskCache

@Suite struct ExpiryAndCapacityTests {
    @Test func expiredEntriesAreNotReturnedAndAreEvicted() async throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        store.put(fixture.entry("short", usableFor: 1_000))
        store.put(fixture.entry("long", usableFor: 10_000))
        await store.flush()

        fixture.clock.advance(by: 999)
        #expect(store.get("short") != nil)  // stale serving is the caller's business until usableUntil
        fixture.clock.advance(by: 1)
        #expect(store.get("short") == nil)
        #expect(store.get("long") != nil)

        await store.flush()
        let statistics = store.statistics
        #expect(statistics.evictions.expired == 1)
        #expect(statistics.evictions.capacity == 0)
        #expect(statistics.entries == 1)
    }

    @Test func aQueuedEntryPastItsUsableTimeIsNotReturned() throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        store.put(fixture.entry("a", usableFor: 1_000))
        fixture.clock.advance(by: 1_000)
        #expect(store.get("a") == nil)
    }

    @Test func anEntryAlreadyUnusableIsNotStored() async throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        store.put(fixture.entry("a", storedAt: fixture.clock.now - 10_000, usableFor: 10_000))
        await store.flush()
        #expect(store.statistics.entries == 0)
    }

    @Test func theByteBoundEvictsLeastRecentlyStoredDownToNinetyPercent() async throws {
        let fixture = try Fixture()
        let size = fixture.entry("x", bodyBytes: 1_000).byteCount
        let store = try fixture.open(maxBytes: 10 * size)
        let start = fixture.clock.now
        for index in 0..<10 {
            store.put(fixture.entry("k\(index)", bodyBytes: 1_000, storedAt: start + Int64(index)))
        }
        await store.flush()
        #expect(store.statistics.entries == 10)  // exactly at the bound is within it
        #expect(store.statistics.evictions.capacity == 0)

        store.put(fixture.entry("k10", bodyBytes: 1_000, storedAt: start + 10))
        await store.flush()

        // 11 entries > bound → evict the oldest until ≤ 90 % of 10 entries = 9 entries.
        let statistics = store.statistics
        #expect(statistics.evictions.capacity == 2)
        #expect(statistics.entries == 9)
        #expect(statistics.bytes <= 10 * size * 9 / 10)
        #expect(store.get("k0") == nil)
        #expect(store.get("k1") == nil)
        #expect(store.get("k2") != nil)
        #expect(store.get("k10") != nil)
    }

    @Test func anEntryLargerThanTheWholeBoundIsNotStoredAndRemovesItsOlderVersion() async throws {
        let fixture = try Fixture()
        let store = try fixture.open(maxBytes: 500)
        store.put(fixture.entry("a", bodyBytes: 100))
        await store.flush()

        store.put(fixture.entry("a", bodyBytes: 1_000))
        #expect(store.get("a") == nil)
        await store.flush()
        #expect(store.statistics.entries == 0)
        #expect(store.statistics.evictions.capacity == 0)
    }

    @Test func theQueueIsBoundedByBytes() async throws {
        let fixture = try Fixture()
        var options = DiskCacheStore.Options()
        options.maxQueuedBytes = 250
        let store = try fixture.open(options: options)
        for index in 0..<5 {
            store.put(fixture.entry("k\(index)", bodyBytes: 100 - "content-type: application/json".utf8.count))
        }
        #expect(store.statistics.pendingOperations == 2)
        #expect(store.statistics.droppedPuts == 3)
        await store.flush()
        #expect(store.statistics.entries == 2)
    }
}
