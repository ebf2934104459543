import NIOHTTP1
import SidetrackCore

/// Which headers cross the gateway, in each direction.
enum HeaderPolicy {
    /// Request headers Sidetrack sets itself or that describe the client connection.
    private static let replacedOnRequest: Set<String> = [
        "host", "content-length", "accept-encoding", "x-request-id", "x-correlation-id",
        "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded", "expect",
    ]

    /// The headers for the upstream request: the client's minus hop-by-hop and the ones replaced
    /// here, plus the request id and `X-Forwarded-*`. `Accept-Encoding` is narrowed to gzip (or
    /// nothing) because Sidetrack must be able to decode a body to rewrite its links.
    static func upstreamRequestHeaders(
        from client: HTTPHeaders,
        requestID: String,
        peerAddress: String?,
        acceptsGzip: Bool
    ) -> HTTPHeaders {
        let connectionTokens = HopByHopHeaders.connectionTokens(client[canonicalForm: "connection"].map(String.init))
        var headers = HTTPHeaders()
        headers.reserveCapacity(client.count + 4)
        var forwardedFor: String?
        for (name, value) in client {
            let lower = name.lowercased()
            if lower == "x-forwarded-for" { forwardedFor = forwardedFor.map { "\($0), \(value)" } ?? value }
            if replacedOnRequest.contains(lower) || HopByHopHeaders.isHopByHop(lower, connectionTokens: connectionTokens) {
                continue
            }
            headers.add(name: name, value: value)
        }
        headers.add(name: "x-request-id", value: requestID)
        if let peerAddress {
            headers.add(name: "x-forwarded-for", value: forwardedFor.map { "\($0), \(peerAddress)" } ?? peerAddress)
        }
        headers.add(name: "x-forwarded-proto", value: "http")
        if let host = client.first(name: "host") { headers.add(name: "x-forwarded-host", value: host) }
        if acceptsGzip { headers.add(name: "accept-encoding", value: "gzip") }
        return headers
    }

    /// The headers for the client: the upstream's minus hop-by-hop; `Content-Length` is dropped when
    /// the body will be rewritten (its length changes, so it goes out chunked).
    static func clientResponseHeaders(from upstream: HTTPHeaders, bodyRewritten: Bool, requestID: String) -> HTTPHeaders {
        let connectionTokens = HopByHopHeaders.connectionTokens(upstream[canonicalForm: "connection"].map(String.init))
        var headers = HTTPHeaders()
        headers.reserveCapacity(upstream.count + 3)
        for (name, value) in upstream {
            let lower = name.lowercased()
            if HopByHopHeaders.isHopByHop(lower, connectionTokens: connectionTokens) { continue }
            if bodyRewritten && lower == "content-length" { continue }
            if lower == "x-request-id" { continue }
            headers.add(name: name, value: value)
        }
        headers.add(name: "x-request-id", value: requestID)
        return headers
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
