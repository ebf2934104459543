import NIOCore
import NIOHTTP1

/// HTTP/1.1 response decoder for upstream connections: bytes in, `HTTPClientResponsePart`s out, in
/// place of NIO's `HTTPResponseDecoder` (llhttp behind `ByteToMessageHandler`), which cost a
/// pass-through request what NIO's request decoder cost a hit (see `RequestDecoder`).
///
/// It watches the request heads written through it, as NIO's decoder does, because a response's
/// framing depends on its request: the answer to `HEAD` ends at its head (RFC 9112 §6.3), as do
/// `204` and `304`. Informational (1xx) heads are dropped, as NIO's decoder drops them by default.
/// A body without `Content-Length` or `Transfer-Encoding: chunked` runs to the close, which ends
/// it; a close in the middle of any other answer is `HTTPParserError.invalidEOFState`.
final class UpstreamResponseDecoder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private enum State {
        case head
        case body(BodyDecoder)
        case failed
    }

    /// Heads and trailers larger than this are refused (Spotify's are a few KiB).
    static let maxHeadBytes = 64 * 1024

    private var state = State.head
    /// The methods of requests sent and not yet answered, oldest first.
    private var methods = CircularBuffer<HTTPMethod>(initialCapacity: 2)
    private var pending: ByteBuffer?
    private var scannedHeadBytes = 0
    private var decoding = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .head(let head) = unwrapOutboundIn(data) { methods.append(head.method) }
        context.write(data, promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if case .failed = state { return }
        if pending == nil {
            pending = incoming
        } else {
            pending!.writeBuffer(&incoming)
        }
        guard !decoding else { return }
        decoding = true
        defer { decoding = false }
        while var buffer = pending, buffer.readableBytes > 0 {
            pending = nil
            decode(&buffer, context: context)
            let arrived = pending  // bytes that came in while the parts above were fired
            pending = UndecodedBytes.keep(&buffer, then: arrived, allocator: context.channel.allocator)
            if arrived == nil { break }
        }
        if case .failed = state { pending = nil }
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .body(let body) where body.endsAtClose:
            end(context: context)
        case .body:
            fail(.invalidEOFState, context: context)
        case .head:
            if let pending, pending.readableBytes > 0 { fail(.invalidEOFState, context: context) }
        case .failed:
            break
        }
        context.fireChannelInactive()
    }

    private func decode(_ buffer: inout ByteBuffer, context: ChannelHandlerContext) {
        while buffer.readableBytes > 0 {
            switch state {
            case .failed:
                return
            case .head:
                switch ResponseHeadParser.parse(&buffer, maxHeadBytes: Self.maxHeadBytes, scanned: &scannedHeadBytes) {
                case .needMore:
                    return
                case .failure(let error):
                    fail(error, context: context)
                    return
                case .head(let head, let framing):
                    startBody(head, framing: framing, context: context)
                }
            case .body(var body):
                let step = body.next(&buffer)
                state = .body(body)
                switch step {
                case .needMore: return
                case .framing: break
                case .body(let slice): context.fireChannelRead(wrapInboundOut(.body(slice)))
                case .end: end(context: context)
                case .failure(let error):
                    fail(error, context: context)
                    return
                }
            }
        }
        // A fixed-length body that ended exactly with this read.
        if case .body(var body) = state, case .end = body.next(&buffer) { end(context: context) }
    }

    private func startBody(_ head: HTTPResponseHead, framing: ResponseHeadParser.Framing, context: ChannelHandlerContext) {
        let code = head.status.code
        // 1xx: not the answer; the final head follows (and the request stays unanswered).
        if code < 200 { return }
        let method = methods.popFirst()
        context.fireChannelRead(wrapInboundOut(.head(head)))
        if method == .HEAD || code == 204 || code == 304 {
            end(context: context)
            return
        }
        switch framing {
        case .length(0): end(context: context)
        case .length(let length): state = .body(BodyDecoder(.length(length), maxTrailerBytes: Self.maxHeadBytes))
        case .chunked: state = .body(BodyDecoder(.chunked, maxTrailerBytes: Self.maxHeadBytes))
        case .untilClose: state = .body(BodyDecoder(.untilClose, maxTrailerBytes: Self.maxHeadBytes))
        }
    }

    private func end(context: ChannelHandlerContext) {
        state = .head
        context.fireChannelRead(wrapInboundOut(.end(nil)))
    }

    private func fail(_ error: HTTPParserError, context: ChannelHandlerContext) {
        state = .failed
        pending = nil
        context.fireErrorCaught(error)
    }
}
