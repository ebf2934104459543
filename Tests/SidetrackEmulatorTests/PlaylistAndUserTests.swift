import Foundation
import NIOCore
import Testing
@testable import SidetrackEmulator

@Suite struct PlaylistAndUserTests {
    @Test func playlistETagRevalidatesAndChangesOnAdd() async throws {
        try await EmulatorHarness.run { harness async throws in
            let first = try await harness.get("/v1/playlists/pl1/items")
            #expect(first.status == 200)
            let etag = try #require(first.header("ETag"))
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\""))
            #expect(first.json?["total"] as? Int == PlaylistStore.initialItemCount)
            #expect(value(first.json, "items.0.track.type") as? String == "track")
            #expect(value(first.json, "next") is NSNull)

            let unchanged = try await harness.get("/v1/playlists/pl1/items", headers: [("If-None-Match", etag)])
            #expect(unchanged.status == 304)
            #expect(unchanged.body.readableBytes == 0)
            #expect(unchanged.header("ETag") == etag)

            let object = try await harness.get("/v1/playlists/pl1")
            let objectETag = try #require(object.header("ETag"))
            let snapshot = try #require(object.json?["snapshot_id"] as? String)

            let add = try await harness.send(
                .POST, "/v1/playlists/pl1/items", body: ByteBuffer(string: #"{"uris":["spotify:track:abc","spotify:track:def"]}"#)
            )
            #expect(add.status == 201)
            let newSnapshot = try #require(add.json?["snapshot_id"] as? String)
            #expect(newSnapshot != snapshot)

            let changed = try await harness.get("/v1/playlists/pl1/items", headers: [("If-None-Match", etag)])
            #expect(changed.status == 200)
            #expect(changed.header("ETag") != etag)
            #expect(changed.json?["total"] as? Int == PlaylistStore.initialItemCount + 2)
            #expect(value(changed.json, "items.\(PlaylistStore.initialItemCount).item.id") as? String == "abc")

            let object2 = try await harness.get("/v1/playlists/pl1", headers: [("If-None-Match", objectETag)])
            #expect(object2.status == 200)
            #expect(object2.json?["snapshot_id"] as? String == newSnapshot)

            // The deprecated /tracks path serves the same items with its own links.
            let tracks = try await harness.get("/v1/playlists/pl1/tracks?limit=5")
            #expect(tracks.json?["href"] as? String == "https://api.spotify.com/v1/playlists/pl1/tracks?offset=0&limit=5")
            #expect(tracks.header("ETag") != nil)
        }
    }

    @Test func addItemsRejectsBadInput() async throws {
        try await EmulatorHarness.run { harness async throws in
            for body in [#"{"uris":[]}"#, #"{"uris":["spotify:album:abc"]}"#, "not json"] {
                let answer = try await harness.send(.POST, "/v1/playlists/pl2/items", body: ByteBuffer(string: body))
                #expect(answer.status == 400, "\(body)")
                #expect(value(answer.json, "error.status") as? Int == 400)
            }
            #expect(try await harness.send(.DELETE, "/v1/playlists/pl2/items").status == 405)
        }
    }

    @Test func meDependsOnTheToken() async throws {
        try await EmulatorHarness.run { harness async throws in
            let alice = try #require(try await harness.get("/v1/me", token: "alice").json)
            let bob = try #require(try await harness.get("/v1/me/", token: "bob").json)
            #expect(alice["id"] as? String != bob["id"] as? String)
            #expect(alice["display_name"] as? String != bob["display_name"] as? String)
            #expect(alice["type"] as? String == "user")
            #expect(!(String(describing: alice)).contains("alice"))
        }
    }

    @Test func userLibraryEndpoints() async throws {
        try await EmulatorHarness.run { harness async throws in
            let saved = try #require(try await harness.get("/v1/me/tracks?limit=10").json)
            #expect(saved["total"] as? Int == MeEndpoints.savedTrackCount)
            #expect(saved["next"] as? String == "https://api.spotify.com/v1/me/tracks?offset=10&limit=10")
            #expect(value(saved, "items.0.added_at") is String)
            #expect(value(saved, "items.0.track.type") as? String == "track")

            let playlists = try #require(try await harness.get("/v1/me/playlists").json)
            #expect(playlists["total"] as? Int == MeEndpoints.playlistCount)
            #expect(value(playlists, "items.0.type") as? String == "playlist")

            let top = try #require(try await harness.get("/v1/me/top/tracks").json)
            #expect(top["total"] as? Int == MeEndpoints.topTrackCount)

            let player = try await harness.get("/v1/me/player")
            #expect(player.status == 204)
            #expect(player.body.readableBytes == 0)

            let queue = try #require(try await harness.get("/v1/me/player/queue").json)
            #expect(value(queue, "currently_playing.type") as? String == "track")
            #expect((queue["queue"] as? [Any])?.count == 10)
        }
    }

    @Test func tokenEndpointClientCredentials() async throws {
        try await EmulatorHarness.run { harness async throws in
            let basic = "Basic " + Data("client:secret".utf8).base64EncodedString()
            let form = [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", basic)]
            let good = try await harness.send(
                .POST, "/api/token", token: nil, headers: form, body: ByteBuffer(string: "grant_type=client_credentials")
            )
            #expect(good.status == 200)
            let json = try #require(good.json)
            #expect((json["access_token"] as? String)?.isEmpty == false)
            #expect(json["token_type"] as? String == "Bearer")
            #expect(json["expires_in"] as? Int == 3600)

            let noCredentials = try await harness.send(
                .POST, "/api/token", token: nil, body: ByteBuffer(string: "grant_type=client_credentials")
            )
            #expect(noCredentials.status == 400)
            #expect(noCredentials.text == #"{"error":"invalid_client","error_description":"Invalid client"}"#)

            let badBasic = try await harness.send(
                .POST, "/api/token", token: nil, headers: [("Authorization", "Basic !!!")],
                body: ByteBuffer(string: "grant_type=client_credentials")
            )
            #expect(badBasic.json?["error"] as? String == "invalid_client")

            let badGrant = try await harness.send(
                .POST, "/api/token", token: nil, headers: form, body: ByteBuffer(string: "grant_type=password")
            )
            #expect(badGrant.status == 400)
            #expect(badGrant.json?["error"] as? String == "unsupported_grant_type")
        }
    }
}
