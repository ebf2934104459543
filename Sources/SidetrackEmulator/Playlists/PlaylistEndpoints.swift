import Foundation
import NIOCore
import NIOHTTP1

/// Playlist endpoints: the object, its items (with ETag and `If-None-Match`), and adding items.
struct PlaylistEndpoints {
    let store: PlaylistStore

    private static let base = CatalogRenderer.apiBase

    private func checked(_ id: Substring) throws(SpotifyAPIError) -> String {
        if let problem = SpotifyID.validate(id) { throw SpotifyAPIError(problem) }
        return String(id)
    }

    /// `GET /v1/playlists/{id}`
    func playlist(_ id: Substring, _ request: EmulatorRequest) throws(SpotifyAPIError) -> EmulatorResponse {
        let id = try checked(id)
        let rendered = store.rendered(id, representation: "object") { trackIDs, version in
            let page = Paging(limit: 100, offset: 0)
            return Self.playlistObject(id, trackIDs: trackIDs, version: version, page: page)
        }
        return Self.conditional(rendered, request)
    }

    /// `GET /v1/playlists/{id}/items` (and the deprecated `/tracks`, whose links name `/tracks`).
    func items(_ id: Substring, collection: String, _ request: EmulatorRequest) throws(SpotifyAPIError) -> EmulatorResponse {
        let id = try checked(id)
        let page = try Paging.parse(request.query, defaultLimit: 100, maxLimit: 100)
        let representation = "\(collection):\(page.offset):\(page.limit)"
        let rendered = store.rendered(id, representation: representation) { trackIDs, _ in
            Self.itemsPage(id, collection: collection, trackIDs: trackIDs, page: page)
        }
        return Self.conditional(rendered, request)
    }

    /// `POST /v1/playlists/{id}/items` with `{"uris":[...],"position":n}` (or `?uris=a,b`).
    func addItems(_ id: Substring, _ request: EmulatorRequest) throws(SpotifyAPIError) -> EmulatorResponse {
        let id = try checked(id)
        var uris: [String] = []
        var position: Int?
        if request.body.readableBytes > 0 {
            guard let json = try? JSONDecoder().decode(AddItemsBody.self, from: Data(request.body.readableBytesView)) else {
                throw .badRequest("Error parsing JSON.")
            }
            uris = json.uris ?? []
            if let number = json.position {
                guard number >= 0 else { throw .badRequest("Invalid position") }
                position = number
            }
        }
        if uris.isEmpty, let list = request.query["uris"] {
            uris = list.split(separator: ",").map(String.init)
        }
        if position == nil, let text = request.query["position"] {
            guard let number = Int(text), number >= 0 else { throw .badRequest("Invalid position") }
            position = number
        }
        guard !uris.isEmpty else { throw .badRequest("No uris provided") }
        guard uris.count <= PlaylistStore.maxItemsPerAdd else { throw .badRequest("Too many ids requested") }
        let trackIDs = try uris.map { uri throws(SpotifyAPIError) -> String in
            let prefix = "spotify:track:"
            guard uri.hasPrefix(prefix) else { throw .badRequest("Invalid track uri: \(uri)") }
            let trackID = uri.dropFirst(prefix.count)
            guard SpotifyID.validate(trackID) != .invalid else { throw .badRequest("Invalid track uri: \(uri)") }
            return String(trackID)
        }
        let snapshot = store.add(trackIDs, to: id, at: position)
        return .json("{\"snapshot_id\":\(JSONText.quote(snapshot))}", status: .created)
    }

    private struct AddItemsBody: Decodable {
        var uris: [String]?
        var position: Int?
    }

    /// Answers 304 when the client already holds this version, else the body with its ETag.
    private static func conditional(_ rendered: PlaylistStore.RenderedBody, _ request: EmulatorRequest) -> EmulatorResponse {
        var response: EmulatorResponse
        if matches(request.headers[canonicalForm: "if-none-match"], rendered.etag) {
            response = .noContent(.notModified)
        } else {
            response = .cached(rendered.body)
        }
        response.headers.replaceOrAdd(name: "ETag", value: rendered.etag)
        return response
    }

    /// `If-None-Match` comparison (weak, as RFC 9110 asks for GET): `*`, lists and `W/` allowed.
    static func matches(_ values: [Substring], _ etag: String) -> Bool {
        for value in values {
            let candidate = value.trimmingSpaces
            if candidate == "*" { return true }
            let opaque = candidate.hasPrefix("W/") ? candidate.dropFirst(2) : candidate
            if opaque == etag[...] { return true }
        }
        return false
    }

    // MARK: Rendering

    static func owner(_ userID: String) -> String {
        "{\"display_name\":\(JSONText.quote("Emulated " + userID)),\"external_urls\":\(CatalogRenderer.externalURLs("user", userID)),"
            + "\"href\":\"\(base)/users/\(userID)\",\"id\":\"\(userID)\",\"type\":\"user\",\"uri\":\"spotify:user:\(userID)\"}"
    }

    static func ownerID(of playlistID: String) -> String {
        "user" + SpotifyID.hex(SpotifyID.hash("owner:" + playlistID), count: 5)
    }

    static func itemsPage(_ id: String, collection: String, trackIDs: [String], page: Paging) -> String {
        let adder = owner(ownerID(of: id))
        let items = page.indices(total: trackIDs.count).map { index -> String in
            let track = CatalogRenderer.track(trackIDs[index])
            let day = 1 + index % 28
            return "{\"added_at\":\"2024-03-\(day < 10 ? "0" : "")\(day)T12:00:00Z\",\"added_by\":\(adder),"
                + "\"is_local\":false,\"item\":\(track),\"primary_color\":null,\"track\":\(track),"
                + "\"video_thumbnail\":{\"url\":null}}"
        }
        return page.render(base: "\(base)/playlists/\(id)/\(collection)", extraQuery: "", total: trackIDs.count, items: items)
    }

    /// The full playlist object, embedding the first page of items.
    static func playlistObject(_ id: String, trackIDs: [String], version: Int, page: Paging) -> String {
        let seed = SpotifyID.hash(id)
        return "{\"collaborative\":false,\"description\":\"An emulated playlist\","
            + "\"external_urls\":\(CatalogRenderer.externalURLs("playlist", id)),"
            + "\"followers\":{\"href\":null,\"total\":\(SpotifyID.mix(seed, 30) % 100_000)},"
            + "\"href\":\"\(base)/playlists/\(id)\",\"id\":\"\(id)\",\"images\":\(CatalogRenderer.images(seed, prefix: "ab67706c0000")),"
            + "\"items\":\(itemsPage(id, collection: "items", trackIDs: trackIDs, page: page)),"
            + "\"name\":\(JSONText.quote(CatalogRenderer.name(seed))),\"owner\":\(owner(ownerID(of: id))),"
            + "\"primary_color\":null,\"public\":true,\"snapshot_id\":\"\(PlaylistStore.snapshotID(id, version: version))\","
            + "\"tracks\":{\"href\":\"\(base)/playlists/\(id)/tracks\",\"total\":\(trackIDs.count)},"
            + "\"type\":\"playlist\",\"uri\":\"spotify:playlist:\(id)\"}"
    }

    /// The simplified playlist object used in `/v1/me/playlists`.
    static func simplifiedPlaylist(_ id: String, ownerID: String, store: PlaylistStore) -> String {
        let seed = SpotifyID.hash(id)
        let (trackIDs, version) = store.contents(of: id)
        return "{\"collaborative\":false,\"description\":\"An emulated playlist\","
            + "\"external_urls\":\(CatalogRenderer.externalURLs("playlist", id)),\"href\":\"\(base)/playlists/\(id)\","
            + "\"id\":\"\(id)\",\"images\":\(CatalogRenderer.images(seed, prefix: "ab67706c0000")),"
            + "\"items\":{\"href\":\"\(base)/playlists/\(id)/items\",\"total\":\(trackIDs.count)},"
            + "\"name\":\(JSONText.quote(CatalogRenderer.name(seed))),\"owner\":\(owner(ownerID)),\"primary_color\":null,"
            + "\"public\":true,\"snapshot_id\":\"\(PlaylistStore.snapshotID(id, version: version))\","
            + "\"tracks\":{\"href\":\"\(base)/playlists/\(id)/tracks\",\"total\":\(trackIDs.count)},"
            + "\"type\":\"playlist\",\"uri\":\"spotify:playlist:\(id)\"}"
    }
}
