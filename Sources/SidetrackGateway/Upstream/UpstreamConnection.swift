import NIOCore
import NIOHTTP1

/// One pooled HTTP/1.1 connection to an upstream origin, serving one call at a time on its event
/// loop, which is the calling client connection's loop (no hops between loops).
///
/// The answer reaches the call's delegate one event at a time (`UpstreamResponseDelegate`): while a
/// delegate future is pending, parts queue here and the socket is not read, so a slow client slows
/// the upstream read instead of filling memory. After a complete keep-alive exchange the connection
/// goes back to its pool; anything else (an error, a cancelled call, `Connection: close`, an answer
/// that came before the whole request went) closes it.
final class UpstreamConnection: ChannelDuplexHandler, RemovableChannelHandler, ResponsePartReceiver, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private let endpoint: UpstreamConnectionPool.Endpoint
    private var context: ChannelHandlerContext?
    private var call: UpstreamCall?
    private(set) var isClosed = false
    /// Exchanges completed on this connection: a reused connection the server had already closed
    /// fails before any answer, which is worth one resend on a fresh connection.
    private var served = 0
    private var responseStarted = false
    private var requestEnded = false
    private var keepAlive = true
    private var pending = CircularBuffer<HTTPClientResponsePart>()
    /// The last request head, whose storage the next request on this connection reuses: the
    /// encoder has turned it into bytes and let go of it by then (copy-on-write copies it if not).
    private var lastHead: HTTPRequestHead?
    private var awaitingDelegate = false
    private var delivering = false
    private var readHeld = false
    /// Head or body parts went to the delegate since it last heard `upstreamPartsDelivered`.
    private var deliveredParts = false
    private var failure: (any Error)?
    /// When it was last parked in its pool.
    var idleSince = NIODeadline.uptimeNanoseconds(0)

    /// The connection's request encoder and response decoder, in its pipeline in that order right
    /// below this handler, which talks to both directly (`send`, `deliver(to:)`).
    let encoder: UpstreamRequestEncoder
    let decoder = UpstreamResponseDecoder()

    init(endpoint: UpstreamConnectionPool.Endpoint) {
        self.endpoint = endpoint
        self.encoder = UpstreamRequestEncoder(hostHeader: endpoint.hostHeader)
    }

    var isUsable: Bool { !isClosed && context?.channel.isActive == true }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        decoder.deliver(to: self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        decoder.deliver(to: nil)
    }

    // MARK: - Sending

    /// Sends `call`'s request and delivers its answer.
    func run(_ call: UpstreamCall) {
        self.call = call
        call.runningOn = self
        responseStarted = false
        requestEnded = false
        keepAlive = true
        failure = nil
        deliveredParts = false
        guard let context, isUsable else { return connectionLost() }
        let request = call.request
        // `Host` and the framing field are the encoder's to write: no copy of the shared headers.
        switch request.body {
        case nil: encoder.nextFraming = Self.expectsBody(request.method) ? .length(0) : .none
        case .buffer(let buffer): encoder.nextFraming = .length(buffer.readableBytes)
        case .stream(_, let length?): encoder.nextFraming = .length(length)
        case .stream(_, nil): encoder.nextFraming = .chunked
        }
        encoder.nextForwarded = request.forwarded
        var head: HTTPRequestHead
        if var reused = lastHead.take() {
            reused.method = request.method
            reused.uri = request.target
            reused.headers = request.headers
            head = reused
        } else {
            head = HTTPRequestHead(version: .http1_1, method: request.method, uri: request.target, headers: request.headers)
        }
        if encoder.send(head) {
            // Written past the decoder, which would otherwise see the method go by.
            decoder.expectAnswer(to: head.method)
        } else {
            context.write(wrapOutboundOut(.head(head)), promise: nil)
        }
        // Kept without its fields: a pooled connection serves many clients, and one client's
        // `Authorization` has no business outliving its request here.
        head.headers = HTTPHeaders()
        lastHead = head
        switch request.body {
        case nil:
            endRequest(context)
        case .buffer(let buffer):
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            endRequest(context)
        case .stream(let stream, _):
            context.flush()
            let connection = NIOLoopBound(self, eventLoop: context.eventLoop)
            stream.start { buffer in
                connection.value.writeBodyPart(buffer, of: call)
            }.whenComplete { result in
                connection.value.requestBodyEnded(result, of: call)
            }
        }
    }

    private func endRequest(_ context: ChannelHandlerContext) {
        requestEnded = true
        if !encoder.sendEnd() {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    private func writeBodyPart(_ buffer: ByteBuffer, of call: UpstreamCall) -> EventLoopFuture<Void> {
        guard self.call === call, let context, !isClosed else {
            return endpoint.loop.makeFailedFuture(ChannelError.ioOnClosedChannel)
        }
        return context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))))
    }

    private func requestBodyEnded(_ result: Result<Void, any Error>, of call: UpstreamCall) {
        guard self.call === call, let context else { return }
        switch result {
        case .success:
            endRequest(context)
        case .failure(let error):
            // The client's body broke off (client gone, body too large): half a request cannot be
            // finished, so neither can this call or this connection.
            call.fail(error)
        }
    }

    /// POST, PUT and PATCH without a body still say `Content-Length: 0` (some servers insist).
    private static func expectsBody(_ method: HTTPMethod) -> Bool {
        method == .POST || method == .PUT || method == .PATCH
    }

    // MARK: - Receiving

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        receive(unwrapInboundIn(data))
    }

    /// A part of the answer, from the decoder right below (directly, or through the pipeline).
    func receive(_ part: HTTPClientResponsePart) {
        guard call != nil else {
            // Nothing was asked: a server talking out of turn cannot be trusted with the next request.
            context?.close(promise: nil)
            return
        }
        if case .head(let head) = part {
            // 1xx (100 Continue and the like) are not the answer.
            if head.status.code < 200 { return }
            responseStarted = true
        }
        pending.append(part)
        deliver()
    }

    /// Hands queued parts to the delegate, one at a time.
    private func deliver() {
        guard !delivering else { return }
        delivering = true
        defer { delivering = false }
        while !awaitingDelegate, let call, let delegate = call.delegate, let part = pending.popFirst() {
            switch part {
            case .head(let head):
                keepAlive = head.isKeepAlive
                deliveredParts = true
                if let future = delegate.upstreamReceivedHead(head) { waitFor(future, for: call) }
            case .body(let buffer):
                deliveredParts = true
                if let future = delegate.upstreamReceivedBodyPart(buffer) { waitFor(future, for: call) }
            case .end:
                complete(call)
            }
        }
        if readHeld, !awaitingDelegate, pending.isEmpty, let context {
            readHeld = false
            context.read()
        }
    }

    /// The next event waits for `future` (which may already be complete: then it goes on at once).
    private func waitFor(_ future: EventLoopFuture<Void>, for call: UpstreamCall) {
        awaitingDelegate = true
        future.whenComplete { self.delegateAnswered($0, for: call) }
    }

    private func delegateAnswered(_ result: Result<Void, any Error>, for call: UpstreamCall) {
        guard self.call === call else { return }
        awaitingDelegate = false
        switch result {
        case .success:
            deliver()
            // Outside a socket read (the parts were held back): flush now, not at read complete.
            if !delivering { partsDelivered() }
        case .failure(let error):
            call.fail(error)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partsDelivered()
        context.fireChannelReadComplete()
    }

    private func partsDelivered() {
        guard deliveredParts else { return }
        deliveredParts = false
        call?.delegate?.upstreamPartsDelivered()
    }

    /// The answer is complete: back to the pool when the connection can carry another exchange.
    private func complete(_ call: UpstreamCall) {
        self.call = nil
        deliveredParts = false
        call.runningOn = nil
        served += 1
        // Keeping the queue's storage for the connection's next exchange (two allocations each).
        pending.removeAll(keepingCapacity: true)
        // An answer that came before the whole request went leaves the request half-sent.
        let reusable = keepAlive && requestEnded && isUsable
        if reusable {
            endpoint.release(self)
        } else {
            context?.close(promise: nil)
        }
        call.succeed()
    }

    func read(context: ChannelHandlerContext) {
        if awaitingDelegate || !pending.isEmpty {
            readHeld = true
        } else {
            context.read()
        }
    }

    // MARK: - Ending

    /// The call gave up (cancelled, deadline, its client gone): this connection is mid-exchange.
    func abort(_ call: UpstreamCall) {
        guard self.call === call else { return }
        self.call = nil
        pending.removeAll()
        context?.close(promise: nil)
    }

    /// Closes a parked connection (idle timeout, shutdown).
    func close() {
        context?.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if failure == nil { failure = error }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        isClosed = true
        endpoint.connectionClosed(self)
        if call != nil {
            // An answer delimited by the close itself has its end queued: let it be delivered.
            if pending.contains(where: { if case .end = $0 { true } else { false } }) {
                deliver()
            } else {
                connectionLost()
            }
        }
        context.fireChannelInactive()
    }

    /// The connection closed mid-call. Before any answer on a reused connection with a replayable
    /// request, the server most likely closed it while idle: send again on a fresh one (once).
    private func connectionLost() {
        guard let call else { return }
        self.call = nil
        call.runningOn = nil
        pending.removeAll()
        let replayable: Bool = switch call.request.body {
        case nil, .buffer: true
        case .stream: false
        }
        if !responseStarted, served > 0, replayable, !call.resent, failure == nil || failure is IOError {
            call.resent = true
            endpoint.acquire(call)
        } else {
            call.fail(failure ?? UpstreamClientError.remoteConnectionClosed)
        }
    }
}
