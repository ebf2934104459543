import Testing
@testable import SidetrackCore

/// `RouteDescriptor` keeps its fields in a shared object; equality and hashing still go by the
/// fields, so two tables built alike have equal rows and one differing field tells rows apart.
@Suite struct RouteDescriptorEqualityTests {
    static func row(index: Int = 3, template: String = "/v1/albums/{id}", group: RouteGroup = .catalog) -> RouteDescriptor {
        RouteDescriptor(
            index: index, method: "GET", template: template, operationID: "get-an-album", scope: .shared,
            isMutation: false, isDeprecated: false, oauthScopes: [], tag: "Albums", upstream: .api,
            isIdempotent: true, ttlClass: .catalog, group: group)
    }

    @Test func rowsBuiltAlikeAreEqualAndHashAlike() throws {
        let first = Self.row()
        let second = Self.row()
        #expect(first == second)
        #expect(first.hashValue == second.hashValue)
        #expect(Set([first, second]).count == 1)
        #expect(first.pathParameterNames == ["id"])
        let rebuilt = try RouteTable(routes: SpotifyRoutes.all)
        #expect(rebuilt.routes == RouteTable.spotify.routes)
        #expect(rebuilt.other == RouteDescriptor.other)
    }

    @Test func oneDifferingFieldMakesRowsDiffer() {
        #expect(Self.row() != Self.row(index: 4))
        #expect(Self.row() != Self.row(template: "/v1/albums/{id}/tracks"))
        #expect(Self.row() != Self.row(group: .other))
    }
}
