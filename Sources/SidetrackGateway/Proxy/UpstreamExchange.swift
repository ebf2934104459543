import NIOCore
import NIOHTTP1
import SidetrackCore
import SidetrackObservability
import Tracing

/// One request's trip upstream (stages 6 and 7) and the streamed answer back to the client
/// (stage 8): guard checks, a bulkhead slot, the call, retries, and the answer.
///
/// Event-loop confined: the upstream call runs on a pooled connection of the client channel's own loop
/// (`UpstreamHTTPClient`), and so do its callbacks. Back-pressure both ways: a body part's future
/// completes only when the client socket is writable again; the request body goes through
/// `RequestBodyStream`.
///
/// Each attempt is an `UpstreamAttempt` delegate. Before each one: cooldown, breaker and quota
/// (`UpstreamGuard.check`), then a bulkhead slot. A failed attempt (connect error, timeout,
/// 502/503/504) is retried while nothing has been sent to the client, the request is safe to repeat,
/// and the retry budget and the deadline allow.
final class UpstreamExchange: @unchecked Sendable {
    private let channelContext: ChannelHandlerContext
    /// The client connection's sequencer, right before the proxy handler: the answer's parts are
    /// handed to it directly (`writeToClient`); nil outside such a pipeline.
    private let sequencer: RequestSequencer?
    /// The link rewriter for a JSON answer's body; nil when links are not rewritten.
    private let links: LinkRewriter?
    /// The client channel's allocator, read once: `channel.allocator` retains and releases the
    /// channel and its event loop on every call, and a rewritten answer asks for it per part.
    private lazy var allocator = channelContext.channel.allocator
    private let services: GatewayServices
    private var target: RequestPipeline.UpstreamTarget
    let requestBody: RequestBodyStream?
    private(set) var request: RequestContext
    private var task: UpstreamCall?
    private var transformer: ResponseBodyTransformer?
    private(set) var headSent = false
    private var finished = false
    private var writablePromise: EventLoopPromise<Void>?
    /// Head or body parts written to the client and not flushed yet (see `flushWritten`).
    private var unflushed = false
    /// The client's head and the body parts after it, until `flushWritten` or the end.
    private var heldHead: HeldResponseHead?
    /// Told once, when the response is complete or has failed. Weak, and a delegate rather than a
    /// closure: a `[weak self]` closure was a heap box per exchange.
    weak var owner: (any UpstreamExchangeOwner)?
    /// True when the client connection must be closed after this response.
    private(set) var mustClose = false
    /// What the exchange does with the upstream answer.
    private enum Mode {
        /// Stream it to the client (recording it when it may be stored).
        case streaming
        /// Upstream said 304 to our revalidation: answer with the stored entry, renewed.
        case revalidated(CachedResponse)
        /// Upstream failed: answer with the stored entry, stale.
        case fallback(CachedResponse)
        /// Upstream failed in a way worth another attempt: drop this answer, then retry.
        case retrying(RetryableFailure, delayMillis: Int64)
    }
    private var mode = Mode.streaming
    private var recorder: BodyRecorder?
    /// The client's ETag matched the new answer: it gets a 304 head, the body is only recorded.
    private var suppressBody = false
    /// For the one cached answer an exchange may write (a revalidated or stale-if-error entry).
    private var heads = HeadBufferRecycler()
    private var upstreamHead: HTTPResponseHead?
    /// A Spotify 429's body, kept (small) for the cooldown to replay.
    private var tooManyRequestsBody: [UInt8]?

    // Stage 6/7 state for the attempt in progress.
    private var clientHead: HTTPRequestHead?
    private var peer: String?
    /// The client's fields as they go upstream, and the gateway's own (a revalidation's ETag; each
    /// attempt's copy gets its `traceparent`).
    private var forwarded: ForwardedFields?
    private var upstreamHeaders = HTTPHeaders()
    private(set) var currentAttempt = 0
    private var probe = false
    private var holdsBulkhead = false
    private var bulkheadTicket: Bulkhead.Ticket?
    /// A delay (quota wait, backoff) or the bulkhead queue timeout.
    private var pendingTimer: Scheduled<Void>?
    private var firstByteTimer: Scheduled<Void>?
    private var firstByteTimedOut = false
    /// Whether the attempt in progress still has to report to the breaker and give back its slot.
    private var attemptOpen = false
    /// The client span of the attempt in progress (tracing on only); ends with the attempt.
    private var attemptSpan: (any Span)?
    private var deadline = NIODeadline.now()
    private let timeouts: UpstreamClients.Timeouts
    /// The cache's invalidation epoch when the current attempt was sent (see `ResponseCache.store`).
    private var fetchEpoch: UInt64 = 0

    private var group: RouteGroup { request.route.group }
    var eventLoop: any EventLoop { channelContext.eventLoop }
    private var guardian: UpstreamGuard { services.upstreamGuard }

    /// `consuming`: the context is moved in, not copied (see `ProxyHandler.perform`).
    init(
        context: ChannelHandlerContext, services: GatewayServices, target: RequestPipeline.UpstreamTarget,
        request: consuming RequestContext, links: LinkRewriter?, sequencer: RequestSequencer? = nil
    ) {
        let group = request.route.group
        let retryable = services.upstreamGuard.settings.retry.maxAttempts > 1
            && RetryPolicy.isSafeToRepeat(method: request.method.rawValue, hasIdempotencyKey: request.hasIdempotencyKey)
        self.channelContext = context
        self.sequencer = sequencer
        self.links = links
        self.services = services
        self.target = target
        self.request = request
        self.timeouts = services.clients.timeouts(for: group)
        // A body is copied (up to a small limit) only when the request could be retried.
        self.requestBody = target.body == nil
            ? nil : RequestBodyStream(eventLoop: context.eventLoop, keepsCopyForRetry: retryable)
    }

    // MARK: - Stage 6: guard, then stage 7: call

    func start(head: HTTPRequestHead, peer: String?) {
        clientHead = head
        self.peer = peer
        // A cacheable answer is fetched whole (the client's own validators are answered here), and
        // revalidated with the stored ETag when there is one.
        forwarded = ForwardedFields(
            client: head.headers, requestID: request.requestID, peerAddress: peer, acceptsGzip: request.acceptsGzip,
            dropsValidators: target.cache != nil)
        if let etag = target.cache?.revalidating?.etag { upstreamHeaders = ["if-none-match": etag] }
        deadline = .now() + timeouts.total
        guardian.retryBudget.recordRequest(now: guardian.now())
        beginAttempt()
    }

    /// Cooldown, breaker and quota, then a bulkhead slot, then the call.
    private func beginAttempt() {
        guard !finished else { return }
        switch guardian.check(group: group) {
        case .refuse(let refusal):
            refuse(refusal)
        case .go(let isProbe):
            probe = isProbe
            if isProbe { request.breaker = "half_open" }
            acquireBulkhead()
        case .goAfter(let delay, let isProbe):
            probe = isProbe
            if isProbe { request.breaker = "half_open" }
            request.rateLimit = "upstream_delayed"
            let exchange = NIOLoopBound(self, eventLoop: channelContext.eventLoop)
            pendingTimer = channelContext.eventLoop.scheduleTask(in: .milliseconds(delay)) { exchange.value.acquireBulkhead() }
        }
    }

    private func acquireBulkhead() {
        guard !finished else { return releaseUnusedProbe() }
        guard let bulkhead = guardian.bulkhead(for: group) else { return send() }
        let loop = channelContext.eventLoop
        let exchange = NIOLoopBound(self, eventLoop: loop)
        switch bulkhead.tryAcquire(waiter: { granted in loop.execute { exchange.value.bulkheadAnswered(granted) } }) {
        case .acquired:
            holdsBulkhead = true
            send()
        case .queued(let ticket):
            bulkheadTicket = ticket
            pendingTimer = loop.scheduleTask(in: guardian.settings.bulkheadQueueTimeout) { exchange.value.bulkheadWaitEnded() }
        case .rejected:
            guardian.recordBulkheadRejection(group: group)
            releaseUnusedProbe()
            refuse(.bulkheadFull)
        }
    }

    private func bulkheadAnswered(_ granted: Bool) {
        bulkheadTicket = nil
        pendingTimer?.cancel()
        guard granted else {
            releaseUnusedProbe()
            return refuse(.bulkheadFull)
        }
        holdsBulkhead = true
        guard !finished else {
            // The client left while queued: hand the slot on at once.
            releaseBulkhead()
            return releaseUnusedProbe()
        }
        send()
    }

    /// The queue timeout fired. If the slot was handed over meanwhile, `bulkheadAnswered` follows.
    private func bulkheadWaitEnded() {
        guard let ticket = bulkheadTicket, let bulkhead = guardian.bulkhead(for: group) else { return }
        bulkheadTicket = nil
        if bulkhead.cancel(ticket) {
            guardian.recordBulkheadRejection(group: group)
            releaseUnusedProbe()
            refuse(.bulkheadFull)
        }
    }

    private func send() {
        guard let head = clientHead, !finished else { return }
        var body: UpstreamRequestBody?
        if currentAttempt > 0, let requestBody {
            // A retry: the client's body has been read whole and kept (`retryDelay` checked).
            guard let replay = requestBody.replayableBody else {
                releaseBulkhead()
                releaseUnusedProbe()
                return fail(.upstreamUnreachable, outcome: nil)
            }
            body = .buffer(replay)
        } else if let requestBody, let shape = target.body {
            switch shape {
            case .length(let length): body = .stream(requestBody, length: length)
            case .chunked: body = .stream(requestBody, length: nil)
            }
        }
        var upstreamRequest = UpstreamRequest(
            endpoint: target.endpoint, method: head.method, target: String(request.pathAndQuery), forwarded: forwarded,
            headers: upstreamHeaders, body: body)
        currentAttempt += 1
        attemptOpen = true
        fetchEpoch = services.cache?.invalidationEpoch ?? 0
        firstByteTimedOut = false
        upstreamHead = nil
        request.upstreamStartNanos = services.now()
        if let trace = request.trace, let tracer = services.tracer {
            attemptSpan = tracer.startClientSpan(
                request: request, endpoint: target.endpoint, attempt: currentAttempt, parent: trace,
                headers: &upstreamRequest.headers)
        }
        let loop = channelContext.eventLoop
        task = services.clients.client.execute(
            upstreamRequest, delegate: UpstreamAttempt(exchange: self, number: currentAttempt), on: loop,
            connectTimeout: timeouts.connect, deadline: deadline)
        if let firstByte = timeouts.firstByte {
            let exchange = NIOLoopBound(self, eventLoop: loop)
            let attempt = currentAttempt
            firstByteTimer = loop.scheduleTask(in: firstByte) { exchange.value.firstByteTimeout(attempt: attempt) }
        }
    }

    private func firstByteTimeout(attempt: Int) {
        guard attempt == currentAttempt, attemptOpen, upstreamHead == nil else { return }
        firstByteTimedOut = true
        task?.cancel()
    }

    /// The client went away: stop the upstream work too.
    func cancel() {
        if !finished { releaseFollowers(with: nil) }
        requestBody?.fail(ChannelError.ioOnClosedChannel)
        finished = true
        pendingTimer?.cancel()
        firstByteTimer?.cancel()
        if let ticket = bulkheadTicket, let bulkhead = guardian.bulkhead(for: group), bulkhead.cancel(ticket) {
            bulkheadTicket = nil
            releaseUnusedProbe()
        }
        endAttempt(failed: nil)
        task?.cancel()
        writablePromise?.fail(ChannelError.ioOnClosedChannel)
        writablePromise = nil
    }

    /// The client's body grew past the limit mid-stream.
    func abortBodyTooLarge() {
        guard !finished else { return }
        mustClose = true
        // Answer (or close) first: cancelling the task below reports an error to this delegate
        // synchronously, and `finished` makes that a no-op instead of a second response.
        fail(.bodyTooLarge, outcome: nil)
        requestBody?.fail(GatewayError.bodyTooLarge)
        endAttempt(failed: nil)
        task?.cancel()
    }

    func writabilityChanged(isWritable: Bool) {
        if isWritable, let promise = writablePromise {
            writablePromise = nil
            promise.succeed(())
        }
    }

    // MARK: - Attempt callbacks (stage 8: respond)

    func attemptReceivedHead(_ head: HTTPResponseHead) -> EventLoopFuture<Void>? {
        firstByteTimer?.cancel()
        guard !finished else { return nil }
        let now = services.now()
        let status = Int(head.status.code)
        request.upstreamStatus = status
        attemptSpan?.attributes["http.response.status_code"] = status
        upstreamHead = head
        if status == 429 { tooManyRequestsBody = [] }
        if let delay = retryDelay(after: .status(status)) {
            mode = .retrying(.status(status), delayMillis: delay)
            return nil
        }
        mode = .streaming
        if let cache = target.cache {
            if head.status == .notModified, let entry = cache.revalidating {
                mode = .revalidated(entry)
                return nil
            }
            if status >= 500, let entry = cache.fallback {
                mode = .fallback(entry)
                return nil
            }
            if !request.isHead, CachePolicy.isStorable(status: status), let policy = services.cache?.policy {
                recorder = BodyRecorder(
                    limit: policy.maxEntryBytes, allocator: allocator,
                    expected: head.headers.first(name: "content-length").flatMap(Int.init))
            }
        }
        let hasBody = !request.isHead && head.status != .noContent && head.status != .notModified
        if hasBody, let links {
            transformer = try? ResponseBodyTransformer(
                contentType: head.headers.first(name: "content-type"),
                contentEncoding: head.headers.first(name: "content-encoding"),
                rewriter: links)
        }
        var responseStatus = head.status
        if let cache = target.cache, head.status == .ok, let etag = head.headers.first(name: "etag"),
            ETagMatching.matches(etag, ifNoneMatch: cache.clientETags)
        {
            // The client already has this version: a 304 head; the body is still read and stored.
            responseStatus = .notModified
            suppressBody = true
        }
        // The client's head, written as bytes in one pass over the upstream's fields (no client
        // `HTTPHeaders` or `HTTPResponseHead` per answer), into the connection's spare head buffer.
        // (A 304 frames no body, so its length is dropped whatever `hasLength` says.)
        let bodyRewritten = transformer != nil
        let framing = ResponseEncoder.framing(
            method: request.method, status: responseStatus, version: request.version,
            hasLength: !bodyRewritten && head.headers.contains(name: "content-length"))
        var writer = sequencer?.streamHeadWriter(version: request.version, status: responseStatus)
            ?? ResponseHeadWriter(version: request.version, status: responseStatus, allocator: channelContext.channel.allocator)
        HeaderPolicy.writeClientResponseFields(
            from: head.headers, keepsLength: !bodyRewritten && framing.framesBody,
            notModified: responseStatus != head.status, into: &writer)
        writer.add("x-request-id", id: request.requestID)
        writer.add("x-cache", value: request.cache.headerValue)
        if let traceResponse = request.traceResponseValue { writer.add("traceresponse", value: traceResponse) }
        if let started = request.upstreamStartNanos { writer.addUpstreamTiming(nanos: now &- started) }
        let closes = !request.keepAlive || mustClose
        if closes { writer.add("connection", value: "close") }
        // (The framing field, `Transfer-Encoding` or a `Content-Length` learnt by the end, is
        // added when the head is released: `HeldResponseHead`.)
        guard writer.isValid else {
            // A field that could split the answer (the upstream parser admits none; kept as the
            // encoder's last line of defence): nothing was sent, so the client gets a 502.
            task?.cancel()
            return channelContext.eventLoop.makeFailedFuture(HTTPParserError.invalidHeaderToken)
        }
        request.status = Int(responseStatus.code)
        headSent = true
        // An HTTP/1.0 answer without `Connection: keep-alive` (never added) ends the connection.
        let endsConnection = closes || request.version == .http1_0
        heldHead = HeldResponseHead(
            writer: writer, framing: framing.noBody ? .noBody : framing.chunked ? .chunked : .asIs,
            closes: endsConnection)
        unflushed = true
        return nil
    }

    func attemptReceivedBodyPart(_ buffer: ByteBuffer) -> EventLoopFuture<Void>? {
        if tooManyRequestsBody != nil, tooManyRequestsBody!.count < Self.maxKeptErrorBody {
            tooManyRequestsBody!.append(contentsOf: buffer.readableBytesView.prefix(Self.maxKeptErrorBody - tooManyRequestsBody!.count))
        }
        guard !finished, case .streaming = mode else { return nil }
        if let transformer {
            do {
                try transformer.transform(buffer, allocator: allocator) { writeBody($0) }
            } catch {
                task?.cancel()
                return channelContext.eventLoop.makeFailedFuture(error)
            }
        } else {
            writeBody(buffer)
        }
        if channelContext.channel.isWritable {
            return nil
        }
        // Full: take the next part once the socket drains, and flush what is queued (the promise
        // first: the flush itself may make the channel writable again).
        let promise = channelContext.eventLoop.makePromise(of: Void.self)
        writablePromise = promise
        flushWritten()
        return promise.futureResult
    }

    func attemptFinished() {
        firstByteTimer?.cancel()
        let status = request.upstreamStatus ?? 0
        if status == 429 { guardian.upstreamSaidTooManyRequests(retryAfter: upstreamHead?.headers.first(name: "retry-after"), body: tooManyRequestsBody ?? []) }
        tooManyRequestsBody = nil
        endAttempt(failed: status >= 500)
        guard !finished else { return }
        switch mode {
        case .streaming:
            break
        case .revalidated(let entry):
            finishRevalidated(entry)
            return
        case .fallback(let entry):
            finishWithFallback(entry)
            return
        case .retrying(let failure, let delay):
            recordUpstream(outcome: Self.outcome(forStatus: status))
            scheduleRetry(after: failure, delayMillis: delay)
            return
        }
        if let transformer {
            do {
                try transformer.finish(allocator: allocator) { writeBody($0) }
            } catch {
                attemptFailed(error)
                return
            }
        }
        finished = true
        recordUpstream(outcome: Self.outcome(forStatus: status))
        // Stored (and the invalidations of a mutation done) before the end goes out: once a
        // client has the whole answer, its next request — on any connection — sees the cache
        // as this answer left it.
        afterUpstreamAnswer()
        unflushed = false
        releaseHeldHead(complete: true)
        writeToClient(.end)
        channelContext.flush()
        owner?.exchangeCompleted(self)
    }

    func attemptFailed(_ error: any Error) {
        firstByteTimer?.cancel()
        attemptSpan?.attributes["error.type"] = firstByteTimedOut ? "timeout" : String(reflecting: type(of: error))
        endAttempt(failed: true)
        guard !finished else { return }
        let (gatewayError, outcome) = firstByteTimedOut ? (.upstreamTimeout, .timeout) : UpstreamErrorClassifier.classify(error)
        let failure: RetryableFailure? = switch outcome {
        case .timeout: .timeout
        case .unreachable: .connect
        default: nil
        }
        if !headSent, let failure, let delay = retryDelay(after: failure) {
            recordUpstream(outcome: outcome)
            scheduleRetry(after: failure, delayMillis: delay)
            return
        }
        if !headSent, let entry = target.cache?.fallback {
            recordUpstream(outcome: outcome)
            finishWithFallback(entry)
            return
        }
        fail(gatewayError, outcome: outcome)
    }

    // MARK: - Retries

    /// The backoff before another attempt after `failure`, or nil when there must not be one:
    /// not retryable (method, failure kind, a body that cannot be replayed), attempts used up, no
    /// retry budget, or no time left before the deadline.
    private func retryDelay(after failure: RetryableFailure) -> Int64? {
        let policy = guardian.settings.retry
        guard !headSent, requestBody == nil || requestBody?.replayableBody != nil,
              policy.allowsAttempt(after: currentAttempt), let head = clientHead,
              RetryPolicy.isRetryable(
                method: head.method.rawValue, hasIdempotencyKey: request.hasIdempotencyKey,
                failure: failure)
        else { return nil }
        let delay = policy.delayMillis(attempt: currentAttempt) { Int64.random(in: $0) }
        let remaining = (deadline.uptimeNanoseconds &- NIODeadline.now().uptimeNanoseconds) / 1_000_000
        guard deadline > .now(), policy.fits(delayMillis: delay, remainingMillis: Int64(remaining)),
              guardian.retryBudget.tryRetry(now: guardian.now())
        else { return nil }
        return delay
    }

    private func scheduleRetry(after failure: RetryableFailure, delayMillis: Int64) {
        request.retries += 1
        request.trace?.span.addEvent(
            SpanEvent(name: "sidetrack.retry", attributes: ["sidetrack.retry.reason": .string(Self.retryReason(failure).rawValue)]))
        guardian.metrics.recordRetry(route: request.route.index, reason: Self.retryReason(failure))
        mode = .streaming
        recorder = nil
        let exchange = NIOLoopBound(self, eventLoop: channelContext.eventLoop)
        pendingTimer = channelContext.eventLoop.scheduleTask(in: .milliseconds(delayMillis)) { exchange.value.beginAttempt() }
    }

    /// The metric's reason: the same stable strings as `RetryableFailure.label` (only transient
    /// failures are retried, so `status_other` never occurs; it would count as 503).
    private static func retryReason(_ failure: RetryableFailure) -> ResilienceMetrics.RetryReason {
        ResilienceMetrics.RetryReason(rawValue: failure.label) ?? .status503
    }

    // MARK: - Stage 6 bookkeeping

    /// The attempt is over: report it to the breaker (`failed` nil: no outcome, e.g. the client
    /// left) and give back its bulkhead slot. Idempotent per attempt.
    private func endAttempt(failed: Bool?) {
        guard attemptOpen else { return }
        attemptOpen = false
        if let span = attemptSpan {
            attemptSpan = nil
            if failed == true { span.setStatus(SpanStatus(code: .error)) }
            span.end()
        }
        if let failed {
            guardian.recordOutcome(group: group, probe: probe, failed: failed)
        } else if probe {
            guardian.cancelProbe(group: group)
        }
        probe = false
        releaseBulkhead()
    }

    private func releaseBulkhead() {
        guard holdsBulkhead else { return }
        holdsBulkhead = false
        guardian.bulkhead(for: group)?.release()
    }

    /// A probe admitted by the breaker whose call was never made.
    private func releaseUnusedProbe() {
        guard probe, !attemptOpen else { return }
        probe = false
        guardian.cancelProbe(group: group)
    }

    /// Stage 6 said no: a stored answer beats an error (stale-if-error covers an open breaker, a
    /// cooldown and a spent quota); otherwise the refusal, with `Retry-After`.
    private func refuse(_ refusal: UpstreamGuard.Refusal) {
        guard !finished else { return }
        if case .circuitOpen = refusal { request.breaker = "open" }
        if case .quota = refusal { request.rateLimit = "upstream_rejected" }
        if !headSent, let entry = target.cache?.fallback {
            return finishWithFallback(entry)
        }
        var extra: HTTPHeaders = [:]
        if let millis = refusal.retryAfterMillis { extra.add(name: "retry-after", value: RetryAfter.headerValue(fromMillis: millis)) }
        var body: [UInt8]?
        if case .cooldown(let status) = refusal {
            // Spotify's own 429 body, so a client sees what Spotify said (QUOTA_EXCEEDED included).
            if !status.body.isEmpty { body = status.body }
            extra.add(name: "sidetrack-cooldown-reason", value: status.reason.rawValue)
        }
        fail(refusal.error, outcome: nil, extraHeaders: extra, body: body)
    }

    // MARK: - Cache: store, share, revalidate, fall back

    /// After a streamed answer: trust the token if Spotify accepted it, store and share the answer
    /// when it may be, and invalidate what a successful mutation made stale.
    private func afterUpstreamAnswer() {
        guard let cache = services.cache else { return }
        if target.cache != nil { cache.record(.miss, route: request.route.index) }
        let status = request.upstreamStatus ?? 0
        if let identity = request.tokenIdentity {
            if (200..<300).contains(status) {
                cache.trust.markAccepted(identity, now: cache.now())
            } else if status == 401 {
                cache.trust.markRejected(identity)
            }
        }
        if request.route.isMutation, (200..<300).contains(status), let match = request.match {
            cache.invalidate(after: match, callerIdentity: request.tokenIdentity)
        }
        guard let context = target.cache else { return }
        var shared: CachedResponse?
        if let recorder, !recorder.overflowed, let head = upstreamHead, CachePolicy.isStorable(status: status) {
            let entry = CachedResponse(
                key: context.key, route: request.route.template, status: head.status,
                headers: HeaderPolicy.clientResponseHeaders(
                    from: head.headers, bodyRewritten: transformer != nil, requestID: request.requestID),
                body: recorder.body, lifetimes: cache.policy.lifetimes(storedAt: cache.now(), route: request.route))
            cache.store(entry, fetchedAt: fetchEpoch)
            shared = entry
        }
        recorder = nil
        releaseFollowers(with: shared)
    }

    /// Upstream confirmed the stored version (304): renew it and answer with it.
    private func finishRevalidated(_ entry: CachedResponse) {
        finished = true
        recordUpstream(outcome: .success)
        guard let cache = services.cache, let context = target.cache else { return }
        let now = cache.now()
        if let identity = request.tokenIdentity { cache.trust.markAccepted(identity, now: now) }
        let renewed = entry.renewed(cache.policy.lifetimes(storedAt: now, route: request.route))
        cache.store(renewed, fetchedAt: fetchEpoch)
        answerFromCache(renewed, label: .revalidated, notModified: renewed.matches(ifNoneMatch: context.clientETags))
        releaseFollowers(with: renewed)
        owner?.exchangeCompleted(self)
    }

    /// Upstream failed or was not asked (5xx, timeout, unreachable, breaker, cooldown): the stored
    /// answer beats an error (stale-if-error).
    private func finishWithFallback(_ entry: CachedResponse) {
        finished = true
        if request.upstreamStatus != nil { recordUpstream(outcome: .error) }
        request.cache = .stale
        answerFromCache(entry, label: .stale, notModified: entry.matches(ifNoneMatch: target.cache?.clientETags ?? []))
        releaseFollowers(with: nil)
        owner?.exchangeCompleted(self)
    }

    private func answerFromCache(_ entry: CachedResponse, label: CacheLabel, notModified: Bool) {
        guard let cache = services.cache else { return }
        cache.record(label, route: request.route.index)
        mustClose = mustClose || !request.keepAlive
        channelContext.writeCached(
            entry, label: label, notModified: notModified, request: &request, keepAlive: !mustClose, now: cache.now(),
            heads: &heads, sequencer: sequencer)
    }

    /// The leader is done: hand its answer (or nil: go upstream yourselves) to coalesced followers.
    private func releaseFollowers(with entry: CachedResponse?) {
        guard let context = target.cache, context.isLeader, let cache = services.cache else { return }
        target.cache?.isLeader = false
        for waiter in cache.coalescer.finish(context.key.text) { waiter(entry) }
    }

    // MARK: - Helpers

    /// Flushes the parts written since the last flush. The upstream connection calls this once the
    /// parts of a socket read are handed over, so a small answer's head, body and end (which
    /// usually arrive in one read) leave in one `writev`, and a long stream is flushed once per read.
    func flushWritten() {
        guard unflushed else { return }
        unflushed = false
        releaseHeldHead(complete: false)
        channelContext.flush()
    }

    private func writeBody(_ buffer: ByteBuffer) {
        recorder?.append(buffer)
        guard !suppressBody else { return }
        request.bytesOut += buffer.readableBytes
        unflushed = true
        if heldHead != nil {
            if heldHead!.append(buffer) { return }
            releaseHeldHead(complete: false)
        }
        writeToClient(.body(.byteBuffer(buffer)))
    }

    /// Writes the held head and body parts (`HeldResponseHead`), if they are still held.
    private func releaseHeldHead(complete: Bool) {
        guard heldHead != nil else { return }
        let (head, body) = heldHead!.release(complete: complete)
        heldHead = nil
        writeToClient(head)
        if let body { writeToClient(body) }
    }

    /// Straight to the sequencer when there is one: no `NIOAny` box (a response part is too big for
    /// its inline storage), pipeline walk or cast back per part — three of each per answer.
    private func writeToClient(_ part: ResponsePart) {
        if sequencer?.respond(part) != true { channelContext.write(NIOAny(part), promise: nil) }
    }

    /// Ends the exchange with a gateway error: a Spotify-format error response if nothing was sent
    /// yet, else the client connection is closed (a half-sent body cannot be turned into an error).
    private func fail(_ error: GatewayError, outcome: UpstreamOutcome?, extraHeaders: HTTPHeaders = [:], body: [UInt8]? = nil) {
        finished = true
        pendingTimer?.cancel()
        if target.cache != nil { services.cache?.record(.miss, route: request.route.index) }
        releaseFollowers(with: nil)
        if let outcome { recordUpstream(outcome: outcome) }
        request.errorLabel = error.label
        if headSent {
            mustClose = true
            releaseHeldHead(complete: false)
            channelContext.flush()
            channelContext.close(promise: nil)
        } else {
            var response = LocalResponse.error(error)
            if let body { response.body = body }
            request.status = Int(response.status.code)
            request.bytesOut = response.body.count
            mustClose = mustClose || !request.keepAlive
            response.headers.add(contentsOf: extraHeaders)
            channelContext.writeLocal(
                response, version: request.version, isHead: request.isHead, keepAlive: !mustClose,
                requestID: request.requestID, traceResponse: request.traceResponseValue)
        }
        owner?.exchangeCompleted(self)
    }

    private func recordUpstream(outcome: UpstreamOutcome) {
        guard let started = request.upstreamStartNanos else { return }
        let elapsed = services.now() &- started
        request.upstreamNanos = elapsed
        services.metrics.observeUpstream(
            route: request.route.index, upstream: target.label, outcome: outcome, seconds: Double(elapsed) / 1e9)
    }

    /// A 429's body is kept up to this many bytes (Spotify's are ~100).
    private static let maxKeptErrorBody = 4_096

    static func outcome(forStatus status: Int) -> UpstreamOutcome {
        switch status {
        case 429: .rateLimited
        case 400..<500: .clientError
        case 500...: .error
        default: .success
        }
    }
}

/// Whoever an exchange reports its end to: the proxy handler of the client connection.
protocol UpstreamExchangeOwner: AnyObject {
    func exchangeCompleted(_ exchange: UpstreamExchange)
}
