import NIOCore
import NIOHTTP1
import SidetrackCore
import SidetrackObservability

/// Everything Sidetrack learns about one request on its way through the stages (STYLE §3): the
/// classified route, who is calling, what the cache and upstream did, timings. Not headers, not globals.
struct RequestContext {
    let startNanos: UInt64
    let method: HTTPMethod
    let version: HTTPVersion
    var keepAlive: Bool
    /// The request path without the query string (logged; query values may carry secrets).
    var path: Substring
    /// Path and query as sent upstream.
    var pathAndQuery: Substring
    var requestID: CorrelationID
    var route: RouteDescriptor = .other
    /// The route match with its path parameters (invalidation fills prefixes from them).
    var match: RouteMatch?
    /// HMAC identity of the bearer token (64 hex digits); nil without a token.
    var tokenIdentity: String?
    var cacheDirective: RequestCacheDirective = .normal
    var cacheKey: CacheKey?
    /// `tok:…` (keyed hash of the bearer token) or `ip:…`; never the token itself.
    var client: String
    /// The scheme and host that links in bodies are rewritten to.
    var publicBase: String
    var acceptsGzip = false
    var cache: CacheLabel = .bypass
    var status = 0
    var bytesOut = 0
    var upstreamStatus: Int?
    var upstreamStartNanos: UInt64?
    var upstreamNanos: UInt64?
    var retries = 0
    /// The route group's breaker as this request met it (`closed`, `half_open` for a probe, `open`).
    var breaker = "closed"
    /// `client_rejected`, `upstream_delayed` or `upstream_rejected` when a rate limit acted (logged).
    var rateLimit: String?
    var errorLabel: String?
    /// The client sent `Idempotency-Key`: a mutation it promises is safe to repeat.
    var hasIdempotencyKey = false
    /// The server span; nil when tracing is off (nothing allocated for an untraced request).
    var trace: RequestTrace?

    /// Inlined, as `traceResponseValue`: called on a context stored in a class (the exchange's),
    /// a computed property copied the whole context first — every field retained and released.
    @inline(__always) var isHead: Bool { method == .HEAD }
}
