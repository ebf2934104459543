import NIOCore
import NIOHTTP1
import SidetrackCore

/// One stored answer, ready to be written on the event loop: status, the headers to replay and
/// the body exactly as the client gets it (links already rewritten, gzip if the key says so).
///
/// Immutable and shared: a hit writes a slice of `body` without copying it, and its stored header
/// fields as one block of bytes (`headerLines`) encoded and checked once, when the entry was made.
final class CachedResponse: Sendable {
    let status: HTTPResponseStatus
    /// Upstream headers minus hop-by-hop and the per-request ones (`X-Request-ID`,
    /// `Content-Length`, `Server-Timing`, `X-Cache`, `Age`, `Date`), which every answer sets anew,
    /// in wire form: `name: value\r\n` per field. A field that fails the checks a response head's
    /// fields must pass (`HTTPFieldCheck`: a tampered disk entry, say) is left out, so no entry can
    /// split a response.
    let headerLines: ByteBuffer
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
        self.headerLines = Self.replayableLines(headers)
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
        headerLines = other.headerLines
        body = other.body
        etag = other.etag
        self.lifetimes = lifetimes
    }

    /// The same answer with new lifetimes (after a 304 revalidation).
    func renewed(_ lifetimes: CacheLifetimes) -> CachedResponse {
        CachedResponse(copying: self, lifetimes: lifetimes)
    }

    /// Bytes this entry holds on the heap, as counted against the memory budget, so that the tier's
    /// budget bounds the process's growth (issue 7: RSS ≤ idle + budget + 10 %). The body's whole
    /// allocation counts, not just its readable bytes: NIO rounds every buffer up to a power of two,
    /// so a 9 KiB answer holds 16 KiB. Every string and the header array count as the allocations
    /// they are; `fixedOverhead` covers this object, the LRU node and the dictionary slot. Counting
    /// only UTF-8 bytes plus 256 missed ~700 bytes per entry (measured with glibc's malloc_stats over
    /// 7,057 entries), which let a full 64 MiB tier grow the process ~10 MiB past its budget.
    var cost: Int {
        var bytes = HeapSize.buffer(capacity: body.capacity) + Self.fixedOverhead
        bytes += HeapSize.string(key) + HeapSize.string(path) + HeapSize.string(scope) + HeapSize.string(etag)
        return bytes + HeapSize.buffer(capacity: headerLines.capacity)
    }

    private static let fixedOverhead = 384

    private static let perRequestHeaders: Set<String> = [
        "x-request-id", "content-length", "server-timing", "x-cache", "age", "date", "connection", "traceresponse",
        "transfer-encoding",
    ]

    private static func replayableLines(_ headers: HTTPHeaders) -> ByteBuffer {
        let kept = headers.filter { name, value in
            !perRequestHeaders.contains(name.lowercased()) && HTTPFieldCheck.isValidName(name)
                && HTTPFieldCheck.isValidValue(value)
        }
        var lines = ByteBuffer()
        lines.reserveCapacity(kept.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 })
        for (name, value) in kept {
            lines.writeString(name)
            lines.writeStaticString(": ")
            lines.writeString(value)
            lines.writeStaticString("\r\n")
        }
        return lines
    }

    /// The stored fields as `HTTPHeaders` (a `304`'s head and the disk tier; hits copy `headerLines`).
    var headers: HTTPHeaders {
        // Lines this type wrote itself always parse.
        Self.fields(fromLines: headerLines.readableBytesView) ?? HTTPHeaders()
    }

    /// `name: value` lines, each ending in LF or CRLF (`headerLines`, or the disk tier's copy of
    /// them), as fields; nil when a line has no `:`.
    static func fields(fromLines lines: some BidirectionalCollection<UInt8>) -> HTTPHeaders? {
        var headers = HTTPHeaders()
        for line in lines.split(separator: UInt8(ascii: "\n")) {
            let text = String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...], as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else { return nil }
            headers.add(name: String(text[..<colon]), value: String(text[text.index(after: colon)...].dropFirst()))
        }
        return headers
    }

    /// Headers that describe the body itself, left out of a `304` (it sends no body).
    static func isRepresentationHeader(_ name: String) -> Bool {
        HeaderName.equals(name, "content-type") || HeaderName.equals(name, "content-encoding")
    }

    /// Whether a client's `If-None-Match` names this entry's ETag.
    func matches(ifNoneMatch values: [String]) -> Bool {
        ETagMatching.matches(etag, ifNoneMatch: values)
    }
}
