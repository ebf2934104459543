import NIOCore
import NIOHTTP1

/// One fully received request, as the endpoint code sees it.
struct EmulatorRequest {
    var method: HTTPMethod
    /// The path as sent, without the query (what stats count).
    var path: String
    /// The query string after `?` (empty when absent).
    var rawQuery: Substring
    var query: QueryParameters
    var headers: HTTPHeaders
    /// The request body (empty for the echo helper, which hashes as it reads instead).
    var body: ByteBuffer
    /// Size and SHA-256 of the body, computed while it streamed in (echo helper only).
    var digest: BodyDigest?

    init(head: HTTPRequestHead, body: ByteBuffer, digest: BodyDigest?) {
        method = head.method
        headers = head.headers
        self.body = body
        self.digest = digest
        let uri = head.uri[...]
        if let mark = uri.firstIndex(of: "?") {
            path = String(uri[..<mark])
            rawQuery = uri[uri.index(after: mark)...]
        } else {
            path = String(uri)
            rawQuery = ""
        }
        query = QueryParameters(rawQuery)
    }

    /// Path segments without empty ones, so spotipy's trailing slashes (`me/`) route like `me`.
    var segments: [Substring] { path.split(separator: "/", omittingEmptySubsequences: true) }

    /// The bearer token of `Authorization: Bearer …`, or nil when absent or another scheme.
    var bearerToken: String? {
        guard let value = headers.first(name: "authorization") else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingSpaces
        return token.isEmpty ? nil : String(token)
    }

    /// Whether the client accepts a gzip body (`gzip` listed without `q=0`).
    var acceptsGzip: Bool {
        for value in headers[canonicalForm: "accept-encoding"] {
            let fields = value.split(separator: ";").map(\.trimmingSpaces)
            guard fields.first?.lowercased() == "gzip" || fields.first == "*" else { continue }
            let refused = fields.dropFirst().contains { $0.hasPrefix("q=") && Double($0.dropFirst(2)) == 0 }
            if !refused { return true }
        }
        return false
    }
}

/// Size and digest of a streamed request body.
struct BodyDigest {
    var byteCount: Int
    var sha256Hex: String
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
