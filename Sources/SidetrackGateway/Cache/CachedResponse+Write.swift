import NIOCore
import NIOHTTP1
import SidetrackObservability

extension ChannelHandlerContext {
    /// Writes a stored answer, flushed: its headers plus this request's `X-Request-ID`, `X-Cache`
    /// and `Age`; a `304` without body when the client's `If-None-Match` matched. Records what was
    /// sent (cache label, status, body bytes) in `request`, for stage 9.
    ///
    /// The head goes straight into bytes (`ResponseHeadWriter`): a hit copies the entry's stored
    /// field lines in one go, and the body is a slice of the stored buffer. `sequencer`: the
    /// connection's `RequestSequencer` when it sits right before the caller, to hand the answer
    /// over directly.
    func writeCached(
        _ entry: CachedResponse, label: CacheLabel, notModified: Bool, request: inout RequestContext,
        keepAlive: Bool, now: Int64, heads: inout HeadBufferRecycler, sequencer: RequestSequencer? = nil
    ) {
        let status: HTTPResponseStatus = notModified ? .notModified : entry.status
        var writer = ResponseHeadWriter(version: request.version, status: status, heads: &heads, allocator: channel.allocator)
        if notModified {
            // A 304 describes the stored representation without sending it.
            for (name, value) in entry.headers where !CachedResponse.isRepresentationHeader(name) {
                writer.add(name: name, value: value)
            }
        } else {
            writer.add(lines: entry.headerLines)
        }
        writer.add("x-request-id", id: request.requestID)
        if let traceResponse = request.traceResponseValue { writer.add("traceresponse", value: traceResponse) }
        writer.add("x-cache", value: label.headerValue)
        writer.add("age", value: Int(entry.lifetimes.age(at: now)))
        if !notModified { writer.add("content-length", value: entry.body.readableBytes) }
        if !keepAlive { writer.add("connection", value: "close") }
        let sendsBody = !request.isHead && !notModified && entry.body.readableBytes > 0
        // Valid by construction: stored fields were checked when the entry was made, the rest is
        // Sidetrack's own (a client's `X-Request-ID` is used only when it is a safe token).
        assert(writer.isValid, "a cached answer's head failed the field check")
        // A small body goes out in the head's buffer: one write through the channel pipeline
        // instead of two (each write's trip through NIO costs more than copying a few KiB), and the
        // recycled head buffer keeps the capacity for the next answer.
        let inlinesBody = sendsBody && entry.body.readableBytes <= Self.inlineBodyLimit
        let head = inlinesBody ? writer.finish(appending: entry.body) : writer.finish()
        heads.keep(head)
        let part = ResponsePart.whole(head: head, body: sendsBody && !inlinesBody ? entry.body : nil, closes: !keepAlive)
        if sequencer?.respondAndFlush(part) != true {
            writeAndFlush(NIOAny(part), promise: nil)
        }
        request.cache = label
        request.status = Int(status.code)
        request.bytesOut = sendsBody ? entry.body.readableBytes : 0
    }
}

extension ChannelHandlerContext {
    /// Cached bodies up to this size are copied behind the head (`writeCached`); a bigger one is
    /// written as the stored buffer itself. Under `HeadBufferRecycler.maxKeptCapacity` with room
    /// for the head, so the buffer is still kept for reuse.
    static let inlineBodyLimit = 8 * 1024
}

extension CacheLabel {
    /// The `X-Cache` header value: `HIT`, `MISS`, `STALE`, `REVALIDATED`, `BYPASS`.
    var headerValue: String {
        switch self {
        case .hit: "HIT"
        case .miss: "MISS"
        case .stale: "STALE"
        case .revalidated: "REVALIDATED"
        case .bypass: "BYPASS"
        }
    }
}
