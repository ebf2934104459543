import NIOHTTP1

/// Maps a request to its endpoint. Order of checks follows Spotify: unknown path (404
/// "Service not found"), then the token (401), then the endpoint's own validation.
struct EmulatorRouter {
    let state: EmulatorState

    func respond(to request: EmulatorRequest) -> EmulatorResponse {
        let segments = request.segments
        do throws(SpotifyAPIError) {
            switch segments.first {
            case "v1": return try api(request, segments.dropFirst())
            case "api" where segments.count == 2 && segments[1] == "token":
                guard request.method == .POST else { throw .methodNotAllowed }
                return TokenEndpoint().respond(request)
            case "_emulator": return ControlEndpoints(state: state).respond(request, segments.dropFirst())
            default: throw .serviceNotFound
            }
        } catch {
            var response = EmulatorResponse.error(error)
            if error.status == 401 { response.headers.add(name: "WWW-Authenticate", value: "Bearer realm=\"spotify\"") }
            return response
        }
    }

    private func api(_ request: EmulatorRequest, _ path: ArraySlice<Substring>) throws(SpotifyAPIError) -> EmulatorResponse {
        let path = Array(path)
        // HEAD is answered like GET; the server drops the body.
        let method = request.method == .HEAD ? .GET : request.method
        if path.first == "emulator" { return try helper(method, request, path.dropFirst()) }

        let catalog = CatalogEndpoints(bodies: state.bodies)
        let playlists = PlaylistEndpoints(store: state.playlists)
        let me = MeEndpoints(bodies: state.bodies, playlists: state.playlists)

        // Resolve the endpoint first: an unknown path is 404 whatever the token.
        let endpoint: (String) throws(SpotifyAPIError) -> EmulatorResponse
        var allowed: [HTTPMethod] = [.GET]
        switch path.count {
        case 1 where path[0] == "tracks": endpoint = { _ throws(SpotifyAPIError) in try catalog.tracks(request) }
        case 1 where path[0] == "search": endpoint = { _ throws(SpotifyAPIError) in try catalog.search(request) }
        case 1 where path[0] == "me": endpoint = { me.profile(token: $0) }
        case 2 where path[0] == "tracks": endpoint = { _ throws(SpotifyAPIError) in try catalog.track(path[1]) }
        case 2 where path[0] == "albums": endpoint = { _ throws(SpotifyAPIError) in try catalog.album(path[1]) }
        case 2 where path[0] == "artists": endpoint = { _ throws(SpotifyAPIError) in try catalog.artist(path[1]) }
        case 2 where path[0] == "playlists": endpoint = { _ throws(SpotifyAPIError) in try playlists.playlist(path[1], request) }
        case 2 where path[0] == "me" && path[1] == "tracks":
            endpoint = { token throws(SpotifyAPIError) in try me.savedTracks(token: token, request) }
        case 2 where path[0] == "me" && path[1] == "playlists":
            endpoint = { token throws(SpotifyAPIError) in try me.playlists(token: token, request) }
        case 2 where path[0] == "me" && path[1] == "player": endpoint = { _ in .noContent() }
        case 3 where path[0] == "albums" && path[2] == "tracks":
            endpoint = { _ throws(SpotifyAPIError) in try catalog.albumTracks(path[1], request) }
        case 3 where path[0] == "artists" && path[2] == "albums":
            endpoint = { _ throws(SpotifyAPIError) in try catalog.artistAlbums(path[1], request) }
        case 3 where path[0] == "playlists" && (path[2] == "items" || path[2] == "tracks"):
            allowed = [.GET, .POST]
            let collection = String(path[2])
            endpoint = { _ throws(SpotifyAPIError) in
                method == .POST
                    ? try playlists.addItems(path[1], request)
                    : try playlists.items(path[1], collection: collection, request)
            }
        case 3 where path[0] == "me" && path[1] == "top" && path[2] == "tracks":
            endpoint = { token throws(SpotifyAPIError) in try me.topTracks(token: token, request) }
        case 3 where path[0] == "me" && path[1] == "player" && path[2] == "queue": endpoint = { me.queue(token: $0) }
        default: throw .serviceNotFound
        }
        guard allowed.contains(method) else { throw .methodNotAllowed }
        guard let token = request.bearerToken else { throw .noToken }
        guard token != "expired" else { throw .expiredToken }
        return try endpoint(token)
    }

    private func helper(_ method: HTTPMethod, _ request: EmulatorRequest, _ path: ArraySlice<Substring>) throws(SpotifyAPIError) -> EmulatorResponse {
        let helpers = TestHelperEndpoints()
        switch (method, Array(path)) {
        case (.GET, ["large"]): return try helpers.large(request)
        case (.PUT, ["echo"]), (.POST, ["echo"]): return helpers.echo(request)
        case (.GET, ["headers"]): return helpers.headers(request)
        case (_, ["large"]), (_, ["echo"]), (_, ["headers"]): throw .methodNotAllowed
        default: throw .serviceNotFound
        }
    }
}
