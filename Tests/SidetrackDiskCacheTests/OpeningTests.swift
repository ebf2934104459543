import Foundation
import Testing
@testable import SidetrackDiskCache

@Suite struct OpeningTests {
    @Test func createsMissingParentDirectories() async throws {
        let fixture = try Fixture()
        let path = fixture.directory.file("a/b/c/cache.sqlite")
        let store = try fixture.open(path: path)
        store.put(fixture.entry("a"))
        await store.flush()
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(store.get("a") != nil)
    }

    @Test func usesWriteAheadLogging() throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        let mode = try store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func aFileThatIsNotADatabaseIsMovedAsideAndReplaced() async throws {
        let fixture = try Fixture()
        let garbage = (0..<8_192).map { _ in UInt8.random(in: 0...255) }
        try Data(garbage).write(to: URL(fileURLWithPath: fixture.path))

        let store = try fixture.open()
        store.put(fixture.entry("a"))
        await store.flush()
        #expect(store.get("a") != nil)

        let aside = "cache.sqlite.corrupt-\(fixture.clock.now)"
        #expect(fixture.directory.contents().contains(aside))
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.directory.file(aside))) == Data(garbage))
        let errors = fixture.log.messages(at: .error)
        #expect(errors.map(\.message) == ["cache.disk.corrupt_moved_aside"])
        #expect(errors.first?.metadata["cache.disk.path"] == fixture.path)
    }

    @Test func aDatabaseFailingQuickCheckIsMovedAside() async throws {
        let fixture = try Fixture()
        do {
            let store = try fixture.open()
            for index in 0..<200 {
                store.put(fixture.entry("k\(index)", bodyBytes: 2_000))
            }
            await store.flush()
            // Fold the WAL into the file so the damage below hits real pages.
            try await store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        }
        // Overwrite pages past the header (page size 4096): the file still opens, but its b-trees are broken.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: fixture.path))
        try handle.seek(toOffset: 4_096)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 4_096 * 8))
        try handle.close()

        let store = try fixture.open()
        #expect(store.statistics.entries == 0)
        #expect(fixture.directory.contents().contains { $0.hasPrefix("cache.sqlite.corrupt-") })
        #expect(fixture.log.messages(at: .error).first?.metadata["cache.disk.reason"]?.contains("quick_check") == true)
    }

    @Test func aPathThatIsADirectoryIsRefused() throws {
        let fixture = try Fixture()
        try FileManager.default.createDirectory(atPath: fixture.path, withIntermediateDirectories: true)
        let error = try #require(throws: DiskCacheError.self) { try fixture.open() }
        #expect(error.code == "path_is_directory")
        #expect(error.message.contains(fixture.path))
    }

    @Test func anUnusableLocationIsRefusedNamingThePath() throws {
        let fixture = try Fixture()
        let path: String
        if isRoot {
            // chmod does not stop root from writing, so use a parent that is a regular file instead.
            let blocker = fixture.directory.file("not-a-directory")
            try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
            path = "\(blocker)/cache.sqlite"
        } else {
            let locked = fixture.directory.file("locked")
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
            chmod(locked, 0o500)
            path = "\(locked)/cache.sqlite"
        }
        let error = try #require(throws: DiskCacheError.self) { try fixture.open(path: path) }
        #expect(["unusable_location", "unwritable_directory"].contains(error.code))
        #expect(error.message.contains(path))
        #expect(error.path == path)
    }
}
