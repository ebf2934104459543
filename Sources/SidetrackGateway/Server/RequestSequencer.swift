import NIOCore
import NIOHTTP1

/// One request at a time per keep-alive connection, in order (HTTP/1.1 pipelining), and graceful
/// quiescing: NIO's `HTTPServerPipelineHandler`'s job, without stopping reading between requests.
///
/// NIO's handler withholds `read()` from the moment a request is complete until its response has
/// ended, so every request answered asynchronously (everything that goes upstream) took the socket
/// out of the epoll set and put it back: two `epoll_ctl` calls per request, ~7 % of a pass-through
/// request's CPU. Clients almost never pipeline, so this handler keeps reading and stops only when
/// a pipelined request actually had to be held back (bounded: one read's worth per connection).
///
/// It also closes the connection after a response that says so (`Connection: close`, or HTTP/1.0
/// without keep-alive), once that response is written, and drops whatever the client sent after.
///
/// Sits between the HTTP decoder and the proxy handler: requests in, responses out.
final class RequestSequencer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

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

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let part = unwrapInboundIn(data)
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
        case .head:
            requestOpen = true
            responseOpen = true
        case .body:
            break
        case .end:
            requestOpen = false
        }
        context.fireChannelRead(wrapInboundOut(part))
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
        switch unwrapOutboundIn(data) {
        case .head(var head) where quiescing && head.status.code >= 200:
            head.headers.replaceOrAdd(name: "connection", value: "close")
            closeAfterResponse = true
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .head(let head):
            if head.status.code >= 200, !head.isKeepAlive { closeAfterResponse = true }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            responseOpen = false
            if closeAfterResponse || (quiescing && !requestOpen) {
                closing = true
                held.removeAll()
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.write(data).flatMap { bound.value.close() }.cascade(to: promise)
                return
            }
            context.write(data, promise: promise)
            passHeld(context)
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

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A malformed pipelined request is answered (400) after the responses before it.
        if error is HTTPParserError, !held.isEmpty || responseOpen {
            held.append(.error(error))
        } else {
            context.fireErrorCaught(error)
        }
    }

    private func close(_ context: ChannelHandlerContext) {
        closing = true
        context.close(promise: nil)
    }
}
