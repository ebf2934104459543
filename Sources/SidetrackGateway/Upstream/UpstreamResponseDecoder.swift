import NIOCore
import NIOHTTP1

/// HTTP/1.1 response decoder for upstream connections: bytes in, `HTTPClientResponsePart`s out, in
/// place of NIO's `HTTPResponseDecoder` (llhttp behind `ByteToMessageHandler`), which cost a
/// pass-through request what NIO's request decoder cost a hit (see `RequestSequencer`).
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

    private var reader = MessageReader(ResponseHeadParser())
    /// The methods of requests sent and not yet answered, oldest first.
    private var methods = CircularBuffer<HTTPMethod>(initialCapacity: 2)
    /// The handler right after this one when it takes response parts directly (`deliver(to:)`).
    private var receiver: (any ResponsePartReceiver)?

    func handlerRemoved(context: ChannelHandlerContext) {
        receiver = nil
    }

    /// From now on hands response parts to `receiver` — the handler right after this one — by a
    /// direct call instead of `fireChannelRead` (no `NIOAny` wrapping, pipeline walk or dynamic
    /// cast back, three times per answer); nil goes back to the pipeline. Errors and the
    /// connection's end still travel the pipeline.
    func deliver(to receiver: (any ResponsePartReceiver)?) {
        self.receiver = receiver
    }

    /// A request head written past this handler (`UpstreamRequestEncoder.send`) rather than
    /// through it: its answer is framed by its method all the same.
    func expectAnswer(to method: HTTPMethod) {
        methods.append(method)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .head(let head) = unwrapOutboundIn(data) { methods.append(head.method) }
        context.write(data, promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard reader.append(unwrapInboundIn(data)) else { return }
        // Read once: `context.channel.allocator` retains and releases the channel and its loop.
        let allocator = context.channel.allocator
        while let event = reader.next(allocator: allocator) {
            fire(event, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let event = reader.inputClosed() { fire(event, context: context) }
        context.fireChannelInactive()
    }

    private func fire(_ event: MessageReader<ResponseHeadParser>.Event, context: ChannelHandlerContext) {
        switch event {
        case .head(let head, let framing):
            let code = head.status.code
            // 1xx: not the answer; the final head follows (and the request stays unanswered).
            if code < 200 { return }
            let method = methods.popFirst()
            reader.startBody(method == .HEAD || code == 204 || code == 304 ? nil : framing)
            pass(.head(head), context: context)
        case .body(let slice):
            pass(.body(slice), context: context)
        case .end:
            pass(.end(nil), context: context)
        case .failure(let error):
            context.fireErrorCaught(error)
        }
    }

    @inline(__always)
    private func pass(_ part: HTTPClientResponsePart, context: ChannelHandlerContext) {
        if let receiver {
            receiver.receive(part)
        } else {
            context.fireChannelRead(wrapInboundOut(part))
        }
    }
}

/// The handler right after an `UpstreamResponseDecoder`, taking response parts by direct call.
protocol ResponsePartReceiver: AnyObject {
    func receive(_ part: HTTPClientResponsePart)
}
