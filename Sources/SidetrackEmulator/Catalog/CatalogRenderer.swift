/// Renders Spotify catalog objects (tracks, albums, artists) as JSON text, deterministically
/// from their ids, in the shapes the Web API reference documents.
///
/// Links are absolute `https://api.spotify.com/v1/...`, exactly as Spotify sends them, so the
/// gateway's link rewriting has real work to do.
enum CatalogRenderer {
    static let apiBase = "https://api.spotify.com/v1"
    static let openBase = "https://open.spotify.com"

    /// Tracks on every emulated album (more than one default page of 20).
    static let albumTrackCount = 45
    /// Albums listed for every emulated artist.
    static let artistAlbumCount = 12

    // A realistic share of the ~185 markets Spotify lists; keeps a track body at ~2 KiB.
    private static let markets = [
        "AD", "AE", "AR", "AT", "AU", "BE", "BG", "BO", "BR", "CA", "CH", "CL", "CO", "CR", "CY", "CZ",
        "DE", "DK", "DO", "EC", "EE", "ES", "FI", "FR", "GB", "GR", "GT", "HK", "HN", "HU", "ID", "IE",
        "IL", "IN", "IS", "IT", "JP", "LI", "LT", "LU", "LV", "MC", "MT", "MX", "MY", "NI", "NL", "NO",
        "NZ", "PA", "PE", "PH", "PL", "PT", "PY", "RO", "SE", "SG", "SK", "SV", "TH", "TR", "TW", "US",
    ]
    private static let marketsJSON = "[" + markets.map { "\"\($0)\"" }.joined(separator: ",") + "]"

    private static let adjectives = [
        "Silver", "Midnight", "Electric", "Quiet", "Golden", "Broken", "Northern", "Velvet", "Paper",
        "Neon", "Hollow", "Wild", "Crystal", "Distant", "Burning", "Gentle",
    ]
    private static let nouns = [
        "Harbor", "Signals", "Rivers", "Echoes", "Lanterns", "Horizon", "Satellites", "Gardens",
        "Mirrors", "Thunder", "Orchard", "Static", "Tides", "Wolves", "Skylines", "Embers",
    ]
    private static let genres = ["indie pop", "synthpop", "dream pop", "alt rock", "shoegaze", "electronica"]

    static func name(_ seed: UInt64) -> String {
        adjectives[Int(SpotifyID.mix(seed, 101) % UInt64(adjectives.count))] + " "
            + nouns[Int(SpotifyID.mix(seed, 102) % UInt64(nouns.count))]
    }

    static func externalURLs(_ kind: String, _ id: String) -> String {
        "{\"spotify\":\"\(openBase)/\(kind)/\(id)\"}"
    }

    static func images(_ seed: UInt64, prefix: String) -> String {
        let imageID = SpotifyID.hex(seed, count: 20)
        return "[{\"height\":640,\"url\":\"https://i.scdn.co/image/\(prefix)b273\(imageID)\",\"width\":640},"
            + "{\"height\":300,\"url\":\"https://i.scdn.co/image/\(prefix)1e02\(imageID)\",\"width\":300},"
            + "{\"height\":64,\"url\":\"https://i.scdn.co/image/\(prefix)4851\(imageID)\",\"width\":64}]"
    }

    // MARK: Derived relations

    static func albumID(ofTrack trackID: String) -> String { SpotifyID.derive("album:" + trackID) }
    static func artistID(ofAlbum albumID: String) -> String { SpotifyID.derive("artist:" + albumID) }
    static func trackID(onAlbum albumID: String, index: Int) -> String { SpotifyID.derive("track:\(albumID):\(index)") }
    static func albumID(ofArtist artistID: String, index: Int) -> String { SpotifyID.derive("discography:\(artistID):\(index)") }

    // MARK: Artists

    static func simplifiedArtist(_ id: String) -> String {
        let seed = SpotifyID.hash(id)
        return "{\"external_urls\":\(externalURLs("artist", id)),\"href\":\"\(apiBase)/artists/\(id)\","
            + "\"id\":\"\(id)\",\"name\":\(JSONText.quote("The " + name(seed))),\"type\":\"artist\","
            + "\"uri\":\"spotify:artist:\(id)\"}"
    }

    static func artist(_ id: String) -> String {
        let seed = SpotifyID.hash(id)
        let genre1 = genres[Int(SpotifyID.mix(seed, 7) % UInt64(genres.count))]
        let genre2 = genres[Int(SpotifyID.mix(seed, 8) % UInt64(genres.count))]
        return "{\"external_urls\":\(externalURLs("artist", id)),"
            + "\"followers\":{\"href\":null,\"total\":\(SpotifyID.mix(seed, 9) % 5_000_000)},"
            + "\"genres\":[\"\(genre1)\",\"\(genre2)\"],\"href\":\"\(apiBase)/artists/\(id)\",\"id\":\"\(id)\","
            + "\"images\":\(images(seed, prefix: "ab6761610000")),\"name\":\(JSONText.quote("The " + name(seed))),"
            + "\"popularity\":\(SpotifyID.mix(seed, 10) % 101),\"type\":\"artist\",\"uri\":\"spotify:artist:\(id)\"}"
    }

    // MARK: Albums

    /// The album fields shared by the simplified and full album objects (without the closing brace).
    private static func albumFields(_ id: String, artistID: String) -> String {
        let seed = SpotifyID.hash(id)
        let year = 1990 + Int(SpotifyID.mix(seed, 3) % 35)
        let month = 1 + Int(SpotifyID.mix(seed, 4) % 12)
        let day = 1 + Int(SpotifyID.mix(seed, 5) % 28)
        let date = "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
        let albumType = SpotifyID.mix(seed, 6) % 5 == 0 ? "single" : "album"
        return "{\"album_type\":\"\(albumType)\",\"artists\":[\(simplifiedArtist(artistID))],"
            + "\"available_markets\":\(marketsJSON),\"external_urls\":\(externalURLs("album", id)),"
            + "\"href\":\"\(apiBase)/albums/\(id)\",\"id\":\"\(id)\",\"images\":\(images(seed, prefix: "ab67616d0000")),"
            + "\"is_playable\":true,\"name\":\(JSONText.quote(name(seed))),\"release_date\":\"\(date)\","
            + "\"release_date_precision\":\"day\",\"total_tracks\":\(albumTrackCount),\"type\":\"album\","
            + "\"uri\":\"spotify:album:\(id)\""
    }

    static func simplifiedAlbum(_ id: String, artistID: String? = nil, albumGroup: String? = nil) -> String {
        var body = albumFields(id, artistID: artistID ?? self.artistID(ofAlbum: id))
        if let albumGroup { body += ",\"album_group\":\"\(albumGroup)\"" }
        return body + "}"
    }

    /// The full album object, embedding the first page (20) of its tracks like Spotify does.
    static func album(_ id: String) -> String {
        let seed = SpotifyID.hash(id)
        let artist = artistID(ofAlbum: id)
        let page = Paging(limit: 20, offset: 0)
        let tracks = albumTracksPage(id, page: page)
        return albumFields(id, artistID: artist)
            + ",\"copyrights\":[{\"text\":\"(C) \(2000 + Int(seed % 25)) Emulated Records\",\"type\":\"C\"}],"
            + "\"external_ids\":{\"upc\":\"\(SpotifyID.mix(seed, 11) % 1_000_000_000_000)\"},\"genres\":[],"
            + "\"label\":\"Emulated Records\",\"popularity\":\(SpotifyID.mix(seed, 12) % 101),\"tracks\":\(tracks)}"
    }

    /// `GET /v1/albums/{id}/tracks` for one page.
    static func albumTracksPage(_ albumID: String, page: Paging) -> String {
        let artist = artistID(ofAlbum: albumID)
        let items = page.indices(total: albumTrackCount).map { index in
            simplifiedTrack(trackID(onAlbum: albumID, index: index), artistID: artist, trackNumber: index + 1)
        }
        return page.render(base: "\(apiBase)/albums/\(albumID)/tracks", extraQuery: "", total: albumTrackCount, items: items)
    }

    /// `GET /v1/artists/{id}/albums` for one page.
    static func artistAlbumsPage(_ artistID: String, page: Paging) -> String {
        let items = page.indices(total: artistAlbumCount).map { index in
            simplifiedAlbum(albumID(ofArtist: artistID, index: index), artistID: artistID, albumGroup: "album")
        }
        return page.render(
            base: "\(apiBase)/artists/\(artistID)/albums", extraQuery: "&include_groups=album,single,compilation,appears_on",
            total: artistAlbumCount, items: items
        )
    }

    // MARK: Tracks

    /// The track fields common to the simplified and full track objects (without the closing brace).
    private static func trackFields(_ id: String, artistID: String, trackNumber: Int?) -> String {
        let seed = SpotifyID.hash(id)
        let number = trackNumber ?? (1 + Int(SpotifyID.mix(seed, 20) % UInt64(albumTrackCount)))
        return "\"artists\":[\(simplifiedArtist(artistID))],\"available_markets\":\(marketsJSON),"
            + "\"disc_number\":1,\"duration_ms\":\(120_000 + SpotifyID.mix(seed, 21) % 240_000),"
            + "\"explicit\":\(SpotifyID.mix(seed, 22) % 4 == 0),\"external_urls\":\(externalURLs("track", id)),"
            + "\"href\":\"\(apiBase)/tracks/\(id)\",\"id\":\"\(id)\",\"is_local\":false,\"is_playable\":true,"
            + "\"name\":\(JSONText.quote(name(seed))),\"preview_url\":null,\"track_number\":\(number),"
            + "\"type\":\"track\",\"uri\":\"spotify:track:\(id)\""
    }

    static func simplifiedTrack(_ id: String, artistID: String, trackNumber: Int) -> String {
        "{" + trackFields(id, artistID: artistID, trackNumber: trackNumber) + "}"
    }

    /// The full track object (album, artists, external ids, popularity).
    static func track(_ id: String) -> String {
        let seed = SpotifyID.hash(id)
        let album = albumID(ofTrack: id)
        let artist = artistID(ofAlbum: album)
        return "{\"album\":\(simplifiedAlbum(album, artistID: artist)),"
            + "\"external_ids\":{\"isrc\":\"QZ\(SpotifyID.hex(seed, count: 5).uppercased())\"},"
            + "\"popularity\":\(SpotifyID.mix(seed, 23) % 101),"
            + trackFields(id, artistID: artist, trackNumber: nil) + "}"
    }
}
