import NIOCore
import NIOHTTP1
import SidetrackCore

/// One stored answer, ready to be written on the event loop: status, the headers to replay and
/// the body exactly as the client gets it (links already rewritten, gzip if the key says so).
///
/// Immutable and shared: a hit writes a slice of `body` without copying it.
final class CachedResponse: Sendable {
    let status: HTTPResponseStatus
    /// Upstream headers minus hop-by-hop and the per-request ones (`X-Request-ID`,
    /// `Content-Length`, `Server-Timing`, `X-Cache`, `Age`, `Date`), which every answer sets anew.
    let headers: HTTPHeaders
    let body: ByteBuffer
    let etag: String?
    let lifetimes: CacheLifetimes
    /// Route template, path and scope: what invalidation and purge match on.
    let route: String
    let path: String
    let scope: String?
    let key: String

    init(
        key: CacheKey, route: String, status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer,
        lifetimes: CacheLifetimes
    ) {
        self.key = key.text
        self.path = key.path
        self.scope = key.scope
        self.route = route
        self.status = status
        self.headers = Self.replayable(headers)
        self.body = body
        self.etag = headers.first(name: "etag")
        self.lifetimes = lifetimes
    }

    private init(copying other: CachedResponse, lifetimes: CacheLifetimes) {
        key = other.key
        path = other.path
        scope = other.scope
        route = other.route
        status = other.status
        headers = other.headers
        body = other.body
        etag = other.etag
        self.lifetimes = lifetimes
    }

    /// The same answer with new lifetimes (after a 304 revalidation).
    func renewed(_ lifetimes: CacheLifetimes) -> CachedResponse {
        CachedResponse(copying: self, lifetimes: lifetimes)
    }

    /// Bytes this entry holds, as counted against the memory budget (a fixed overhead covers the
    /// object, the key and dictionary slots). The body's whole allocation counts, not just its
    /// readable bytes: NIO rounds every buffer up to a power of two, so a 9 KiB answer holds 16 KiB.
    var cost: Int {
        body.capacity + key.utf8.count + headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 } + 256
    }

    private static let perRequestHeaders: Set<String> = [
        "x-request-id", "content-length", "server-timing", "x-cache", "age", "date", "connection", "traceresponse",
        "transfer-encoding",
    ]

    private static func replayable(_ headers: HTTPHeaders) -> HTTPHeaders {
        var kept = HTTPHeaders()
        for (name, value) in headers where !perRequestHeaders.contains(name.lowercased()) {
            kept.add(name: name, value: value)
        }
        return kept
    }

    /// Whether a client's `If-None-Match` names this entry's ETag.
    func matches(ifNoneMatch values: [String]) -> Bool {
        ETagMatching.matches(etag, ifNoneMatch: values)
    }
}
