import Foundation
import Testing
@testable import SidetrackEmulator

@Suite struct CatalogTests {
    @Test func trackHasSpotifyShapeHeadersAndRealisticSize() async throws {
        try await EmulatorHarness.run { harness async throws in
            let answer = try await harness.get("/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh")
            #expect(answer.status == 200)
            #expect(answer.header("Content-Type") == "application/json; charset=utf-8")
            #expect(answer.header("Cache-Control") == "private, max-age=0")
            #expect((1024...3072).contains(answer.body.readableBytes))
            let json = try #require(answer.json)
            #expect(json["id"] as? String == "4iV5W9uYEdYUVa79Axb7Rh")
            #expect(json["type"] as? String == "track")
            #expect(json["href"] as? String == "https://api.spotify.com/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh")
            #expect(json["uri"] as? String == "spotify:track:4iV5W9uYEdYUVa79Axb7Rh")
            #expect(value(json, "external_urls.spotify") as? String == "https://open.spotify.com/track/4iV5W9uYEdYUVa79Axb7Rh")
            let albumHref = try #require(value(json, "album.href") as? String)
            #expect(albumHref.hasPrefix("https://api.spotify.com/v1/albums/"))
            #expect((value(json, "album.artists.0.uri") as? String)?.hasPrefix("spotify:artist:") == true)
            // Deterministic: the same id gives the same bytes.
            let again = try await harness.get("/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh")
            #expect(again.body == answer.body)
        }
    }

    @Test func severalTracksAnswerNullForUnknownIds() async throws {
        try await EmulatorHarness.run { harness async throws in
            let answer = try await harness.get("/v1/tracks?ids=abc,missing1,def")
            #expect(answer.status == 200)
            let tracks = try #require(answer.json?["tracks"] as? [Any])
            #expect(tracks.count == 3)
            #expect(value(tracks, "0.id") as? String == "abc")
            #expect(tracks[1] is NSNull)
            #expect(value(tracks, "2.id") as? String == "def")
            #expect(try await harness.get("/v1/tracks").status == 400)
            #expect(try await harness.get("/v1/tracks?ids=a-b").status == 400)
        }
    }

    @Test(arguments: [
        ("/v1/tracks/missingTrack", 404, "Resource not found"),
        ("/v1/albums/missing", 404, "Resource not found"),
        ("/v1/artists/bad-id", 400, "invalid id"),
        ("/v1/tracks/bad%20id", 400, "invalid id"),
        ("/v1/nothing/here", 404, "Service not found"),
        ("/elsewhere", 404, "Service not found"),
    ])
    func errorsUseSpotifysBody(path: String, status: Int, message: String) async throws {
        try await EmulatorHarness.run { harness async throws in
            let answer = try await harness.get(path)
            #expect(answer.status == status)
            #expect(value(answer.json, "error.status") as? Int == status)
            #expect(value(answer.json, "error.message") as? String == message)
        }
    }

    @Test func albumTracksPageWithSpotifyLinks() async throws {
        try await EmulatorHarness.run { harness async throws in
            let first = try #require(try await harness.get("/v1/albums/abc/tracks").json)
            #expect(first["href"] as? String == "https://api.spotify.com/v1/albums/abc/tracks?offset=0&limit=20")
            #expect(first["next"] as? String == "https://api.spotify.com/v1/albums/abc/tracks?offset=20&limit=20")
            #expect(first["previous"] is NSNull)
            #expect(first["total"] as? Int == 45)
            #expect(first["limit"] as? Int == 20)
            #expect((first["items"] as? [Any])?.count == 20)

            let last = try #require(try await harness.get("/v1/albums/abc/tracks?limit=20&offset=40").json)
            #expect((last["items"] as? [Any])?.count == 5)
            #expect(last["next"] is NSNull)
            #expect(last["previous"] as? String == "https://api.spotify.com/v1/albums/abc/tracks?offset=20&limit=20")

            // spotipy's trailing slash routes the same way.
            #expect(try await harness.get("/v1/albums/abc/tracks/?limit=50").json?["limit"] as? Int == 50)
            for bad in ["limit=51", "limit=0", "limit=x", "offset=-1"] {
                let answer = try await harness.get("/v1/albums/abc/tracks?\(bad)")
                #expect(answer.status == 400, "\(bad)")
            }
        }
    }

    @Test func albumAndArtistObjects() async throws {
        try await EmulatorHarness.run { harness async throws in
            let album = try #require(try await harness.get("/v1/albums/abc").json)
            #expect(album["type"] as? String == "album")
            #expect(album["uri"] as? String == "spotify:album:abc")
            #expect(value(album, "tracks.total") as? Int == 45)
            #expect(value(album, "tracks.next") as? String == "https://api.spotify.com/v1/albums/abc/tracks?offset=20&limit=20")

            let artist = try #require(try await harness.get("/v1/artists/xyz").json)
            #expect(artist["type"] as? String == "artist")
            #expect(artist["href"] as? String == "https://api.spotify.com/v1/artists/xyz")
            #expect(value(artist, "followers.total") is Int)

            let albums = try #require(try await harness.get("/v1/artists/xyz/albums?limit=5").json)
            #expect(albums["total"] as? Int == 12)
            #expect((albums["items"] as? [Any])?.count == 5)
            #expect(value(albums, "items.0.artists.0.id") as? String == "xyz")
        }
    }

    @Test func searchPagesEachRequestedType() async throws {
        try await EmulatorHarness.run { harness async throws in
            let json = try #require(try await harness.get("/v1/search?q=daft%20punk&type=track,artist&limit=3").json)
            #expect(json.keys.sorted() == ["artists", "tracks"])
            #expect((value(json, "tracks.items") as? [Any])?.count == 3)
            #expect(value(json, "tracks.next") as? String
                == "https://api.spotify.com/v1/search?offset=3&limit=3&query=daft%20punk&type=track")
            #expect(value(json, "artists.items.0.type") as? String == "artist")
            #expect(try await harness.get("/v1/search?type=track").status == 400)
            #expect(try await harness.get("/v1/search?q=x").status == 400)
            #expect(try await harness.get("/v1/search?q=x&type=planet").status == 400)
        }
    }

    @Test func tokensAreRequired() async throws {
        try await EmulatorHarness.run { harness async throws in
            let none = try await harness.get("/v1/tracks/abc", token: nil)
            #expect(none.status == 401)
            #expect(none.text == #"{"error":{"status":401,"message":"No token provided"}}"#)
            let expired = try await harness.get("/v1/tracks/abc", token: "expired")
            #expect(expired.status == 401)
            #expect(value(expired.json, "error.message") as? String == "The access token expired")
        }
    }
}
