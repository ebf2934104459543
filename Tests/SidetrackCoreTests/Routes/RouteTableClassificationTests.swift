import Testing
@testable import SidetrackCore

@Suite struct RouteTableClassificationTests {
    let table = RouteTable.spotify

    /// `template` with every `{name}` replaced by a distinct sample id.
    static func samplePath(_ template: String) -> (path: String, values: [String]) {
        var values: [String] = []
        let segments = template.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            guard segment.hasPrefix("{") else { return String(segment) }
            let value = "4aawyAB9vmqN3uQ7FjRGT\(values.count)"
            values.append(value)
            return value
        }
        return (segments.joined(separator: "/"), values)
    }

    @Test(arguments: RouteTable.spotify.routes, ["", "/"])
    func everyRowClassifiesToItself(route: RouteDescriptor, trailingSlash: String) {
        let (path, values) = Self.samplePath(route.template)
        let match = table.classify(method: route.method, path: path + trailingSlash)
        #expect(match.route == route, "\(route.method) \(path)\(trailingSlash) → \(match.route.template)")
        #expect(match.parameterCount == values.count)
        #expect(match.parameters.map(\.value) == values[...].map { Substring($0) })
        #expect(match.parameters.map(\.name) == route.pathParameterNames)
    }

    @Test(arguments: [
        ("GET", "/v1/unknown"),
        ("GET", "/v1/albums/1/unknown"),
        ("GET", "/albums/1"),  // missing /v1
        ("GET", "v1/albums/1"),  // no leading slash
        ("GET", "/v2/albums/1"),
        ("GET", ""),
        ("GET", "/"),
        ("GET", "//"),
        ("GET", "/v1//albums"),
        ("GET", "//v1/albums"),
        ("GET", "/v1/albums//"),  // two trailing slashes
        ("GET", "/v1/albums/1//tracks"),
        ("GET", "/v1/albums/./tracks"),
        ("GET", "/v1/albums/.."),
        ("GET", "/v1/albums/../me"),
        ("GET", "/v1/albums/%2e%2E"),
        ("GET", "/v1/albums/.%2e/tracks"),
        ("GET", "/v1/me/../users/x"),
        ("DELETE", "/v1/albums/1"),  // method the template lacks
        ("POST", "/v1/search"),
        ("GET", "/v1/me/player/play"),
        ("PATCH", "/v1/me"),
        ("HEAD", "/v1/albums/1"),
        ("get", "/v1/albums/1"),  // methods are case-sensitive
        ("GETX", "/v1/albums/1"),
        ("GET", "/api/token"),
        ("GET", "/v1/ALBUMS/1"),  // paths are case-sensitive
    ])
    func unknownRequestsAreOther(method: String, path: String) {
        let match = table.classify(method: method, path: path)
        #expect(match.isOther, "\(method) \(path) → \(match.route.template)")
        #expect(match.route == table.other)
        #expect(match.parameterCount == 0)
    }

    @Test func dotsInsideASegmentAreOrdinaryCharacters() {
        let match = table.classify(method: "GET", path: "/v1/albums/a..b")
        #expect(match.route.template == "/v1/albums/{id}")
        #expect(match.parameter(named: "id") == "a..b")
    }

    @Test func tokenEndpointIsClassified() {
        let match = table.classify(method: "POST", path: "/api/token")
        #expect(match.route.operationID == "request-access-token")
        #expect(match.route.upstream == .accounts)
    }

    @Test func meLiteralsAreNotUserParameters() {
        #expect(table.classify(method: "GET", path: "/v1/me").route.template == "/v1/me")
        #expect(table.classify(method: "GET", path: "/v1/me/").route.template == "/v1/me")
        #expect(table.classify(method: "GET", path: "/v1/me/playlists").route.template == "/v1/me/playlists")
        let user = table.classify(method: "GET", path: "/v1/users/me/playlists")
        #expect(user.route.template == "/v1/users/{user_id}/playlists")
        #expect(user.parameter(named: "user_id") == "me")
    }

    @Test func parameterValuesStayPercentEncoded() {
        let match = table.classify(method: "GET", path: "/v1/users/smedjan%40example/playlists")
        #expect(match.parameter(named: "user_id") == "smedjan%40example")
        #expect(match.parameter(named: "id") == nil)
        #expect(match.parameterValue(at: 1) == nil)
        #expect(match.parameterValue(at: -1) == nil)
    }

    @Test func queryOrFragmentEndsThePath() {
        let match = table.classify(method: "GET", path: "/v1/albums/abc/tracks/?limit=2")
        #expect(match.route.template == "/v1/albums/{id}/tracks")
        #expect(match.parameter(named: "id") == "abc")
        #expect(table.classify(method: "GET", path: "/v1/search#x").route.template == "/v1/search")
    }

    @Test func acceptsSubstringsAndUnicode() {
        let request = "GET /v1/artists/ünï/albums HTTP/1.1"
        let parts = request.split(separator: " ")
        let match = table.classify(method: parts[0], path: parts[1])
        #expect(match.route.template == "/v1/artists/{id}/albums")
        #expect(match.parameter(named: "id") == "ünï")
    }

    @Test func deeperLiteralAndParameterRoutesStayApart() {
        let contains = table.classify(method: "GET", path: "/v1/playlists/p1/followers/contains")
        #expect(contains.route.operationID == "check-if-user-follows-playlist")
        #expect(contains.parameter(named: "playlist_id") == "p1")
        #expect(table.classify(method: "PUT", path: "/v1/playlists/p1/followers").route.operationID == "follow-playlist")
        #expect(table.classify(method: "GET", path: "/v1/playlists/p1/followers").isOther)
    }
}

/// Matching rules on small hand-made tables, where literal and parameter segments compete.
@Suite struct RouteTableMatchingRuleTests {
    static func route(_ index: Int, _ method: String, _ template: String) -> RouteDescriptor {
        RouteDescriptor(
            index: index, method: method, template: template, operationID: "op-\(index)", scope: .shared,
            isMutation: method != "GET", isDeprecated: false, oauthScopes: [], tag: "Test", upstream: .api,
            isIdempotent: method != "POST", ttlClass: .catalog, group: .catalog
        )
    }

    let table: RouteTable

    init() throws {
        table = try RouteTable(routes: [
            Self.route(0, "GET", "/v1/things/{id}"),
            Self.route(1, "GET", "/v1/things/special"),
            Self.route(2, "GET", "/v1/things/{id}/parts/{part}"),
            Self.route(3, "GET", "/v1/things/special/extra"),
            Self.route(4, "POST", "/v1/things/{id}"),
        ])
    }

    @Test func literalBeatsParameter() {
        #expect(table.classify(method: "GET", path: "/v1/things/special").route.index == 1)
        #expect(table.classify(method: "GET", path: "/v1/things/other").route.index == 0)
    }

    @Test func fallsBackToParameterWhenTheLiteralBranchHasNoRoute() {
        let match = table.classify(method: "GET", path: "/v1/things/special/parts/7")
        #expect(match.route.index == 2)
        #expect(match.parameters.map(\.name) == ["id", "part"])
        #expect(match.parameters.map(\.value) == ["special", "7"])
        // The literal node has no POST, the parameter node has.
        #expect(table.classify(method: "POST", path: "/v1/things/special").route.index == 4)
    }

    @Test func otherSentinelIndexIsTheTableSize() {
        #expect(table.other.index == 5)
        #expect(table.classify(method: "GET", path: "/v1/nothing").route.index == 5)
    }

    @Test(arguments: [
        [route(1, "GET", "/v1/a")],  // index is not the position
        [route(0, "PATCH", "/v1/a")],
        [route(0, "GET", "v1/a")],
        [route(0, "GET", "/v1//a")],
        [route(0, "GET", "/v1/a/")],
        [route(0, "GET", "/v1/{}")],
        [route(0, "GET", "/v1/{a")],
        [route(0, "GET", "/{a}/{b}/{c}/{d}/{e}")],
        [route(0, "GET", "/v1/{a}"), route(1, "GET", "/v1/{b}")],  // same shape and method
    ])
    func malformedTablesAreRejected(routes: [RouteDescriptor]) {
        #expect(throws: RouteTableError.self) { try RouteTable(routes: routes) }
    }
}
