import SidetrackCore

/// One access-log line (DESIGN §4): everything an operator needs about one request, with ids
/// that join it to its trace. Encoded by hand (``encode(into:)``) because it is written once
/// per request on the event loop.
public struct AccessLogRecord: Sendable {
    /// When the request finished.
    public var ts: LogTimestamp
    /// `X-Request-ID` as received or generated.
    public var requestID: String
    /// W3C trace id (32 hex), `nil` when tracing is off.
    public var traceID: String?
    /// Server span id (16 hex), `nil` when tracing is off.
    public var spanID: String?
    /// Request method.
    public var method: String
    /// Route template (bounded), e.g. `/v1/albums/{id}`, or `other`.
    public var route: String
    /// Request path. Anything from `?` on is cut when encoding: query values can carry secrets.
    public var path: Substring
    /// Status sent to the client.
    public var status: Int
    /// Total time, milliseconds (written with 3 decimals).
    public var durationMs: Double
    /// What the cache did.
    public var cache: CacheLabel
    /// Status of the last upstream response, `nil` when Spotify was not called.
    public var upstreamStatus: Int?
    /// Time spent upstream in milliseconds, `nil` when Spotify was not called.
    public var upstreamMs: Double?
    /// Upstream retries made (0 when the first attempt answered).
    public var retries: Int
    /// Circuit-breaker state for the route group, e.g. `closed`.
    public var breaker: String
    /// What a rate limit decided, when it did more than let the request through:
    /// `client_rejected`, `upstream_delayed`, `upstream_rejected`; nil otherwise.
    public var rateLimit: String?
    /// The `Sidetrack-Error` cause when Sidetrack itself answered with an error; nil otherwise.
    public var error: String?
    /// Client identity: token identity hash or peer address — never the token.
    public var client: String
    /// Response body bytes sent.
    public var bytesOut: Int

    /// Creates a record; `ts` defaults to now.
    public init(
        ts: LogTimestamp = .now(),
        requestID: String,
        traceID: String? = nil,
        spanID: String? = nil,
        method: String,
        route: String,
        path: Substring,
        status: Int,
        durationMs: Double,
        cache: CacheLabel,
        upstreamStatus: Int? = nil,
        upstreamMs: Double? = nil,
        retries: Int = 0,
        breaker: String = "closed",
        rateLimit: String? = nil,
        error: String? = nil,
        client: String,
        bytesOut: Int
    ) {
        self.ts = ts
        self.requestID = requestID
        self.traceID = traceID
        self.spanID = spanID
        self.method = method
        self.route = route
        self.path = path
        self.status = status
        self.durationMs = durationMs
        self.cache = cache
        self.upstreamStatus = upstreamStatus
        self.upstreamMs = upstreamMs
        self.retries = retries
        self.breaker = breaker
        self.rateLimit = rateLimit
        self.error = error
        self.client = client
        self.bytesOut = bytesOut
    }

    /// Appends the JSON object (no trailing newline) to `out`. Reuse `out` across requests
    /// (`removeAll(keepingCapacity: true)`) to avoid an allocation per line.
    public func encode(into out: inout [UInt8]) {
        JSONBytes.appendLiteral(#"{"ts":""#, to: &out)
        self.ts.append(to: &out)
        JSONBytes.appendLiteral(#"","level":"info","msg":"request","request_id":"#, to: &out)
        JSONBytes.appendString(self.requestID, to: &out)
        JSONBytes.appendLiteral(#","trace_id":"#, to: &out)
        Self.appendOptional(self.traceID, to: &out)
        JSONBytes.appendLiteral(#","span_id":"#, to: &out)
        Self.appendOptional(self.spanID, to: &out)
        JSONBytes.appendLiteral(#","method":"#, to: &out)
        JSONBytes.appendString(self.method, to: &out)
        JSONBytes.appendLiteral(#","route":"#, to: &out)
        JSONBytes.appendString(self.route, to: &out)
        JSONBytes.appendLiteral(#","path":"#, to: &out)
        JSONBytes.appendString(Self.withoutQuery(self.path), to: &out)
        JSONBytes.appendLiteral(#","status":"#, to: &out)
        JSONBytes.appendInt(Int64(self.status), to: &out)
        JSONBytes.appendLiteral(#","duration_ms":"#, to: &out)
        JSONBytes.appendFixed3(self.durationMs, to: &out)
        JSONBytes.appendLiteral(#","cache":"#, to: &out)
        JSONBytes.appendString(self.cache.rawValue, to: &out)
        JSONBytes.appendLiteral(#","upstream_status":"#, to: &out)
        if let upstreamStatus { JSONBytes.appendInt(Int64(upstreamStatus), to: &out) } else { Self.appendNull(to: &out) }
        JSONBytes.appendLiteral(#","upstream_ms":"#, to: &out)
        if let upstreamMs { JSONBytes.appendFixed3(upstreamMs, to: &out) } else { Self.appendNull(to: &out) }
        JSONBytes.appendLiteral(#","retries":"#, to: &out)
        JSONBytes.appendInt(Int64(self.retries), to: &out)
        JSONBytes.appendLiteral(#","breaker":"#, to: &out)
        JSONBytes.appendString(self.breaker, to: &out)
        JSONBytes.appendLiteral(#","rate_limit":"#, to: &out)
        Self.appendOptional(self.rateLimit, to: &out)
        JSONBytes.appendLiteral(#","error":"#, to: &out)
        Self.appendOptional(self.error, to: &out)
        JSONBytes.appendLiteral(#","client":"#, to: &out)
        JSONBytes.appendString(self.client, to: &out)
        JSONBytes.appendLiteral(#","bytes_out":"#, to: &out)
        JSONBytes.appendInt(Int64(self.bytesOut), to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The encoded line as a fresh array (convenience for tests and cold paths).
    public func encoded() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(384)
        self.encode(into: &out)
        return out
    }

    @inline(__always)
    private static func appendOptional(_ value: String?, to out: inout [UInt8]) {
        if let value { JSONBytes.appendString(value, to: &out) } else { appendNull(to: &out) }
    }

    @inline(__always)
    private static func appendNull(to out: inout [UInt8]) {
        JSONBytes.appendLiteral("null", to: &out)
    }

    @inline(__always)
    private static func withoutQuery(_ path: Substring) -> Substring {
        guard let question = path.firstUTF8Index(of: UInt8(ascii: "?")) else { return path }
        return path[..<question]
    }
}
