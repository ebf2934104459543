import NIOCore
import NIOHTTP1
import NIOPosix
import SidetrackCore
import SidetrackObservability
import Tracing

/// The proxy listener's per-connection handler: moves bytes between the client socket and the
/// stages in `RequestPipeline`. Runs entirely on the connection's event loop.
///
/// Requests on one connection are handled one at a time (`RequestSequencer`, in front of this one,
/// holds pipelined requests back until the previous response has ended, and encodes responses).
final class ProxyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ResponsePart
    typealias OutboundOut = ResponsePart

    private enum State {
        case idle
        /// Forwarding upstream; `requestEnded` once the client's `.end` has been read.
        case forwarding(UpstreamExchange, requestEnded: Bool)
        /// Coalesced: waiting for another request's upstream call for the same key.
        case following(Follower, requestEnded: Bool)
        /// Reading the disk tier on the thread pool; the request resumes when it is done.
        case readingDisk(RequestContext, requestEnded: Bool)
        /// The answer is out (or being sent); drop the rest of the request body until `.end`.
        case discardingBody
    }

    /// A coalesced request waiting for its leader (stage 5).
    struct Follower {
        let head: HTTPRequestHead
        let request: RequestContext
        let target: RequestPipeline.UpstreamTarget
        let ticket: UInt64
        let timeout: Scheduled<Void>
    }

    private let services: GatewayServices
    // The services every request uses, held directly: a call through `services.x` retains and
    // releases `x` around it (two loads deep), and these objects are shared by every loop's
    // connections, so each of those writes moved a cache line between cores. A `let` of self
    // needs no retain.
    private let pipeline: RequestPipeline
    private let gatewayState: GatewayState
    private let metrics: GatewayMetrics
    private let observer: RequestObserver
    private let cache: ResponseCache?
    private var state = State.idle
    private var peer: String?
    private var readPending = false
    private var context: ChannelHandlerContext?
    private var memo = ConnectionMemo()
    private var requestIDs = RequestIDGenerator()
    private var heads = HeadBufferRecycler()
    /// The handler right before this one (`HTTPListener` adds it so): it hands request parts to
    /// this handler directly (`receive`), and cache hits are handed back to it directly; nil
    /// outside such a pipeline.
    private var sequencer: RequestSequencer?
    /// This loop's load shedding (nil when the loop is not the gateway's).
    private var admission: LoopAdmission?
    /// The connection was counted open (`AdmissionControl`); `overConnectionCap`: past the cap.
    private var counted = false
    private var overConnectionCap = false

    init(services: GatewayServices) {
        self.services = services
        self.pipeline = services.pipeline
        self.gatewayState = services.state
        self.metrics = services.metrics
        self.observer = services.observer
        self.cache = services.cache
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        admission = services.admission.admission(for: context.eventLoop)
        sequencer = try? context.pipeline.syncOperations.handler(type: RequestSequencer.self)
        sequencer?.deliver(to: self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        sequencer?.deliver(to: nil)
        sequencer = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        peer = context.remoteAddress?.ipAddress
        memo.publicBase.connectionBase = PublicBaseMemo.connectionBase(context.localAddress)
        counted = true
        overConnectionCap = !services.admission.connectionOpened()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        handle(unwrapInboundIn(data), context: context)
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head): handleHead(head, context: context)
        case .body(let buffer): handleBody(buffer)
        case .end: handleEnd()
        }
    }

    private func handleHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        gatewayState.requestStarted()
        metrics.requestStarted()
        var request = RequestContext(
            startNanos: services.now(), method: head.method, version: head.version, keepAlive: head.isKeepAlive,
            path: "", pathAndQuery: "", requestID: requestIDs.next(), route: pipeline.routes.other, client: "ip:unknown",
            publicBase: "")
        // Past the connection cap: whatever this connection asks is answered, and then it is closed.
        if overConnectionCap { request.keepAlive = false }
        let plan = pipeline.plan(
            head, peer: peer, memo: &memo, context: &request, shed: shouldShed(),
            waiter: followerWaiter(context))
        perform(plan, head: head, request: consume request, context: context, requestEnded: false)
    }

    /// Admission control, asked by the pipeline only for work that would go upstream: refuse it
    /// when this connection is past the cap or this loop is shedding load.
    private func shouldShed() -> Bool {
        if overConnectionCap {
            services.admission.recordConnectionCapRefusal()
            return true
        }
        return admission?.shouldShed() ?? false
    }

    /// Resumes this handler, on its own loop, when a coalesced leader finishes.
    private func followerWaiter(_ context: ChannelHandlerContext) -> ResponseCache.Waiter {
        let loop = context.eventLoop
        let handler = NIOLoopBound(self, eventLoop: loop)
        return { entry in loop.execute { handler.value.followerResumed(with: entry) } }
    }

    /// Carries out what the pipeline decided. `requestEnded`: the client's `.end` was already read
    /// (while the disk tier was being read). `consuming`: the caller's context is moved in, not
    /// copied (a copy retains its dozen strings and references, and was on every request's path).
    private func perform(
        _ plan: RequestPipeline.Plan, head: HTTPRequestHead, request: consuming RequestContext, context: ChannelHandlerContext,
        requestEnded: Bool
    ) {
        // Once the answer is out, the rest of the request (if any) is read and dropped.
        let answered: State = requestEnded ? .idle : .discardingBody
        switch plan {
        case .local(let response, let observed, let keepAlive):
            state = answered
            request.status = Int(response.status.code)
            request.bytesOut = response.body.count
            request.errorLabel = response.errorLabel
            context.writeLocal(
                response, version: head.version, isHead: head.method == .HEAD, keepAlive: keepAlive,
                requestID: request.requestID, traceResponse: request.traceResponseValue, heads: &heads,
                sequencer: sequencer)
            finish(request, observed: observed)
        case .forward(let target):
            forward(head, request: request, target: target, context: context, requestEnded: requestEnded)
        case .cached(let entry, let label, let notModified, let refresh):
            state = answered
            answer(from: entry, label: label, notModified: notModified, request: &request, context: context)
            if refresh, let cache, let key = request.cacheKey {
                BackgroundRefresh.start(
                    services: services, cache: cache, key: key, entry: entry, route: request.route, head: head,
                    pathAndQuery: request.pathAndQuery, endpoint: request.route.upstream == .accounts
                        ? services.settings.accountsUpstream : services.settings.apiUpstream,
                    requestID: request.requestID, acceptsGzip: request.acceptsGzip, publicBase: request.publicBase,
                    eventLoop: context.eventLoop)
            }
            finish(request, observed: true)
        case .follow(let ticket, let target):
            let key = target.cache?.key.text ?? ""
            let coalescer = cache?.coalescer
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            let timeout = context.eventLoop.scheduleTask(in: services.settings.coalesceWait) {
                // The leader is taking too long: leave the queue and go upstream ourselves.
                if coalescer?.abandon(key, ticket: ticket) == true { handler.value.followerResumed(with: nil) }
            }
            state = .following(
                Follower(head: head, request: request, target: target, ticket: ticket, timeout: timeout),
                requestEnded: requestEnded)
        case .readDisk(let key, let target):
            guard let cache else { return }
            state = .readingDisk(request, requestEnded: requestEnded)
            let now = cache.now()
            let loop = context.eventLoop
            let handler = NIOLoopBound(self, eventLoop: loop)
            NIOThreadPool.singleton.runIfActive(eventLoop: loop) { cache.readDisk(key, at: now) }
                .whenComplete { result in
                    handler.value.diskRead((try? result.get()) ?? nil, key: key, head: head, target: target)
                }
        }
        if requestEnded, case .idle = state { resumeReading() }
    }

    /// The disk tier answered (on this loop again): finish stage 4 with what it found.
    private func diskRead(
        _ entry: CachedResponse?, key: CacheKey, head: HTTPRequestHead, target: RequestPipeline.UpstreamTarget
    ) {
        // The client may have gone away meanwhile (`channelInactive` already finished the request).
        guard case .readingDisk(var request, let requestEnded) = state, let context else { return }
        let plan = pipeline.resume(
            afterDiskRead: entry, key: key, head: head, context: &request, target: target, shed: shouldShed(),
            waiter: followerWaiter(context))
        perform(plan, head: head, request: request, context: context, requestEnded: requestEnded)
    }

    private func forward(
        _ head: HTTPRequestHead, request: consuming RequestContext, target: RequestPipeline.UpstreamTarget,
        context: ChannelHandlerContext, requestEnded: Bool
    ) {
        let settings = services.settings
        let links = settings.rewriteLinks ? memo.links.rewriter(linkPrefix: settings.linkPrefix, publicBase: request.publicBase) : nil
        let exchange = UpstreamExchange(
            context: context, services: services, target: target, request: request, links: links, sequencer: sequencer)
        exchange.owner = self
        exchange.requestBody?.onWritable = { [weak self] in self?.resumeReading() }
        state = .forwarding(exchange, requestEnded: requestEnded)
        exchange.start(head: head, peer: peer)
        if requestEnded { exchange.requestBody?.end() }
    }

    private func answer(
        from entry: CachedResponse, label: CacheLabel, notModified: Bool, request: inout RequestContext,
        context: ChannelHandlerContext
    ) {
        context.writeCached(
            entry, label: label, notModified: notModified, request: &request, keepAlive: request.keepAlive,
            now: cache?.now() ?? entry.lifetimes.storedAt, heads: &heads, sequencer: sequencer)
    }

    /// The leader finished (or the wait ran out): answer with its result, or go upstream alone.
    private func followerResumed(with entry: CachedResponse?) {
        guard case .following(let follower, let requestEnded) = state, let context else { return }
        follower.timeout.cancel()
        var request = follower.request
        var target = follower.target
        // Stage 5 on the span: whether the wait for the leader's answer paid off.
        request.trace?.span.addEvent(SpanEvent(name: entry == nil ? "sidetrack.coalesce.gave_up" : "sidetrack.coalesced"))
        guard let entry else {
            // Not coalesced after all: an ordinary upstream call that may still store its answer.
            target.cache?.isLeader = false
            forward(follower.head, request: request, target: target, context: context, requestEnded: requestEnded)
            return
        }
        cache?.recordCoalesced(route: request.route.index)
        cache?.record(.miss, route: request.route.index)
        answer(
            from: entry, label: .miss, notModified: entry.matches(ifNoneMatch: target.cache?.clientETags ?? []),
            request: &request, context: context)
        finish(request, observed: true)
        state = requestEnded ? .idle : .discardingBody
        resumeReading()
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
        case .following(let follower, _):
            state = .following(follower, requestEnded: true)
        case .readingDisk(let request, _):
            state = .readingDisk(request, requestEnded: true)
        case .discardingBody:
            state = .idle
            resumeReading()
        case .idle:
            break
        }
    }

    func exchangeCompleted(_ exchange: UpstreamExchange) {
        finish(exchange.request, observed: true)
        if case .forwarding(_, let requestEnded) = state {
            state = requestEnded ? .idle : .discardingBody
        }
        // A response that must end the connection says `Connection: close`; `RequestSequencer`
        // closes once it is written (closing here could cut off its unwritten tail).
        resumeReading()
    }

    /// Stage 9, for every request however it ended.
    private func finish(_ request: RequestContext, observed: Bool) {
        gatewayState.requestFinished()
        metrics.requestFinished()
        if observed { observer.observe(request) }
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
        if counted {
            counted = false
            services.admission.connectionClosed()
        }
        if case .readingDisk(var request, _) = state {
            request.errorLabel = "client_closed"
            request.status = 499
            finish(request, observed: true)
            state = .idle
        }
        if case .following(let follower, _) = state {
            follower.timeout.cancel()
            if let key = follower.target.cache?.key.text {
                _ = cache?.coalescer.abandon(key, ticket: follower.ticket)
            }
            var request = follower.request
            request.errorLabel = "client_closed"
            request.status = 499
            finish(request, observed: true)
            state = .idle
        }
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
            pathAndQuery: "-", requestID: requestIDs.next(),
            client: peer.map(ClientIdentifier.logIdentity(forPeer:)) ?? "ip:unknown", publicBase: "")
        let response = LocalResponse.error(gatewayError)
        request.status = gatewayError.status
        request.bytesOut = response.body.count
        request.errorLabel = gatewayError.label
        gatewayState.requestStarted()
        metrics.requestStarted()
        context.writeLocal(
            response, version: .http1_1, isHead: false, keepAlive: false, requestID: request.requestID)
        finish(request, observed: true)
    }
}

extension ProxyHandler: UpstreamExchangeOwner {}

extension ProxyHandler: RequestPartReceiver {
    /// A request part handed over directly by the `RequestSequencer` right before this handler.
    func receive(_ part: HTTPServerRequestPart) {
        guard let context else { return }
        handle(part, context: context)
    }
}
