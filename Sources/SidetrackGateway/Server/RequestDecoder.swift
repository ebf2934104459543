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

    private var reader: MessageReader<RequestHeadParser>

    init(maxHeaderBytes: Int) {
        reader = MessageReader(RequestHeadParser(maxHeaderBytes: maxHeaderBytes))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard reader.append(unwrapInboundIn(data)) else { return }
        while let event = reader.next(allocator: context.channel.allocator) {
            switch event {
            case .head(let head, let framing):
                reader.startBody(framing)
                context.fireChannelRead(wrapInboundOut(.head(head)))
            case .body(let slice):
                context.fireChannelRead(wrapInboundOut(.body(slice)))
            case .end:
                context.fireChannelRead(wrapInboundOut(.end(nil)))
            case .failure(let error):
                context.fireErrorCaught(error)
            }
        }
    }
}
