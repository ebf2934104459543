/// Which cached GETs a successful mutation makes stale (DESIGN §2 stage 8, issue 3 §6).
///
/// A table keyed by the mutation's route template; each rule names path prefixes (with the
/// mutation's path parameters filled in) and whose entries they cover: every token's, or only the
/// caller's. Prefixes match whole segments: `/v1/playlists/ab` never covers `/v1/playlists/abc`.
public enum InvalidationRules {
    public enum Reach: Sendable, Equatable {
        /// Entries of every token and shared ones (a playlist's content is the same for all).
        case everyone
        /// Only the entries of the token that made the change.
        case caller
    }

    public struct Target: Sendable, Equatable, CustomStringConvertible {
        public let pathPrefix: String
        public let reach: Reach

        public init(_ pathPrefix: String, _ reach: Reach) {
            self.pathPrefix = pathPrefix
            self.reach = reach
        }

        public var description: String { "\(pathPrefix) (\(reach == .everyone ? "all tokens" : "caller"))" }

        /// Whether `path` is the prefix itself or below it.
        public func covers(path: some StringProtocol) -> Bool {
            guard path.hasPrefix(pathPrefix) else { return false }
            let rest = path.dropFirst(pathPrefix.count)
            return rest.isEmpty || rest.hasPrefix("/")
        }
    }

    private static let libraryCollections = [
        "/v1/me/tracks", "/v1/me/albums", "/v1/me/shows", "/v1/me/episodes", "/v1/me/audiobooks",
        "/v1/me/following",
    ]

    /// Templates of the mutation → prefixes, `{name}` filled from the mutation's parameters.
    static let table: [String: [(String, Reach)]] = {
        var rules: [String: [(String, Reach)]] = [
            // Playlist content and details: the same for every reader.
            "/v1/playlists/{playlist_id}": [("/v1/playlists/{playlist_id}", .everyone), ("/v1/me/playlists", .caller)],
            "/v1/playlists/{playlist_id}/tracks": [("/v1/playlists/{playlist_id}", .everyone)],
            "/v1/playlists/{playlist_id}/items": [("/v1/playlists/{playlist_id}", .everyone)],
            "/v1/playlists/{playlist_id}/images": [("/v1/playlists/{playlist_id}", .everyone)],
            // Following a playlist changes its follower check and the caller's playlist list.
            "/v1/playlists/{playlist_id}/followers": [
                ("/v1/playlists/{playlist_id}/followers", .everyone), ("/v1/me/playlists", .caller),
            ],
            // Creating a playlist: the caller's lists, and the owner's public list.
            "/v1/me/playlists": [("/v1/me/playlists", .caller)],
            "/v1/users/{user_id}/playlists": [("/v1/me/playlists", .caller), ("/v1/users/{user_id}/playlists", .everyone)],
            // The unified library endpoint saves items of any kind.
            "/v1/me/library": ([("/v1/me/library", .caller), ("/v1/me/playlists", .caller)])
                + libraryCollections.map { ($0, .caller) },
            // Every player command changes what the player reads return.
            "/v1/me/player": [("/v1/me/player", .caller)],
        ]
        for collection in libraryCollections {
            rules[collection] = [(collection, .caller), ("/v1/me/library", .caller)]
        }
        for command in ["play", "pause", "next", "previous", "seek", "repeat", "volume", "shuffle", "queue"] {
            rules["/v1/me/player/\(command)"] = [("/v1/me/player", .caller)]
        }
        return rules
    }()

    /// The targets a successful mutation invalidates; empty for non-mutations and unknown routes.
    public static func targets(for match: RouteMatch) -> [Target] {
        guard match.route.isMutation, let rules = table[match.route.template] else { return [] }
        return rules.compactMap { template, reach in
            fill(template, from: match).map { Target($0, reach) }
        }
    }

    /// Whether the table has rules for a route template (tests, docs).
    public static func hasRules(for template: String) -> Bool { table[template] != nil }

    private static func fill(_ template: String, from match: RouteMatch) -> String? {
        var result = ""
        for segment in template.split(separator: "/") {
            result += "/"
            if segment.first == "{", segment.last == "}" {
                guard let value = match.parameter(named: segment.dropFirst().dropLast()), !value.isEmpty else {
                    return nil
                }
                result += value
            } else {
                result += segment
            }
        }
        return result
    }
}
