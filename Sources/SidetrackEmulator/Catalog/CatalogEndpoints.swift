/// Catalog endpoints: tracks, albums, artists, search. Validation first (errors are never
/// cached), then the rendered body from the cache.
struct CatalogEndpoints {
    let bodies: BodyCache

    private func checked(_ id: Substring) throws(SpotifyAPIError) -> String {
        if let problem = SpotifyID.validate(id) { throw SpotifyAPIError(problem) }
        return String(id)
    }

    /// `GET /v1/tracks/{id}`
    func track(_ id: Substring) throws(SpotifyAPIError) -> EmulatorResponse {
        let id = try checked(id)
        return .cached(bodies.body(for: "track:" + id) { CatalogRenderer.track(id) })
    }

    /// `GET /v1/tracks?ids=a,b` — unknown ids answer `null` in place, as Spotify does.
    func tracks(_ request: EmulatorRequest) throws(SpotifyAPIError) -> EmulatorResponse {
        guard let list = request.query["ids"], !list.isEmpty else { throw .badRequest("Missing required parameter: ids") }
        let ids = list.split(separator: ",", omittingEmptySubsequences: false)
        guard ids.count <= 50 else { throw .badRequest("Too many ids requested") }
        for id in ids where SpotifyID.validate(id) == .invalid { throw .invalidID }
        return .cached(bodies.body(for: "tracks:" + list) {
            let rendered = ids.map { SpotifyID.validate($0) == nil ? CatalogRenderer.track(String($0)) : "null" }
            return "{\"tracks\":[\(rendered.joined(separator: ","))]}"
        })
    }

    /// `GET /v1/albums/{id}`
    func album(_ id: Substring) throws(SpotifyAPIError) -> EmulatorResponse {
        let id = try checked(id)
        return .cached(bodies.body(for: "album:" + id) { CatalogRenderer.album(id) })
    }

    /// `GET /v1/albums/{id}/tracks`
    func albumTracks(_ id: Substring, _ request: EmulatorRequest) throws(SpotifyAPIError) -> EmulatorResponse {
        let id = try checked(id)
        let page = try Paging.parse(request.query)
        return .cached(bodies.body(for: "album-tracks:\(id):\(page.offset):\(page.limit)") {
            CatalogRenderer.albumTracksPage(id, page: page)
        })
    }

    /// `GET /v1/artists/{id}`
    func artist(_ id: Substring) throws(SpotifyAPIError) -> EmulatorResponse {
        let id = try checked(id)
        return .cached(bodies.body(for: "artist:" + id) { CatalogRenderer.artist(id) })
    }

    /// `GET /v1/artists/{id}/albums`
    func artistAlbums(_ id: Substring, _ request: EmulatorRequest) throws(SpotifyAPIError) -> EmulatorResponse {
        let id = try checked(id)
        let page = try Paging.parse(request.query)
        return .cached(bodies.body(for: "artist-albums:\(id):\(page.offset):\(page.limit)") {
            CatalogRenderer.artistAlbumsPage(id, page: page)
        })
    }

    /// Results per search type (Spotify caps offset at 1000; the emulator has 100 of each).
    static let searchTotal = 100
    private static let searchTypes = ["album", "artist", "track"]

    /// `GET /v1/search?q=&type=track,album,artist&limit=&offset=`
    func search(_ request: EmulatorRequest) throws(SpotifyAPIError) -> EmulatorResponse {
        guard let q = request.query["q"], !q.isEmpty else { throw .badRequest("No search query") }
        guard let typeList = request.query["type"], !typeList.isEmpty else { throw .badRequest("Missing parameter type") }
        let types = typeList.split(separator: ",").map(String.init)
        guard !types.isEmpty, types.allSatisfy(Self.searchTypes.contains) else { throw .badRequest("Bad search type field") }
        let page = try Paging.parse(request.query)
        let key = "search:\(page.offset):\(page.limit):\(typeList):\(q)"
        return .cached(bodies.body(for: key) {
            let sections = Self.searchTypes.filter(types.contains).map { type in
                let items = page.indices(total: Self.searchTotal).map { index in
                    let id = SpotifyID.derive("search:\(type):\(q):\(index)")
                    switch type {
                    case "album": return CatalogRenderer.simplifiedAlbum(id)
                    case "artist": return CatalogRenderer.artist(id)
                    default: return CatalogRenderer.track(id)
                    }
                }
                let extra = "&query=\(QueryParameters.encode(q))&type=\(type)"
                let paging = page.render(
                    base: "\(CatalogRenderer.apiBase)/search", extraQuery: extra, total: Self.searchTotal, items: items
                )
                return "\"\(type)s\":\(paging)"
            }
            return "{" + sections.joined(separator: ",") + "}"
        })
    }
}
