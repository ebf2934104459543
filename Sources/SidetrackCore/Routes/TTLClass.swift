/// How long a cached answer of a route stays fresh, by kind of data (DESIGN §3).
///
/// The raw values are the stable names used in configuration (per-class TTL overrides).
public enum TTLClass: String, Sendable, Hashable, CaseIterable {
    /// Tracks, albums, artists, shows, episodes, audiobooks, chapters, categories, markets, genres.
    case catalog
    /// Audio features and audio analysis, which never change for a track.
    case audioFeatures = "audio_features"
    /// Playlist reads; revalidated by ETag when stale.
    case playlist
    /// Search and other results computed from query parameters (recommendations).
    case search
    /// The user's saved items, follows and "contains" checks.
    case library
    /// `/v1/me` and `/v1/users/{user_id}`.
    case profile
    /// `/v1/me/top/…`.
    case topItems = "top_items"
    /// `/v1/me/player/devices`.
    case devices
    /// `/v1/me/player/queue`.
    case queue
    /// Other player reads: playback state, currently playing, recently played.
    case playbackState = "playback_state"
    /// Mutations and the token endpoint: never cached.
    case never

    /// The default freshness lifetime in whole seconds (0 for `never`).
    public var defaultTTLSeconds: Int {
        switch self {
        case .catalog: 24 * 3600
        case .audioFeatures: 7 * 24 * 3600
        case .playlist: 5 * 60
        case .search: 10 * 60
        case .library: 3 * 60
        case .profile: 3600
        case .topItems: 6 * 3600
        case .devices: 60
        case .queue: 30
        case .playbackState: 10
        case .never: 0
        }
    }

    /// The default freshness lifetime as a `Duration`.
    public var defaultTTL: Duration { .seconds(defaultTTLSeconds) }
}
