import Testing
@testable import SidetrackDiskCache

/// Invalidation and purges must hit entries whether they are on disk already or still queued.
@Suite struct RemovalTests {
    /// Where the entries are when the removal is queued.
    enum Placement: String, CaseIterable, CustomTestStringConvertible {
        case onDisk, queued
        var testDescription: String { rawValue }
    }

    private static let user = "aaaa1111"
    private static let otherUser = "bbbb2222"

    /// Three entries under one playlist (shared, user, other user) and one outside it.
    private func populate(_ fixture: Fixture, _ store: DiskCacheStore, _ placement: Placement) async {
        let route = "/v1/playlists/{playlist_id}"
        store.put(fixture.entry("shared", route: route, path: "/v1/playlists/abc"))
        store.put(fixture.entry("mine", route: route + "/tracks", path: "/v1/playlists/abc/tracks", scope: Self.user))
        store.put(fixture.entry("theirs", route: route, path: "/v1/playlists/abc", scope: Self.otherUser))
        store.put(fixture.entry("elsewhere", route: route, path: "/v1/playlists/xyz", scope: Self.user))
        if placement == .onDisk { await store.flush() }
    }

    private func present(_ store: DiskCacheStore) -> Set<String> {
        Set(["shared", "mine", "theirs", "elsewhere"].filter { store.get($0) != nil })
    }

    @Test(arguments: Placement.allCases)
    func prefixWithAnyScope(_ placement: Placement) async throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        await populate(fixture, store, placement)

        store.removeEntries(pathPrefix: "/v1/playlists/abc", scope: nil)
        #expect(present(store) == ["elsewhere"])
        await store.flush()
        #expect(present(store) == ["elsewhere"])
        #expect(store.statistics.entries == 1)
    }

    @Test(arguments: Placement.allCases)
    func prefixWithSharedScopeOnly(_ placement: Placement) async throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        await populate(fixture, store, placement)

        store.removeEntries(pathPrefix: "/v1/playlists/abc", scope: .some(nil))
        #expect(present(store) == ["mine", "theirs", "elsewhere"])
        await store.flush()
        #expect(present(store) == ["mine", "theirs", "elsewhere"])
        #expect(store.statistics.entries == 3)
    }

    @Test(arguments: Placement.allCases)
    func prefixWithOneIdentity(_ placement: Placement) async throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        await populate(fixture, store, placement)

        store.removeEntries(pathPrefix: "/v1/playlists/", scope: .some(Self.user))
        #expect(present(store) == ["shared", "theirs"])
        await store.flush()
        #expect(present(store) == ["shared", "theirs"])
        #expect(store.statistics.entries == 2)
    }

    @Test(arguments: Placement.allCases)
    func byRoute(_ placement: Placement) async throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        await populate(fixture, store, placement)

        store.removeEntries(route: "/v1/playlists/{playlist_id}")
        #expect(present(store) == ["mine"])
        await store.flush()
        #expect(present(store) == ["mine"])
    }

    @Test(arguments: Placement.allCases)
    func everything(_ placement: Placement) async throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        await populate(fixture, store, placement)

        store.removeAll()
        #expect(present(store).isEmpty)
        await store.flush()
        #expect(present(store).isEmpty)
        #expect(store.statistics.entries == 0)
        #expect(store.statistics.bytes == 0)
    }

    @Test func aPutQueuedAfterARemovalSurvivesIt() async throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        await populate(fixture, store, .onDisk)

        store.removeEntries(pathPrefix: "/v1/playlists/abc", scope: nil)
        let refreshed = fixture.entry("shared", path: "/v1/playlists/abc", bodyBytes: 3)
        store.put(refreshed)
        #expect(store.get("shared") == refreshed)
        #expect(store.get("theirs") == nil)
        await store.flush()
        #expect(store.get("shared") == refreshed)
        #expect(present(store) == ["shared", "elsewhere"])
    }

    @Test func queuedPutsCoveredByARemovalAreDroppedNotWritten() throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        store.put(fixture.entry("a", path: "/v1/playlists/abc"))
        store.put(fixture.entry("b", path: "/v1/playlists/abd"))
        store.removeEntries(pathPrefix: "/v1/playlists/abc", scope: nil)
        // b's put and the removal remain.
        #expect(store.statistics.pendingOperations == 2)
        store.removeAll()
        #expect(store.statistics.pendingOperations == 1)
    }

    @Test func prefixMatchingIsByteWise() async throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        // "é" precomposed and decomposed are equal Swift Strings but different bytes (and paths).
        store.put(fixture.entry("precomposed", path: "/v1/search/caf\u{E9}"))
        store.put(fixture.entry("decomposed", path: "/v1/search/cafe\u{301}"))
        await store.flush()

        store.removeEntries(pathPrefix: "/v1/search/caf\u{E9}", scope: nil)
        #expect(store.get("precomposed") == nil)
        #expect(store.get("decomposed") != nil)
        await store.flush()
        #expect(store.get("precomposed") == nil)
        #expect(store.get("decomposed") != nil)
    }
}

@Suite struct PrefixBoundTests {
    @Test(arguments: [
        ("/v1/playlists/abc", "/v1/playlists/abd"),
        ("/a/", "/a0"),
        ("caf\u{E9}", "caf\u{EA}"),
        ("x\u{D7FF}", "x\u{E000}"),
        ("x\u{10FFFF}", "y"),
    ])
    func upperBoundBumpsTheLastScalar(prefix: String, bound: String) {
        #expect(EntryRemoval.upperBound(forPrefix: prefix).map { Array($0.utf8) } == Array(bound.utf8))
    }

    @Test func noUpperBoundForAnEmptyPrefix() {
        #expect(EntryRemoval.upperBound(forPrefix: "") == nil)
        #expect(EntryRemoval.upperBound(forPrefix: "\u{10FFFF}") == nil)
    }
}
