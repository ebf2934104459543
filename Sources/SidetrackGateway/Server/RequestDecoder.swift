import NIOCore
import NIOHTTP1

/// HTTP/1.1 request decoder: bytes in, `HTTPServerRequestPart`s out, in place of NIO's
/// `HTTPRequestDecoder` (llhttp behind `ByteToMessageHandler`). Measured with `bench/run.sh`'s
/// NIO floor (BENCH_FLOOR=1): NIO's decoder cost ~7 µs per keep-alive request, a byte scan into
/// the same `HTTPRequestHead` about nothing beside the read itself.
///
/// Strict where leniency has been a smuggling vector (RFC 9112): lines end in CRLF only; no
/// whitespace before a field's colon; no obs-fold; a message with both `Transfer-Encoding` and
/// `Content-Length`, with differing lengths, or with a transfer coding other than `chunked` is
/// refused. Every refusal is an `HTTPParserError` sent down the pipeline (`ProxyHandler` answers
/// 400, or 431 for `.headerOverflow`), after which the connection's input is ignored.
///
/// Limits: the field section at most `maxHeaderBytes`, the whole head at most that plus 8 KiB for
/// the request line; a chunk-size line (with extensions) 1 KiB; trailers, skipped, `maxHeaderBytes`.
final class RequestDecoder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = HTTPServerRequestPart

    private enum State {
        case head
        case body(BodyDecoder)
        case failed
    }

    private let maxHeaderBytes: Int
    private var state = State.head
    /// Bytes read but not yet decoded; nil when none, so the usual whole-request read is decoded
    /// straight from the buffer the channel read into.
    private var pending: ByteBuffer?
    private var decoding = false
    /// How much of an incomplete head was already searched for its end (`RequestHeadParser`).
    private var scannedHeadBytes = 0

    static let requestLineAllowance = 8 * 1024
    static let chunkSizeLineLimit = 1024

    init(maxHeaderBytes: Int) {
        self.maxHeaderBytes = maxHeaderBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if case .failed = state { return }
        if pending == nil {
            pending = incoming
        } else {
            pending!.writeBuffer(&incoming)
        }
        // A part fired below could, in principle, lead back here; the outer loop decodes it.
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

    /// Decodes what it can; stops when it needs more bytes or has failed.
    private func decode(_ buffer: inout ByteBuffer, context: ChannelHandlerContext) {
        while buffer.readableBytes > 0 {
            switch state {
            case .failed:
                return
            case .head:
                switch RequestHeadParser.parse(&buffer, maxHeaderBytes: maxHeaderBytes, scanned: &scannedHeadBytes) {
                case .needMore:
                    return
                case .failure(let error):
                    fail(error, context: context)
                    return
                case .head(let head, let framing):
                    context.fireChannelRead(wrapInboundOut(.head(head)))
                    switch framing {
                    case .none: end(context: context)
                    case .length(let length): state = .body(BodyDecoder(.length(length), maxTrailerBytes: maxHeaderBytes))
                    case .chunked: state = .body(BodyDecoder(.chunked, maxTrailerBytes: maxHeaderBytes))
                    }
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
