import SidetrackCore

/// One access-log line (DESIGN §4): everything an operator needs about one request, with ids
/// that join it to its trace. Encoded by hand (``encode(into:)``) because it is written once
/// per request on the event loop. Noncopyable: built and encoded once per request, and as a
/// copyable value the compiler copied it whole between its init and its encoding — a retain and
/// a release per string field (9 of each per request, counted with uprobes).
public struct AccessLogRecord: ~Copyable, Sendable {
    /// When the request finished.
    public var ts: LogTimestamp
    /// `X-Request-ID` as received or generated.
    public var requestID: CorrelationID
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
        requestID: CorrelationID,
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

    /// Appends the JSON object (no trailing newline) to `out`, in one copy: the line is written
    /// into room sized by `maxEncodedBytes` (on the stack) through a `ByteWriter`.
    public func encode(into out: inout [UInt8]) {
        self.withEncodedBytes { out.append(contentsOf: $0) }
    }

    /// Calls `body` with the encoded line (no trailing newline), written on the stack: the request
    /// path hands it to `LogSink.write(line:)`, which copies it under the sink's lock, so nothing
    /// but that copy happens while the lock is held.
    ///
    /// The line is first written into 1 KiB of stack, which holds any ordinary line (~350 bytes);
    /// only one that does not fit is written again into room for the worst case (every string
    /// byte escaped), which is larger than what `withUnsafeTemporaryAllocation` puts on the stack
    /// of an event-loop thread — sizing every line for the worst case cost a heap allocation each.
    /// Not generic: called from another module, a generic one ran unspecialized, instantiating
    /// its metadata on every request.
    public func withEncodedBytes(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let fitted = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.stackRoomBytes) { room -> Bool in
            var writer = ByteWriter(room)
            self.write(to: &writer)
            guard !writer.overflowed else { return false }
            body(UnsafeBufferPointer(rebasing: room[..<writer.count]))
            return true
        }
        if fitted { return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: self.maxEncodedBytes) { room in
            var writer = ByteWriter(room)
            self.write(to: &writer)
            precondition(!writer.overflowed, "AccessLogRecord: line longer than maxEncodedBytes")
            body(UnsafeBufferPointer(rebasing: room[..<writer.count]))
        }
    }

    /// What `withUnsafeTemporaryAllocation` always places on the stack.
    static let stackRoomBytes = 1024

    /// Room enough for any line of this record: the keys and punctuation (~250 bytes), the
    /// timestamp, six numbers and the quotes and nulls fit in `fixedBytes`; each string may take
    /// six bytes per byte once escaped.
    var maxEncodedBytes: Int {
        var strings = self.requestID.utf8Count + self.method.utf8.count + self.route.utf8.count
        strings += self.path.utf8.count + self.cache.rawValue.utf8.count + self.breaker.utf8.count
        strings += self.client.utf8.count + (self.traceID?.utf8.count ?? 0) + (self.spanID?.utf8.count ?? 0)
        strings += (self.rateLimit?.utf8.count ?? 0) + (self.error?.utf8.count ?? 0)
        return Self.fixedBytes + 6 * strings
    }

    static let fixedBytes = 512

    private func write(to out: inout ByteWriter) {
        out.write(#"{"ts":""#)
        self.ts.write(to: &out)
        out.write(#"","level":"info","msg":"request","request_id":"#)
        if self.requestID.isGenerated {
            // 32 hex digits: nothing to escape.
            self.requestID.withUTF8 { digits in
                out.write(UInt8(ascii: "\""))
                out.write(digits)
                out.write(UInt8(ascii: "\""))
            }
        } else {
            JSONBytes.writeString(self.requestID.description, to: &out)
        }
        out.write(#","trace_id":"#)
        Self.writeOptional(self.traceID, to: &out)
        out.write(#","span_id":"#)
        Self.writeOptional(self.spanID, to: &out)
        out.write(#","method":"#)
        JSONBytes.writeString(self.method, to: &out)
        out.write(#","route":"#)
        JSONBytes.writeString(self.route, to: &out)
        out.write(#","path":"#)
        JSONBytes.writeString(Self.withoutQuery(self.path), to: &out)
        out.write(#","status":"#)
        JSONBytes.writeInt(Int64(self.status), to: &out)
        out.write(#","duration_ms":"#)
        JSONBytes.writeFixed3(self.durationMs, to: &out)
        out.write(#","cache":"#)
        JSONBytes.writeString(self.cache.rawValue, to: &out)
        out.write(#","upstream_status":"#)
        if let upstreamStatus { JSONBytes.writeInt(Int64(upstreamStatus), to: &out) } else { out.write("null") }
        out.write(#","upstream_ms":"#)
        if let upstreamMs { JSONBytes.writeFixed3(upstreamMs, to: &out) } else { out.write("null") }
        out.write(#","retries":"#)
        JSONBytes.writeInt(Int64(self.retries), to: &out)
        out.write(#","breaker":"#)
        JSONBytes.writeString(self.breaker, to: &out)
        out.write(#","rate_limit":"#)
        Self.writeOptional(self.rateLimit, to: &out)
        out.write(#","error":"#)
        Self.writeOptional(self.error, to: &out)
        out.write(#","client":"#)
        JSONBytes.writeString(self.client, to: &out)
        out.write(#","bytes_out":"#)
        JSONBytes.writeInt(Int64(self.bytesOut), to: &out)
        out.write(UInt8(ascii: "}"))
    }

    /// The encoded line as a fresh array (convenience for tests and cold paths).
    public func encoded() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(384)
        self.encode(into: &out)
        return out
    }

    @inline(__always)
    private static func writeOptional(_ value: String?, to out: inout ByteWriter) {
        if let value { JSONBytes.writeString(value, to: &out) } else { out.write("null") }
    }

    @inline(__always)
    private static func withoutQuery(_ path: Substring) -> Substring {
        guard let question = path.firstUTF8Index(of: UInt8(ascii: "?")) else { return path }
        return path[..<question]
    }
}
