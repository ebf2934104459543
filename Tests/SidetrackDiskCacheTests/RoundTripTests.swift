import Testing
@testable import SidetrackDiskCache

@Suite struct RoundTripTests {
    @Test func putFlushGetReturnsTheSameEntry() async throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        var entry = fixture.entry("a", scope: "9f86d081")
        entry.body = []  // empty blobs come back empty, not missing
        store.put(entry)
        await store.flush()

        #expect(store.get("a") == entry)
        #expect(store.get("missing") == nil)
        let statistics = store.statistics
        #expect(statistics.entries == 1)
        #expect(statistics.bytes == entry.byteCount)
        #expect(statistics.pendingOperations == 0)
    }

    @Test func readsSeeQueuedWritesBeforeTheyReachDisk() async throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        let other = try fixture.open()  // a second connection sees only what is on disk
        let entry = fixture.entry("a")
        store.put(entry)

        #expect(store.get("a") == entry)
        #expect(other.get("a") == nil)
        #expect(store.statistics.pendingOperations == 1)

        await store.flush()
        #expect(other.get("a") == entry)
    }

    @Test func aQueuedRemovalHidesTheStoredEntryAtOnce() async throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        store.put(fixture.entry("a"))
        await store.flush()

        store.remove(key: "a")
        #expect(store.get("a") == nil)
        await store.flush()
        #expect(store.get("a") == nil)
        #expect(store.statistics.entries == 0)
    }

    @Test func aNewerPutReplacesTheOlderOneAndItsBytes() async throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        store.put(fixture.entry("a", bodyBytes: 100))
        await store.flush()
        let newer = fixture.entry("a", bodyBytes: 10)
        store.put(newer)
        await store.flush()

        #expect(store.get("a") == newer)
        #expect(store.statistics.entries == 1)
        #expect(store.statistics.bytes == newer.byteCount)
    }

    @Test func reopeningTheFileFindsTheEntries() async throws {
        let fixture = try Fixture()
        let entries = (0..<5).map { fixture.entry("k\($0)") }
        do {
            let store = try fixture.open()
            entries.forEach(store.put)
            await store.flush()
        }

        let reopened = try fixture.open()
        for entry in entries {
            #expect(reopened.get(entry.key) == entry)
        }
        // Totals are kept in the file, not recounted.
        #expect(reopened.statistics.entries == 5)
        #expect(reopened.statistics.bytes == entries.reduce(0) { $0 + $1.byteCount })
    }

    @Test func warmEntriesAreNewestFirstWithinTheByteBudget() async throws {
        let fixture = try Fixture()
        let start = fixture.clock.now
        do {
            let store = try fixture.open()
            // Stored one second apart: k0 oldest … k4 newest.
            for index in 0..<5 {
                store.put(fixture.entry("k\(index)", bodyBytes: 100, storedAt: start + Int64(index) * 1_000))
            }
            store.put(fixture.entry("old", bodyBytes: 100, storedAt: start - 7_200_000, usableFor: 7_200_500))
            await store.flush()
        }
        fixture.clock.advance(by: 600)  // "old" becomes unusable

        let reopened = try fixture.open()
        let size = fixture.entry("x", bodyBytes: 100).byteCount
        #expect(reopened.warmEntries(maxBytes: 10 * size).map(\.key) == ["k4", "k3", "k2", "k1", "k0"])
        #expect(reopened.warmEntries(maxBytes: 3 * size + 1).map(\.key) == ["k4", "k3", "k2"])
        #expect(reopened.warmEntries(maxBytes: size - 1).isEmpty)
        #expect(reopened.warmEntries(maxBytes: 0).isEmpty)
    }

    @Test func warmEntriesSkipAnEntryTooBigForWhatIsLeft() async throws {
        let fixture = try Fixture()
        let start = fixture.clock.now
        let store = try fixture.open()
        store.put(fixture.entry("small-old", bodyBytes: 10, storedAt: start))
        store.put(fixture.entry("big-new", bodyBytes: 1_000, storedAt: start + 1))
        await store.flush()

        #expect(store.warmEntries(maxBytes: 500).map(\.key) == ["small-old"])
    }
}
