import Testing
@testable import SidetrackCore

/// The invalidation table, row by row: every mutation of the route table either has rules or is
/// listed here as invalidating nothing on purpose.
@Suite struct InvalidationRulesTests {
    let routes = RouteTable.spotify

    static let rows: [(method: String, path: String, expected: [String])] = [
        ("PUT", "/v1/playlists/p1", ["/v1/playlists/p1 (all tokens)", "/v1/me/playlists (caller)"]),
        ("POST", "/v1/playlists/p1/items", ["/v1/playlists/p1 (all tokens)"]),
        ("PUT", "/v1/playlists/p1/items", ["/v1/playlists/p1 (all tokens)"]),
        ("DELETE", "/v1/playlists/p1/items", ["/v1/playlists/p1 (all tokens)"]),
        ("POST", "/v1/playlists/p1/tracks", ["/v1/playlists/p1 (all tokens)"]),
        ("PUT", "/v1/playlists/p1/tracks", ["/v1/playlists/p1 (all tokens)"]),
        ("DELETE", "/v1/playlists/p1/tracks", ["/v1/playlists/p1 (all tokens)"]),
        ("PUT", "/v1/playlists/p1/images", ["/v1/playlists/p1 (all tokens)"]),
        ("PUT", "/v1/playlists/p1/followers", ["/v1/playlists/p1/followers (all tokens)", "/v1/me/playlists (caller)"]),
        ("DELETE", "/v1/playlists/p1/followers", ["/v1/playlists/p1/followers (all tokens)", "/v1/me/playlists (caller)"]),
        ("POST", "/v1/me/playlists", ["/v1/me/playlists (caller)"]),
        ("POST", "/v1/users/u1/playlists", ["/v1/me/playlists (caller)", "/v1/users/u1/playlists (all tokens)"]),
        ("PUT", "/v1/me/tracks", ["/v1/me/tracks (caller)", "/v1/me/library (caller)"]),
        ("DELETE", "/v1/me/albums", ["/v1/me/albums (caller)", "/v1/me/library (caller)"]),
        ("PUT", "/v1/me/shows", ["/v1/me/shows (caller)", "/v1/me/library (caller)"]),
        ("DELETE", "/v1/me/episodes", ["/v1/me/episodes (caller)", "/v1/me/library (caller)"]),
        ("PUT", "/v1/me/audiobooks", ["/v1/me/audiobooks (caller)", "/v1/me/library (caller)"]),
        ("PUT", "/v1/me/following", ["/v1/me/following (caller)", "/v1/me/library (caller)"]),
        ("PUT", "/v1/me/library", [
            "/v1/me/library (caller)", "/v1/me/playlists (caller)", "/v1/me/tracks (caller)", "/v1/me/albums (caller)",
            "/v1/me/shows (caller)", "/v1/me/episodes (caller)", "/v1/me/audiobooks (caller)", "/v1/me/following (caller)",
        ]),
        ("PUT", "/v1/me/player", ["/v1/me/player (caller)"]),
        ("PUT", "/v1/me/player/play", ["/v1/me/player (caller)"]),
        ("POST", "/v1/me/player/next", ["/v1/me/player (caller)"]),
        ("POST", "/v1/me/player/queue", ["/v1/me/player (caller)"]),
        ("PUT", "/v1/me/player/volume", ["/v1/me/player (caller)"]),
    ]

    @Test(arguments: rows.indices)
    func row(_ index: Int) {
        let row = Self.rows[index]
        let match = routes.classify(method: row.method, path: row.path)
        #expect(!match.isOther, "\(row.method) \(row.path) should be a known mutation")
        #expect(InvalidationRules.targets(for: match).map(\.description) == row.expected)
    }

    @Test func everyMutationOfTheTableHasRules() {
        let uncovered = routes.routes.filter { $0.isMutation && $0.upstream == .api && !InvalidationRules.hasRules(for: $0.template) }
        #expect(uncovered.map { "\($0.method) \($0.template)" } == [])
    }

    @Test func readsInvalidateNothing() {
        #expect(InvalidationRules.targets(for: routes.classify(method: "GET", path: "/v1/playlists/p1")).isEmpty)
    }

    @Test func prefixesMatchWholeSegments() {
        let target = InvalidationRules.Target("/v1/playlists/ab", .everyone)
        #expect(target.covers(path: "/v1/playlists/ab"))
        #expect(target.covers(path: "/v1/playlists/ab/items"))
        #expect(!target.covers(path: "/v1/playlists/abc"))
        #expect(!target.covers(path: "/v1/playlists"))
    }
}
