/// An error that Sidetrack itself answers with (as opposed to one Spotify answered).
///
/// Shaped like AsyncHTTPClient's `HTTPClientError`: a struct over a private code, so new causes can be
/// added without breaking callers, and `label` is a bounded string safe as a metric label and as the
/// value of the `Sidetrack-Error` response header (linkerd's `l5d-proxy-error` idea).
public struct GatewayError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the fault lies: lets logs and alerts tell a bad client from a sick upstream.
    public enum Source: String, Sendable {
        case client, upstream, gateway
    }

    private enum Code: String, Sendable {
        case badRequest = "bad_request"
        case notAllowed = "not_allowed"
        case noRoute = "no_route"
        case headersTooLarge = "headers_too_large"
        case bodyTooLarge = "body_too_large"
        case upstreamTimeout = "upstream_timeout"
        case upstreamUnreachable = "upstream_unreachable"
        case upstreamProtocol = "upstream_protocol"
        case draining = "draining"
        case circuitOpen = "circuit_open"
        case rateLimited = "rate_limited"
        case upstreamCooldown = "upstream_cooldown"
        case bulkheadFull = "bulkhead_full"
        case overloaded
    }

    private let code: Code
    /// A human-readable message for the Spotify-format body. Never contains request data that could be secret.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public static func badRequest(_ message: String) -> Self { .init(.badRequest, message) }
    /// A request Sidetrack refuses on principle: absolute-form URIs for foreign hosts, `CONNECT`.
    public static func notAllowed(_ message: String) -> Self { .init(.notAllowed, message) }
    public static let noRoute = Self(.noRoute, "Service not found")
    public static let headersTooLarge = Self(.headersTooLarge, "Request header fields too large")
    public static let bodyTooLarge = Self(.bodyTooLarge, "Request body too large")
    public static let upstreamTimeout = Self(.upstreamTimeout, "Upstream did not answer in time")
    public static let upstreamUnreachable = Self(.upstreamUnreachable, "Upstream could not be reached")
    public static let upstreamProtocol = Self(.upstreamProtocol, "Upstream sent an invalid response")
    public static let draining = Self(.draining, "Gateway is shutting down")
    public static let circuitOpen = Self(.circuitOpen, "Upstream circuit is open")
    public static let rateLimited = Self(.rateLimited, "API rate limit exceeded")
    public static let upstreamCooldown = Self(.upstreamCooldown, "API rate limit exceeded")
    public static let bulkheadFull = Self(.bulkheadFull, "Too many concurrent upstream requests")
    /// Admission control: the gateway's event loops run late (or it has too many connections).
    public static let overloaded = Self(.overloaded, "Gateway is overloaded, retry later")

    /// The bounded cause string used as `Sidetrack-Error` header value and metric label.
    public var label: String { code.rawValue }

    /// The HTTP status Sidetrack answers with.
    public var status: Int {
        switch code {
        case .badRequest: 400
        case .notAllowed: 403
        case .noRoute: 404
        case .headersTooLarge: 431
        case .bodyTooLarge: 413
        case .upstreamTimeout: 504
        case .upstreamUnreachable, .upstreamProtocol: 502
        case .draining, .circuitOpen, .bulkheadFull, .overloaded: 503
        case .rateLimited, .upstreamCooldown: 429
        }
    }

    public var source: Source {
        switch code {
        case .badRequest, .notAllowed, .noRoute, .headersTooLarge, .bodyTooLarge, .rateLimited: .client
        case .upstreamTimeout, .upstreamUnreachable, .upstreamProtocol, .circuitOpen, .upstreamCooldown: .upstream
        case .draining, .bulkheadFull, .overloaded: .gateway
        }
    }

    /// Whether repeating the same request later may succeed (what a well-behaved client should do).
    public var isRetryable: Bool {
        switch code {
        case .badRequest, .notAllowed, .noRoute, .headersTooLarge, .bodyTooLarge: false
        default: true
        }
    }

    /// Spotify's error body, `{"error":{"status":N,"message":"..."}}`, so client libraries surface it normally.
    public var spotifyBody: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(48 + message.utf8.count)
        out.append(contentsOf: #"{"error":{"status":"#.utf8)
        out.append(contentsOf: String(status).utf8)
        out.append(contentsOf: #","message":"#.utf8)
        JSONString.append(message, to: &out)
        out.append(contentsOf: "}}".utf8)
        return out
    }

    public var description: String { "\(label) (\(status)): \(message)" }
}
