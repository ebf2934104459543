/// An error answer in Spotify's format, thrown by endpoint code and written by the server.
struct SpotifyAPIError: Error, Equatable {
    var status: Int
    var message: String
    var reason: String?

    static func badRequest(_ message: String) -> SpotifyAPIError { .init(status: 400, message: message) }
    static let invalidID = SpotifyAPIError(status: 400, message: "invalid id")
    static let notFound = SpotifyAPIError(status: 404, message: "Resource not found")
    static let serviceNotFound = SpotifyAPIError(status: 404, message: "Service not found")
    static let noToken = SpotifyAPIError(status: 401, message: "No token provided")
    static let expiredToken = SpotifyAPIError(status: 401, message: "The access token expired")
    static let methodNotAllowed = SpotifyAPIError(status: 405, message: "Method not allowed")
    static let bodyTooLarge = SpotifyAPIError(status: 413, message: "Request body too large")

    /// Maps an id problem onto Spotify's answer for it.
    init(_ problem: SpotifyID.Problem) {
        self = problem == .missing ? .notFound : .invalidID
    }

    init(status: Int, message: String, reason: String? = nil) {
        self.status = status
        self.message = message
        self.reason = reason
    }

    /// The message Spotify uses for an injected status.
    static func standardMessage(for status: Int) -> String {
        switch status {
        case 400: "Bad request"
        case 401: "Invalid access token"
        case 403: "Forbidden"
        case 404: "Service not found"
        case 429: "API rate limit exceeded"
        case 500: "Server error"
        case 502: "Bad gateway"
        case 503: "Service unavailable"
        case 504: "Gateway timeout"
        default: "Emulated error"
        }
    }

    var body: String { JSONText.spotifyError(status: status, message: message, reason: reason) }
}
