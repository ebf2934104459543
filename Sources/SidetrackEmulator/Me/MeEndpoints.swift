/// Per-token endpoints under `/v1/me`: the user is derived from the token, so two tokens see
/// two different users (and bodies) — what a gateway's per-identity cache keys must respect.
struct MeEndpoints {
    let bodies: BodyCache
    let playlists: PlaylistStore

    static let savedTrackCount = 25
    static let topTrackCount = 50
    static let playlistCount = 5

    private static let base = CatalogRenderer.apiBase

    /// The emulated user id for a token (the token itself never appears in a body).
    static func userID(for token: String) -> String {
        "user" + SpotifyID.hex(SpotifyID.hash("token:" + token), count: 6)
    }

    /// `GET /v1/me`
    func profile(token: String) -> EmulatorResponse {
        let user = Self.userID(for: token)
        return .cached(bodies.body(for: "me:" + user) {
            let seed = SpotifyID.hash(user)
            return "{\"country\":\"SE\",\"display_name\":\(JSONText.quote("Emulated User " + user.suffix(6))),"
                + "\"email\":\"\(user)@example.com\",\"explicit_content\":{\"filter_enabled\":false,\"filter_locked\":false},"
                + "\"external_urls\":\(CatalogRenderer.externalURLs("user", user)),"
                + "\"followers\":{\"href\":null,\"total\":\(SpotifyID.mix(seed, 1) % 1000)},\"href\":\"\(Self.base)/users/\(user)\","
                + "\"id\":\"\(user)\",\"images\":[],\"product\":\"premium\",\"type\":\"user\",\"uri\":\"spotify:user:\(user)\"}"
        })
    }

    /// `GET /v1/me/tracks` — saved tracks (`{"added_at","track"}` items).
    func savedTracks(token: String, _ request: EmulatorRequest) throws(SpotifyAPIError) -> EmulatorResponse {
        let user = Self.userID(for: token)
        let page = try Paging.parse(request.query)
        return .cached(bodies.body(for: "me-tracks:\(user):\(page.offset):\(page.limit)") {
            let items = page.indices(total: Self.savedTrackCount).map { index in
                let day = 1 + index % 28
                return "{\"added_at\":\"2024-05-\(day < 10 ? "0" : "")\(day)T08:30:00Z\","
                    + "\"track\":\(CatalogRenderer.track(SpotifyID.derive("saved:\(user):\(index)")))}"
            }
            return page.render(base: "\(Self.base)/me/tracks", extraQuery: "", total: Self.savedTrackCount, items: items)
        })
    }

    /// `GET /v1/me/top/tracks`
    func topTracks(token: String, _ request: EmulatorRequest) throws(SpotifyAPIError) -> EmulatorResponse {
        let user = Self.userID(for: token)
        let page = try Paging.parse(request.query)
        return .cached(bodies.body(for: "me-top:\(user):\(page.offset):\(page.limit)") {
            let items = page.indices(total: Self.topTrackCount).map { index in
                CatalogRenderer.track(SpotifyID.derive("top:\(user):\(index)"))
            }
            return page.render(base: "\(Self.base)/me/top/tracks", extraQuery: "", total: Self.topTrackCount, items: items)
        })
    }

    /// `GET /v1/me/playlists` — not cached: item counts follow the playlist store.
    func playlists(token: String, _ request: EmulatorRequest) throws(SpotifyAPIError) -> EmulatorResponse {
        let user = Self.userID(for: token)
        let page = try Paging.parse(request.query)
        let items = page.indices(total: Self.playlistCount).map { index in
            PlaylistEndpoints.simplifiedPlaylist(SpotifyID.derive("playlist:\(user):\(index)"), ownerID: user, store: playlists)
        }
        return .json(page.render(base: "\(Self.base)/me/playlists", extraQuery: "", total: Self.playlistCount, items: items))
    }

    /// `GET /v1/me/player/queue`
    func queue(token: String) -> EmulatorResponse {
        let user = Self.userID(for: token)
        return .cached(bodies.body(for: "me-queue:" + user) {
            let queue = (0..<10).map { CatalogRenderer.track(SpotifyID.derive("queue:\(user):\($0)")) }
            return "{\"currently_playing\":\(CatalogRenderer.track(SpotifyID.derive("playing:" + user))),"
                + "\"queue\":[\(queue.joined(separator: ","))]}"
        })
    }
}
