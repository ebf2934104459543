import NIOCore
import NIOHTTP1
import SidetrackObservability

extension ChannelHandlerContext {
    /// Writes a stored answer: its headers plus this request's `X-Request-ID`, `X-Cache` and `Age`;
    /// a `304` without body when the client's `If-None-Match` matched. Records what was sent
    /// (cache label, status, body bytes) in `request`, for stage 9.
    func writeCached(
        _ entry: CachedResponse, label: CacheLabel, notModified: Bool, request: inout RequestContext,
        keepAlive: Bool, now: Int64
    ) {
        let version = request.version
        let isHead = request.isHead
        var headers = entry.headers
        headers.add(name: "x-request-id", value: request.requestID)
        headers.addTraceResponse(for: request)
        headers.add(name: "x-cache", value: label.headerValue)
        headers.add(name: "age", value: String(entry.lifetimes.age(at: now)))
        let status: HTTPResponseStatus = notModified ? .notModified : entry.status
        if notModified {
            headers.remove(name: "content-encoding")
            headers.remove(name: "content-type")
        } else {
            headers.add(name: "content-length", value: String(entry.body.readableBytes))
        }
        if !keepAlive { headers.add(name: "connection", value: "close") }
        write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: version, status: status, headers: headers))), promise: nil)
        let sendsBody = !isHead && !notModified && entry.body.readableBytes > 0
        if sendsBody {
            write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(entry.body))), promise: nil)
        }
        if keepAlive {
            // No promise: a future per hit (allocated, completed, released) that nobody reads.
            writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
        } else {
            let context = NIOLoopBound(self, eventLoop: eventLoop)
            writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in
                context.value.close(promise: nil)
            }
        }
        request.cache = label
        request.status = Int(status.code)
        request.bytesOut = sendsBody ? entry.body.readableBytes : 0
    }
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
