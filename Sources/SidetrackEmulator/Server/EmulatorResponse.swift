import NIOCore
import NIOHTTP1

/// What an endpoint answers; the server adds connection handling, compression and faults.
struct EmulatorResponse {
    enum Body {
        case empty
        /// A complete body, with its gzip form when it was precomputed (cached catalog bodies).
        case bytes(ByteBuffer, gzipped: ByteBuffer?)
        /// The large-document test helper: about `byteCount` bytes streamed chunk by chunk.
        case largeJSON(byteCount: Int)
    }

    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: Body

    static let jsonContentType = "application/json; charset=utf-8"

    /// Headers every `/v1/` JSON answer carries, as Spotify sends them.
    static func apiHeaders() -> HTTPHeaders {
        ["Content-Type": jsonContentType, "Cache-Control": "private, max-age=0"]
    }

    static func json(_ text: String, status: HTTPResponseStatus = .ok) -> EmulatorResponse {
        EmulatorResponse(status: status, headers: apiHeaders(), body: .bytes(ByteBuffer(string: text), gzipped: nil))
    }

    static func cached(_ body: CachedBody, status: HTTPResponseStatus = .ok) -> EmulatorResponse {
        EmulatorResponse(status: status, headers: apiHeaders(), body: .bytes(body.identity, gzipped: body.gzipped))
    }

    static func error(_ error: SpotifyAPIError) -> EmulatorResponse {
        json(error.body, status: HTTPResponseStatus(statusCode: error.status))
    }

    /// A bodiless answer (204, 304) that still carries Spotify's cache header.
    static func noContent(_ status: HTTPResponseStatus = .noContent) -> EmulatorResponse {
        EmulatorResponse(status: status, headers: ["Cache-Control": "private, max-age=0"], body: .empty)
    }
}
