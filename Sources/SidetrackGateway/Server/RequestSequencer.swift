import NIOCore
import NIOHTTP1

/// The HTTP/1.1 server side of a client connection: bytes in, requests out to the proxy handler one
/// at a time, in order (pipelining); responses in, bytes out.
///
/// **Decoding** (in place of NIO's `HTTPRequestDecoder`, llhttp behind `ByteToMessageHandler`):
/// a `MessageReader` over `RequestHeadParser` scans each head into an `HTTPRequestHead` and frames
/// its body. Measured with `bench/run.sh`'s NIO floor (BENCH_FLOOR=1): NIO's decoder cost ~7 µs per
/// keep-alive request, a byte scan into the same head about nothing beside the read itself; and
/// decoding here rather than in a handler of its own saves every request part a trip through the
/// pipeline (~1 % of a cache hit). Strict where leniency has been a smuggling vector (RFC 9112):
/// lines end in CRLF only; no whitespace before a field's colon; no obs-fold; a message with both
/// `Transfer-Encoding` and `Content-Length`, with differing lengths, or with a transfer coding other
/// than `chunked` is refused. A refusal is an `HTTPParserError` for the proxy handler (400, or 431
/// for `.headerOverflow`) — after the responses before it when it is a pipelined request, at once
/// when it is the body of the request in progress; the connection's further input is ignored. Limits: the field section at most `maxHeaderBytes`, the whole head at most that plus
/// 8 KiB for the request line; a chunk-size line (with extensions) 1 KiB; trailers, skipped,
/// `maxHeaderBytes`.
///
/// **Sequencing** (NIO's `HTTPServerPipelineHandler`'s job, without stopping reading between
/// requests): NIO's handler withholds `read()` from the moment a request is complete until its
/// response has ended, so every request answered asynchronously (everything that goes upstream)
/// took the socket out of the epoll set and put it back: two `epoll_ctl` calls per request, ~7 % of
/// a pass-through request's CPU. Clients almost never pipeline, so this handler keeps reading and
/// stops only when a pipelined request actually had to be held back (bounded: one read's worth per
/// connection). It also closes the connection after a response that says so (`Connection: close`,
/// or HTTP/1.0 without keep-alive), once that response is written, and drops whatever the client
/// sent after; and on quiescing, closes once the request in progress is answered.
///
/// **Encoding** (`ResponseEncoder`): it knows which request each response answers, which is what
/// framing needs (no body for `HEAD`), so NIO's response encoder and header validator are not in the
/// pipeline at all.
final class RequestSequencer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = ResponsePart
    typealias OutboundOut = IOData

    private enum Held {
        case part(HTTPServerRequestPart)
        case inputClosed
        case error(any Error)
    }

    /// Parts of requests that arrived while an earlier response was still going out.
    private var held = CircularBuffer<Held>()
    /// A request's head was passed on and its `.end` not yet.
    private var requestOpen = false
    /// A request's head was passed on and its response has not ended.
    private var responseOpen = false
    private var readHeld = false
    private var delivering = false
    /// The server is draining: close once the request in progress is answered.
    private var quiescing = false
    /// The response going out announced the connection's end.
    private var closeAfterResponse = false
    private var closing = false
    /// The method of the request being answered (`GET` when the answer has no request, as a 400
    /// for bytes that never parsed into one).
    private var method = HTTPMethod.GET
    private var encoder = ResponseEncoder()
    /// An invalid head was refused: the connection is closing and nothing more is written.
    private var failed = false
    private var reader: MessageReader<RequestHeadParser>

    /// This handler's own context, for answers handed over directly (`respondAndFlush`).
    private var ownContext: ChannelHandlerContext?
    /// The channel's allocator, read once: `context.channel.allocator` retains and releases the
    /// channel and its event loop on every call (several per request). Sidetrack never changes a
    /// channel's allocator option.
    private var allocator = ByteBufferAllocator()
    /// The handler right after this one when it takes request parts directly (`deliver(to:)`).
    private var receiver: (any RequestPartReceiver)?

    init(maxHeaderBytes: Int = 16 * 1024) {
        reader = MessageReader(RequestHeadParser(maxHeaderBytes: maxHeaderBytes))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        ownContext = context
        allocator = context.channel.allocator
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        ownContext = nil
        receiver = nil
    }

    /// From now on hands request parts to `receiver` — the handler right after this one — by a
    /// direct call instead of `fireChannelRead`: no `NIOAny` wrapping, pipeline walk or dynamic cast
    /// back on every part. nil goes back to the pipeline.
    func deliver(to receiver: (any RequestPartReceiver)?) {
        self.receiver = receiver
    }

    /// A whole answer handed over by the proxy handler right behind this one, then flushed: what a
    /// `writeAndFlush` through the pipeline does, without wrapping the part in an `NIOAny` (too big
    /// for its inline storage: a heap box per answer) and casting it back. False when this handler
    /// is not in a pipeline (the caller then writes through its context).
    func respondAndFlush(_ part: ResponsePart) -> Bool {
        guard respond(part) else { return false }
        ownContext?.flush()
        return true
    }

    /// A writer for a streamed answer's head in this connection's spare head buffer (see
    /// `ResponsePart.streamHead`); nil when this handler is not in a pipeline.
    func streamHeadWriter(version: HTTPVersion, status: HTTPResponseStatus) -> ResponseHeadWriter? {
        guard let context = ownContext else { return nil }
        return encoder.headWriter(version: version, status: status, allocator: allocator)
    }

    /// A part of an answer (a streamed one's head, body or end), not flushed: what a `write`
    /// through the pipeline does, without the `NIOAny` box and the cast back (see `respondAndFlush`).
    func respond(_ part: ResponsePart) -> Bool {
        guard let context = ownContext else { return false }
        write(part, context: context, promise: nil)
        return true
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // A read arriving while parts are being handed on (re-entrantly) joins the kept bytes and
        // is decoded by the loop below, after the parts before it.
        guard !closing, reader.append(unwrapInboundIn(data)) else { return }
        while let event = reader.next(allocator: allocator) {
            switch event {
            case .head(let head, let framing):
                reader.startBody(framing)
                accept(.head(head), context: context)
            case .body(let slice):
                accept(.body(slice), context: context)
            case .end:
                accept(.end(nil), context: context)
            case .failure(let error):
                refused(error, context: context)
            }
        }
    }

    /// A decoded part: passed on now, or held behind a response still going out.
    private func accept(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        guard !closing else { return }
        if !held.isEmpty {
            held.append(.part(part))
        } else if case .head = part, responseOpen {
            held.append(.part(part))
        } else {
            pass(part, context: context)
        }
    }

    private func pass(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            requestOpen = true
            responseOpen = true
            method = head.method
        case .body:
            break
        case .end:
            requestOpen = false
        }
        if let receiver {
            receiver.receive(part)
        } else {
            context.fireChannelRead(wrapInboundOut(part))
        }
        if case .end = part, quiescing, !responseOpen { close(context) }
    }

    func read(context: ChannelHandlerContext) {
        if held.isEmpty {
            context.read()
        } else {
            readHeld = true
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        write(unwrapOutboundIn(data), context: context, promise: promise)
    }

    private func write(_ part: ResponsePart, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        guard !failed else {
            promise?.fail(ResponseEncoder.Failure.invalidHead)
            return
        }
        switch part {
        case .head(var head) where head.status.code >= 200:
            if quiescing {
                head.headers.replaceOrAdd(name: "connection", value: "close")
                closeAfterResponse = true
            } else if !head.isKeepAlive {
                closeAfterResponse = true
            }
            encode(.head(head), context: context, promise: promise)
        case .streamHead(var head, let framing, let closes):
            if quiescing, !closes { head = ResponseHeadWriter.closing(head) }
            if quiescing || closes { closeAfterResponse = true }
            encode(.streamHead(head: head, framing: framing, closes: quiescing || closes), context: context, promise: promise)
        case .whole(var head, let body, let closes):
            if quiescing, !closes { head = ResponseHeadWriter.closing(head) }
            if quiescing || closes { closeAfterResponse = true }
            endResponse(.whole(head: head, body: body, closes: quiescing || closes), context: context, promise: promise)
        case .end:
            endResponse(.end, context: context, promise: promise)
        case let part:
            encode(part, context: context, promise: promise)
        }
    }

    /// Writes the last part of a response; then closes if the response said so, or passes on what
    /// was held back. When closing, `promise` completes once the connection is closed.
    private func endResponse(_ part: ResponsePart, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        responseOpen = false
        guard closeAfterResponse || (quiescing && !requestOpen) else {
            encode(part, context: context, promise: promise)
            method = .GET
            passHeld(context)
            return
        }
        closing = true
        held.removeAll()
        let written = context.eventLoop.makePromise(of: Void.self)
        encode(part, context: context, promise: written)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        written.futureResult.flatMap { bound.value.close() }.cascade(to: promise)
    }

    private func encode(_ part: ResponsePart, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        do {
            try encoder.write(part, method: method, context: context, allocator: allocator, promise: promise)
        } catch {
            promise?.fail(error)
            // A head that cannot be sent safely (a field with CR/LF, say): the client gets nothing
            // more on this connection rather than a split or truncated response.
            failed = true
            close(context)
        }
    }

    /// Passes on held parts up to the next request that must wait for its predecessor's response.
    private func passHeld(_ context: ChannelHandlerContext) {
        guard !delivering else { return }
        delivering = true
        defer { delivering = false }
        while !closing, let next = held.first {
            switch next {
            case .part(.head) where responseOpen:
                return
            case .part(let part):
                held.removeFirst()
                pass(part, context: context)
            case .inputClosed:
                held.removeFirst()
                context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            case .error(let error):
                held.removeFirst()
                context.fireErrorCaught(error)
            }
        }
        if readHeld, held.isEmpty {
            readHeld = false
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            quiescing = true
            held.removeAll()
            if !responseOpen, !requestOpen { close(context) }
        case ChannelEvent.inputClosed where !held.isEmpty:
            held.append(.inputClosed)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Bytes that are not a request: a malformed pipelined request is answered (400) after the
    /// responses before it; a malformed body of the request in progress (a bad chunk) is reported
    /// at once, so that its handler stops waiting for the rest of it.
    private func refused(_ error: HTTPParserError, context: ChannelHandlerContext) {
        guard !closing else { return }
        if !held.isEmpty || (responseOpen && !requestOpen) {
            held.append(.error(error))
        } else {
            context.fireErrorCaught(error)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError {
            refused(error, context: context)
        } else {
            context.fireErrorCaught(error)
        }
    }

    private func close(_ context: ChannelHandlerContext) {
        closing = true
        context.close(promise: nil)
    }
}

/// The handler right after a `RequestSequencer` that takes its request parts by a direct call
/// (`RequestSequencer.deliver(to:)`), on the channel's loop, exactly where `channelRead` would run.
protocol RequestPartReceiver: AnyObject {
    func receive(_ part: HTTPServerRequestPart)
}
