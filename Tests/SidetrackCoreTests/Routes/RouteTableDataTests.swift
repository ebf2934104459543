import Testing
@testable import SidetrackCore

/// The generated table is data: it must match `routes.tsv` row by row, and the derived policy
/// must follow the documented rules.
@Suite struct RouteTableDataTests {
    let table = RouteTable.spotify

    @Test func matchesRoutesTSVRowByRow() throws {
        let rows = try RepositoryFiles.routesTSVRows()
        try #require(rows.count == 97, "routes.tsv should have 97 operations, found \(rows.count)")
        // The 97 Spotify operations in TSV order, then the token endpoint.
        try #require(table.routes.count == rows.count + 1)
        for (row, route) in zip(rows, table.routes) {
            let label = "\(row["method"] ?? "?") \(row["path_template"] ?? "?")"
            #expect(route.method == row["method"], "method of \(label)")
            #expect(route.template == row["path_template"], "template of \(label)")
            #expect(route.operationID == row["operationId"], "operationId of \(label)")
            #expect(route.scope.rawValue == row["scope"], "scope of \(label)")
            #expect((route.isMutation ? "yes" : "no") == row["mutation"], "mutation of \(label)")
            #expect((route.isDeprecated ? "yes" : "no") == row["deprecated"], "deprecated of \(label)")
            #expect(route.oauthScopes.joined(separator: ",") == row["scopes"], "scopes of \(label)")
            #expect(route.tag == row["tag"], "tag of \(label)")
            #expect(route.upstream == .api, "upstream of \(label)")
        }
    }

    @Test func tokenEndpointIsTheLastRow() throws {
        let token = try #require(table.routes.last)
        #expect(token.method == "POST")
        #expect(token.template == "/api/token")
        #expect(token.operationID == "request-access-token")
        #expect(token.upstream == .accounts)
        #expect(token.scope == .shared)
        #expect(!token.isMutation && !token.isIdempotent && !token.isCacheable)
        #expect(token.ttlClass == .never)
        #expect(token.group == .accounts)
    }

    @Test(arguments: RouteTable.spotify.routes)
    func rowInvariants(route: RouteDescriptor) {
        #expect(table.routes[route.index] == route)
        #expect(route.isIdempotent == ["GET", "PUT", "DELETE"].contains(route.method))
        #expect(route.isMutation == (route.method != "GET") || route.upstream == .accounts)
        #expect(route.isMutation ? route.ttlClass == .never : true, "mutations are never cached")
        #expect(route.isCacheable == (route.method == "GET" && route.ttlClass != .never))
        #expect(!route.isOther)
        #expect(route.pathParameterNames.count == route.template.filter { $0 == "{" }.count)
    }

    @Test func otherSentinelFollowsTheTable() {
        #expect(table.other.index == table.count)
        #expect(RouteDescriptor.other == table.other)
        #expect(table.other.template == "other" && table.other.isOther)
        #expect(!table.other.isCacheable && table.other.group == .other)
        #expect(table.route(at: table.count) == table.other)
        #expect(table.route(at: table.count + 1) == nil)
        #expect(table.route(at: -1) == nil)
    }

    /// Spot checks of each TTL class and group rule (DESIGN §3), by method and template.
    @Test(arguments: [
        ("GET", "/v1/albums/{id}", TTLClass.catalog, RouteGroup.catalog),
        ("GET", "/v1/browse/categories", .catalog, .catalog),
        ("GET", "/v1/markets", .catalog, .catalog),
        ("GET", "/v1/recommendations/available-genre-seeds", .catalog, .catalog),
        ("GET", "/v1/audio-features/{id}", .audioFeatures, .catalog),
        ("GET", "/v1/audio-analysis/{id}", .audioFeatures, .catalog),
        ("GET", "/v1/playlists/{playlist_id}", .playlist, .playlists),
        ("GET", "/v1/me/playlists", .playlist, .playlists),
        ("GET", "/v1/users/{user_id}/playlists", .playlist, .playlists),
        ("GET", "/v1/browse/featured-playlists", .playlist, .playlists),
        ("GET", "/v1/browse/categories/{category_id}/playlists", .playlist, .playlists),
        ("GET", "/v1/search", .search, .search),
        ("GET", "/v1/recommendations", .search, .search),
        ("GET", "/v1/me/tracks", .library, .library),
        ("GET", "/v1/me/following", .library, .library),
        ("GET", "/v1/me/library/contains", .library, .library),
        ("GET", "/v1/playlists/{playlist_id}/followers/contains", .library, .playlists),
        ("GET", "/v1/me", .profile, .other),
        ("GET", "/v1/users/{user_id}", .profile, .other),
        ("GET", "/v1/me/top/artists", .topItems, .other),
        ("GET", "/v1/me/player/devices", .devices, .player),
        ("GET", "/v1/me/player/queue", .queue, .player),
        ("GET", "/v1/me/player", .playbackState, .player),
        ("GET", "/v1/me/player/recently-played", .playbackState, .player),
        ("POST", "/v1/me/player/queue", .never, .player),
        ("PUT", "/v1/me/tracks", .never, .library),
        ("POST", "/v1/playlists/{playlist_id}/items", .never, .playlists),
    ])
    func derivedPolicy(method: String, template: String, ttl: TTLClass, group: RouteGroup) throws {
        let route = try #require(table.routes.first { $0.method == method && $0.template == template })
        #expect(route.ttlClass == ttl)
        #expect(route.group == group)
    }

    @Test(arguments: [
        (TTLClass.catalog, 86_400), (.audioFeatures, 604_800), (.playlist, 300), (.search, 600),
        (.library, 180), (.profile, 3_600), (.topItems, 21_600), (.devices, 60), (.queue, 30),
        (.playbackState, 10), (.never, 0),
    ])
    func defaultTTLs(ttlClass: TTLClass, seconds: Int) {
        #expect(ttlClass.defaultTTLSeconds == seconds)
        #expect(ttlClass.defaultTTL == .seconds(seconds))
    }

    @Test func everyTTLClassAndGroupIsUsed() {
        #expect(Set(table.routes.map(\.ttlClass)) == Set(TTLClass.allCases))
        #expect(Set(table.routes.map(\.group) + [table.other.group]) == Set(RouteGroup.allCases))
    }
}
