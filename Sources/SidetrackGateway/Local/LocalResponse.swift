import NIOCore
import NIOHTTP1
import SidetrackCore

/// A response Sidetrack writes itself (probes, metrics, admin, gateway errors), whole in memory.
struct LocalResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders {
        didSet { fieldLines = nil }
    }
    var body: [UInt8]
    /// Set for gateway errors: the `Sidetrack-Error` label, also logged.
    var errorLabel: String?
    /// `headers` as field lines, encoded and checked once (`encodingFields`), for a response that
    /// is written again and again — the refusals of an overload; dropped when `headers` change.
    private(set) var fieldLines: ByteBuffer?

    init(status: HTTPResponseStatus, contentType: String, body: [UInt8]) {
        self.status = status
        self.headers = ["content-type": contentType]
        self.body = body
    }

    static func text(_ status: HTTPResponseStatus, _ text: String) -> LocalResponse {
        LocalResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }

    static func json(_ status: HTTPResponseStatus, _ body: [UInt8]) -> LocalResponse {
        LocalResponse(status: status, contentType: "application/json; charset=utf-8", body: body)
    }

    /// This response with its fields encoded once, so that writing it copies them in one go.
    func encodingFields() -> LocalResponse {
        var writer = ResponseHeadWriter(fieldsWith: ByteBufferAllocator())
        writeFields(into: &writer)
        // Sidetrack's own constants: a field that failed the check would be a bug, and is then
        // simply written field by field, checked again.
        guard writer.isValid else { return self }
        var encoded = self
        encoded.fieldLines = writer.fieldLines()
        return encoded
    }

    /// The response's own header fields, checked, without the framing `writeLocal` adds itself.
    fileprivate func writeFields(into writer: inout ResponseHeadWriter) {
        for (name, value) in headers where !Self.isFramedBySidetrack(name) {
            writer.add(name: name, value: value)
        }
    }

    /// Fields `writeLocal` writes itself.
    private static func isFramedBySidetrack(_ name: String) -> Bool {
        HeaderName.equals(name, "content-length") || HeaderName.equals(name, "connection")
    }

    /// A gateway-made error in Spotify's body format, with the `Sidetrack-Error` cause header.
    static func error(_ error: GatewayError) -> LocalResponse {
        var response = json(HTTPResponseStatus(statusCode: error.status), error.spotifyBody)
        response.headers.add(name: "sidetrack-error", value: error.label)
        response.errorLabel = error.label
        return response
    }
}

extension ChannelHandlerContext {
    /// Writes a whole local response (a `ResponsePart`), flushed; `keepAlive: false` adds
    /// `Connection: close`, and `RequestSequencer` closes the connection once it is written.
    /// `X-Request-ID` and `traceresponse`, when given, go after the response's own headers.
    func writeLocal(
        _ response: LocalResponse,
        version: HTTPVersion,
        isHead: Bool,
        keepAlive: Bool,
        requestID: CorrelationID? = nil,
        traceResponse: String? = nil
    ) {
        var writer = ResponseHeadWriter(version: version, status: response.status, allocator: channel.allocator)
        let part = Self.localPart(
            response, writer: &writer, isHead: isHead, keepAlive: keepAlive, requestID: requestID,
            traceResponse: traceResponse)
        writeAndFlush(NIOAny(part), promise: nil)
    }

    /// `writeLocal` on the proxy's request path, where a refusal under overload is the commonest
    /// answer: the head goes into the connection's recycled head buffer with a small body behind
    /// it, and is handed straight to `sequencer` — as a cache hit is (`writeCached`), so that a
    /// refusal costs no more than a hit (it cost 5 allocations and two buffers in one write).
    func writeLocal(
        _ response: LocalResponse, version: HTTPVersion, isHead: Bool, keepAlive: Bool, requestID: CorrelationID,
        traceResponse: String?, heads: inout HeadBufferRecycler, sequencer: RequestSequencer?
    ) {
        var writer = ResponseHeadWriter(version: version, status: response.status, heads: &heads, allocator: channel.allocator)
        let part = Self.localPart(
            response, writer: &writer, isHead: isHead, keepAlive: keepAlive, requestID: requestID,
            traceResponse: traceResponse)
        if case .whole(let head, _, _) = part { heads.keep(head) }
        if sequencer?.respondAndFlush(part) != true {
            writeAndFlush(NIOAny(part), promise: nil)
        }
    }

    /// The response's head (after what `writer` holds: its status line) and body as one whole
    /// part; a body up to `inlineBodyLimit` is copied behind the head, in the same buffer.
    private static func localPart(
        _ response: LocalResponse, writer: inout ResponseHeadWriter, isHead: Bool, keepAlive: Bool,
        requestID: CorrelationID?, traceResponse: String?
    ) -> ResponsePart {
        if let lines = response.fieldLines {
            writer.add(lines: lines)
        } else {
            response.writeFields(into: &writer)
        }
        if let requestID { writer.add("x-request-id", id: requestID) }
        if let traceResponse { writer.add("traceresponse", value: traceResponse) }
        writer.add("content-length", value: response.body.count)
        if !keepAlive { writer.add("connection", value: "close") }
        // Valid by construction: every local response's fields are Sidetrack's own constants and
        // numbers (a client's `X-Request-ID` is used only when it is a safe token).
        assert(writer.isValid, "a local response's head failed the field check")
        if isHead || response.body.isEmpty {
            return .whole(head: writer.finish(), body: nil, closes: !keepAlive)
        }
        if response.body.count <= inlineBodyLimit {
            return .whole(head: writer.finish(appending: response.body), body: nil, closes: !keepAlive)
        }
        return .whole(head: writer.finish(), body: ByteBuffer(bytes: response.body), closes: !keepAlive)
    }
}
