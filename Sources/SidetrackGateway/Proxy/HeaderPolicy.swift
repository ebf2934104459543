import NIOHTTP1
import SidetrackCore

/// Which headers cross the gateway, in each direction.
enum HeaderPolicy {
    /// Request headers Sidetrack sets itself or that describe the client connection: `host`,
    /// `content-length`, `accept-encoding`, `x-request-id`, `x-correlation-id`, `x-forwarded-for`,
    /// `x-forwarded-proto`, `x-forwarded-host`, `forwarded`, `expect` (matched by length and bytes).
    static func isReplacedOnRequest(_ name: String) -> Bool {
        switch name.utf8.count {
        case 4: HeaderName.equals(name, "host")
        case 6: HeaderName.equals(name, "expect")
        case 9: HeaderName.equals(name, "forwarded")
        case 12: HeaderName.equals(name, "x-request-id")
        case 14: HeaderName.equals(name, "content-length")
        case 15: HeaderName.equals(name, "accept-encoding") || HeaderName.equals(name, "x-forwarded-for")
        case 16: HeaderName.equals(name, "x-correlation-id") || HeaderName.equals(name, "x-forwarded-host")
        case 17: HeaderName.equals(name, "x-forwarded-proto")
        default: false
        }
    }

    /// The names a `Connection` header lists (most messages have none).
    private static func connectionTokens(_ headers: HTTPHeaders) -> Set<String> {
        headers.contains(name: "connection") ? HopByHopHeaders.connectionTokens(headers["connection"]) : []
    }

    /// Writes the upstream request's fields into its head: the client's minus hop-by-hop and the
    /// ones replaced here (and its validators when `dropsValidators`; and any named in `replacedBy`,
    /// written after these by the caller), plus the request id and `X-Forwarded-*`.
    /// `Accept-Encoding` is narrowed to gzip (or nothing) because Sidetrack must be able to decode a
    /// body to rewrite its links. `field` writes one field and says whether it passed the checks;
    /// false as soon as one did not (the head must not be sent).
    static func writeUpstreamRequestFields(
        _ forwarded: ForwardedFields, replacedBy own: HTTPHeaders, field: (String, String) -> Bool,
        requestID: (CorrelationID) -> Bool
    ) -> Bool {
        let client = forwarded.client
        let connectionTokens = connectionTokens(client)
        var forwardedFor: String?
        for (name, value) in client {
            if HeaderName.equals(name, "x-forwarded-for") { forwardedFor = forwardedFor.map { "\($0), \(value)" } ?? value }
            if isReplacedOnRequest(name) || HopByHopHeaders.isHopByHop(name, connectionTokens: connectionTokens) { continue }
            if forwarded.dropsValidators, HeaderName.equals(name, "if-none-match") || HeaderName.equals(name, "if-modified-since") {
                continue
            }
            if !own.isEmpty, own.contains(name: name) { continue }
            guard field(name, value) else { return false }
        }
        guard requestID(forwarded.requestID) else { return false }
        if let peer = forwarded.peerAddress {
            guard field("x-forwarded-for", forwardedFor.map { "\($0), \(peer)" } ?? peer) else { return false }
        }
        guard field("x-forwarded-proto", "http") else { return false }
        if let host = client.first(name: "host") {
            guard field("x-forwarded-host", host) else { return false }
        }
        if forwarded.acceptsGzip { return field("accept-encoding", "gzip") }
        return true
    }

    /// The headers for the client: the upstream's minus hop-by-hop; `Content-Length` is dropped when
    /// the body will be rewritten (its length changes, so it goes out chunked).
    static func clientResponseHeaders(from upstream: HTTPHeaders, bodyRewritten: Bool, requestID: CorrelationID) -> HTTPHeaders {
        let connectionTokens = connectionTokens(upstream)
        // Pairs first, made into `HTTPHeaders` once: `HTTPHeaders.add` checks every name for
        // non-ASCII bytes, and the response head parser's names are tokens.
        var fields: [(String, String)] = []
        fields.reserveCapacity(upstream.count + 3)
        for (name, value) in upstream
        where forwardsToClient(name, connectionTokens: connectionTokens, keepsLength: !bodyRewritten, notModified: false) {
            fields.append((name, value))
        }
        fields.append(("x-request-id", requestID.description))
        return HTTPHeaders(fields)
    }

    /// Writes the upstream's fields for the client straight into a head (a proxied answer's, see
    /// `ResponsePart.streamHead`): the same fields `clientResponseHeaders` keeps, less
    /// `Content-Length` when `keepsLength` is false (a rewritten body, a head that frames no body)
    /// and the representation's fields of a 304 made from a 200 (`notModified`). `Transfer-Encoding`
    /// is hop-by-hop: the client's framing is the gateway's.
    static func writeClientResponseFields(
        from upstream: HTTPHeaders, keepsLength: Bool, notModified: Bool, into writer: inout ResponseHeadWriter
    ) {
        let connectionTokens = connectionTokens(upstream)
        for (name, value) in upstream
        where forwardsToClient(name, connectionTokens: connectionTokens, keepsLength: keepsLength, notModified: notModified) {
            writer.add(name: name, value: value)
        }
    }

    /// The one rule both forms above follow, so a stored answer and a streamed one carry the same
    /// fields: not hop-by-hop, not the upstream's `X-Request-ID` (the gateway's goes instead),
    /// `Content-Length` only when `keepsLength`, and no `Content-Encoding` or `Content-Type` on a
    /// 304 made from a 200 (`notModified`).
    private static func forwardsToClient(
        _ name: String, connectionTokens: Set<String>, keepsLength: Bool, notModified: Bool
    ) -> Bool {
        if HopByHopHeaders.isHopByHop(name, connectionTokens: connectionTokens) { return false }
        if HeaderName.equals(name, "x-request-id") { return false }
        if !keepsLength, HeaderName.equals(name, "content-length") { return false }
        if notModified, HeaderName.equals(name, "content-encoding") || HeaderName.equals(name, "content-type") { return false }
        return true
    }

    /// Whether the client accepts gzip (`Accept-Encoding: gzip`, not `gzip;q=0`).
    static func acceptsGzip(_ headers: HTTPHeaders) -> Bool {
        for value in headers[canonicalForm: "accept-encoding"] {
            let parts = value.split(separator: ";")
            guard let coding = parts.first, coding.withoutSpaces().lowercased() == "gzip" else { continue }
            let refused = parts.dropFirst().contains { parameter in
                let text = parameter.withoutSpaces()
                return text == "q=0" || text == "q=0.0" || text == "q=0.00" || text == "q=0.000"
            }
            return !refused
        }
        return false
    }
}

extension Substring {
    fileprivate func withoutSpaces() -> String {
        String(self.filter { $0 != " " && $0 != "\t" })
    }
}
