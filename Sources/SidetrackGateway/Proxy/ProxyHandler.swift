import NIOCore
import NIOHTTP1
import SidetrackCore

/// The proxy listener's per-connection handler: moves bytes between the client socket and the
/// stages in `RequestPipeline`. Runs entirely on the connection's event loop.
///
/// Requests on one connection are handled one at a time (`HTTPServerPipelineHandler`, in front of
/// this one, holds pipelined requests back until the previous response has ended).
final class ProxyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        /// Forwarding upstream; `requestEnded` once the client's `.end` has been read.
        case forwarding(UpstreamExchange, requestEnded: Bool)
        /// The answer is out (or being sent); drop the rest of the request body until `.end`.
        case discardingBody
    }

    private let services: GatewayServices
    private var state = State.idle
    private var peer: String?
    private var readPending = false
    private var context: ChannelHandlerContext?

    init(services: GatewayServices) {
        self.services = services
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        peer = context.remoteAddress?.ipAddress
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): handleHead(head, context: context)
        case .body(let buffer): handleBody(buffer)
        case .end: handleEnd()
        }
    }

    private func handleHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        services.state.requestStarted()
        services.metrics.requestStarted()
        var request = RequestContext(
            startNanos: services.now(), method: head.method, version: head.version, keepAlive: head.isKeepAlive,
            path: "", pathAndQuery: "", requestID: RequestID.generate(), client: "ip:unknown", publicBase: "")
        switch services.pipeline.plan(head, peer: peer, context: &request) {
        case .local(let response, let observed, let keepAlive):
            state = .discardingBody
            request.status = Int(response.status.code)
            request.bytesOut = response.body.count
            request.errorLabel = response.errorLabel
            context.writeLocal(
                response, version: head.version, isHead: head.method == .HEAD, keepAlive: keepAlive,
                extraHeaders: ["x-request-id": request.requestID])
            finish(request, observed: observed)
        case .forward(let target):
            let exchange = UpstreamExchange(context: context, services: services, target: target, request: request)
            exchange.onComplete = { [weak self] exchange in self?.exchangeCompleted(exchange) }
            exchange.requestBody?.onWritable = { [weak self] in self?.resumeReading() }
            state = .forwarding(exchange, requestEnded: false)
            exchange.start(head: head, peer: peer)
        }
    }

    private func handleBody(_ buffer: ByteBuffer) {
        guard case .forwarding(let exchange, _) = state, let body = exchange.requestBody else { return }
        body.append(buffer)
        if body.receivedBytes > services.settings.maxBodyBytes {
            // Chunked uploads have no declared length: enforce the limit as bytes arrive.
            exchange.abortBodyTooLarge()
        }
    }

    private func handleEnd() {
        switch state {
        case .forwarding(let exchange, _):
            exchange.requestBody?.end()
            state = .forwarding(exchange, requestEnded: true)
        case .discardingBody:
            state = .idle
            resumeReading()
        case .idle:
            break
        }
    }

    private func exchangeCompleted(_ exchange: UpstreamExchange) {
        finish(exchange.request, observed: true)
        if case .forwarding(_, let requestEnded) = state {
            state = requestEnded ? .idle : .discardingBody
        }
        if exchange.mustClose { context?.close(promise: nil) }
        resumeReading()
    }

    /// Stage 9, for every request however it ended.
    private func finish(_ request: RequestContext, observed: Bool) {
        services.state.requestFinished()
        services.metrics.requestFinished()
        if observed { services.observer.observe(request) }
    }

    // MARK: - Back-pressure and connection events

    func read(context: ChannelHandlerContext) {
        if case .forwarding(let exchange, _) = state, exchange.requestBody?.shouldPauseReading == true {
            readPending = true
            return
        }
        context.read()
    }

    private func resumeReading() {
        guard readPending, let context else { return }
        readPending = false
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if case .forwarding(let exchange, _) = state {
            exchange.writabilityChanged(isWritable: context.channel.isWritable)
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .forwarding(let exchange, _) = state {
            exchange.cancel()
            var request = exchange.request
            request.errorLabel = request.errorLabel ?? "client_closed"
            if request.status == 0 { request.status = 499 }
            finish(request, observed: true)
            state = .idle
        }
        context.fireChannelInactive()
    }

    /// Malformed requests never reach `channelRead`: the decoder reports them here. Answer with a
    /// Spotify-format 400 (or 431 for oversized headers) and close, unless a response is under way.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.close(promise: nil)
            return
        }
        guard case .idle = state else {
            context.close(promise: nil)
            return
        }
        let gatewayError: GatewayError =
            parserError == .headerOverflow ? .headersTooLarge : .badRequest("Malformed HTTP request")
        state = .discardingBody
        var request = RequestContext(
            startNanos: services.now(), method: .GET, version: .http1_1, keepAlive: false, path: "-",
            pathAndQuery: "-", requestID: RequestID.generate(), client: peer.map { "ip:" + $0 } ?? "ip:unknown",
            publicBase: "")
        let response = LocalResponse.error(gatewayError)
        request.status = gatewayError.status
        request.bytesOut = response.body.count
        request.errorLabel = gatewayError.label
        services.state.requestStarted()
        services.metrics.requestStarted()
        context.writeLocal(
            response, version: .http1_1, isHead: false, keepAlive: false, extraHeaders: ["x-request-id": request.requestID])
        finish(request, observed: true)
    }
}
