import Foundation
import GRDB
import Testing
@testable import SidetrackDiskCache

/// Run-time failures: the tier reports itself degraded, stops answering, logs once.
@Suite struct DegradedTests {
    @Test func theDatabaseDirectoryVanishingDegradesTheTier() async throws {
        let fixture = try Fixture()
        let path = fixture.directory.file("sub/cache.sqlite")
        let store = try fixture.open(path: path)
        store.put(fixture.entry("a"))
        await store.flush()

        // SQLite would keep writing into the unlinked files; the store notices the file is gone.
        try FileManager.default.removeItem(atPath: fixture.directory.file("sub"))
        store.put(fixture.entry("b"))
        await store.flush()

        #expect(store.isDegraded)
        #expect(store.statistics.degradedReason == "file_missing")
        #expect(store.statistics.writeErrors == 1)
        #expect(store.get("a") == nil)
        #expect(store.get("b") == nil)
        assertDegradedQuietly(store, fixture)
    }

    @Test func theFileBeingReplacedDegradesTheTier() async throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        store.put(fixture.entry("a"))
        await store.flush()

        let replacement = fixture.directory.file("replacement")
        try Data("not the same file".utf8).write(to: URL(fileURLWithPath: replacement))
        _ = rename(replacement, fixture.path)
        store.put(fixture.entry("b"))
        await store.flush()

        #expect(store.isDegraded)
        #expect(store.statistics.degradedReason == "file_replaced")
        assertDegradedQuietly(store, fixture)
    }

    /// A full disk, made real for SQLite by capping the file's page count: SQLite itself fails the write
    /// with SQLITE_FULL, the same error it reports when the filesystem returns ENOSPC.
    @Test func aFullDiskDegradesTheTier() async throws {
        let fixture = try Fixture()
        let store = try fixture.open(maxBytes: 64 << 20)
        store.put(fixture.entry("a"))
        await store.flush()
        let pages = try await store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") } ?? 0
        try await store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 2)")
        }

        for index in 0..<20 {
            store.put(fixture.entry("big\(index)", bodyBytes: 100_000))
        }
        await store.flush()

        #expect(store.isDegraded)
        #expect(store.statistics.degradedReason == "disk_full")
        #expect(store.statistics.writeErrors == 1)
        #expect(store.get("a") == nil)  // degraded: the tier answers nothing, not even what it has
        assertDegradedQuietly(store, fixture)
    }

    /// After the failure: writes are dropped, nothing more is queued, and there was exactly one error line.
    private func assertDegradedQuietly(_ store: DiskCacheStore, _ fixture: Fixture) {
        for index in 0..<50 {
            store.put(fixture.entry("after\(index)"))
            _ = store.get("after\(index)")
        }
        store.removeAll()
        #expect(store.statistics.pendingOperations == 0)
        #expect(store.warmEntries(maxBytes: 1 << 20).isEmpty)
        let errors = fixture.log.messages(at: .error)
        #expect(errors.count == 1)
        #expect(errors.first?.message == "cache.disk.failed")
        #expect(errors.first?.metadata["cache.disk.path"] == store.path)
    }
}
