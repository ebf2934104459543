import Testing
@testable import SidetrackCore

/// `RouteTable.replica()`: an equal table for one event loop's use that shares no object with the
/// original (a shared reference count written from two cores moves its cache line each time).
@Suite struct RouteTableReplicaTests {
    @Test func aReplicaHasEqualRowsAndClassifiesAlike() {
        let table = RouteTable.spotify
        let replica = table.replica()
        #expect(replica.routes == table.routes)
        #expect(replica.other == table.other)
        for (method, path) in [
            ("GET", "/v1/albums/4aawyAB9vmqN3uQ7FjRGTy/tracks"), ("GET", "/v1/me/playlists"), ("PUT", "/v1/me/tracks"),
            ("GET", "/v1/nowhere"), ("POST", "/api/token"), ("HEAD", "/v1/tracks/x"),
        ] {
            let original = table.classify(method: method, path: path)
            let copied = replica.classify(method: method, path: path)
            #expect(copied.route == original.route, "\(method) \(path)")
            #expect(copied.route.index == original.route.index)
        }
    }

    @Test func aReplicaSharesNoRowStorageOrString() {
        let table = RouteTable.spotify
        let replica = table.replica()
        for (row, copy) in zip(table.routes + [table.other], replica.routes + [replica.other]) {
            #expect(row.storage !== copy.storage)
            #expect(Self.buffer(row.template) != Self.buffer(copy.template) || row.template.utf8.count <= 15)
            #expect(Self.buffer(row.operationID) != Self.buffer(copy.operationID) || row.operationID.utf8.count <= 15)
        }
    }

    /// Where a string's bytes are (small strings live inline, so only long ones can be compared).
    private static func buffer(_ text: String) -> UnsafeRawPointer? {
        var text = text
        return text.withUTF8 { UnsafeRawPointer($0.baseAddress) }
    }
}
