import Crypto
import NIOConcurrencyHelpers

/// In-memory playlists. A playlist springs into existence, with deterministic contents, the
/// first time it is named; additions bump its version, which changes its snapshot id and ETags.
final class PlaylistStore: Sendable {
    /// Tracks in a playlist nobody has changed yet.
    static let initialItemCount = 10
    /// Most items one `POST …/items` may add (Spotify's limit).
    static let maxItemsPerAdd = 100

    struct Playlist {
        var trackIDs: [String]
        var version: Int
        /// Rendered bodies of this version, by representation (path + query), with their ETags.
        var rendered: [String: RenderedBody] = [:]
    }

    struct RenderedBody {
        var body: CachedBody
        var etag: String
    }

    private let playlists = NIOLockedValueBox<[String: Playlist]>([:])
    private let capacity = 10_000

    private static func initial(_ id: String) -> Playlist {
        let tracks = (0..<initialItemCount).map { SpotifyID.derive("playlist:\(id):\($0)") }
        return Playlist(trackIDs: tracks, version: 1)
    }

    /// The playlist's current track ids and version.
    func contents(of id: String) -> (trackIDs: [String], version: Int) {
        playlists.withLockedValue { playlists in
            let playlist = playlists[id] ?? Self.initial(id)
            return (playlist.trackIDs, playlist.version)
        }
    }

    /// The rendered body for one representation of the current version, rendering it outside
    /// the lock on a miss. The ETag is a digest of the body, so it changes with the content.
    func rendered(_ id: String, representation: String, render: ([String], Int) -> String) -> RenderedBody {
        let (trackIDs, version) = contents(of: id)
        let cached = playlists.withLockedValue { playlists -> RenderedBody? in
            guard let playlist = playlists[id], playlist.version == version else { return nil }
            return playlist.rendered[representation]
        }
        if let cached { return cached }
        let body = CachedBody(render(trackIDs, version))
        let digest = body.identity.withUnsafeReadableBytes { SHA256.hash(data: $0) }
        let etag = "\"" + Hex.encode(digest.prefix(16)) + "\""
        let entry = RenderedBody(body: body, etag: etag)
        playlists.withLockedValue { playlists in
            if playlists.count >= capacity, playlists[id] == nil { playlists.removeAll(keepingCapacity: true) }
            var playlist = playlists[id] ?? Self.initial(id)
            guard playlist.version == version else { return }
            playlist.rendered[representation] = entry
            playlists[id] = playlist
        }
        return entry
    }

    /// Adds tracks (at `position`, else at the end) and returns the new snapshot id.
    func add(_ trackIDs: [String], to id: String, at position: Int?) -> String {
        playlists.withLockedValue { playlists in
            var playlist = playlists[id] ?? Self.initial(id)
            let index = min(max(position ?? playlist.trackIDs.count, 0), playlist.trackIDs.count)
            playlist.trackIDs.insert(contentsOf: trackIDs, at: index)
            playlist.version += 1
            playlist.rendered = [:]
            playlists[id] = playlist
            return Self.snapshotID(id, version: playlist.version)
        }
    }

    /// Spotify-looking snapshot id (opaque base-62-ish text), unique per playlist version.
    static func snapshotID(_ id: String, version: Int) -> String {
        "AAAA" + String(version, radix: 16) + SpotifyID.derive("snapshot:\(id):\(version)")
    }
}
