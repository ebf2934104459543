import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import SidetrackCore
import SidetrackObservability

/// One request's trip upstream (stage 7) and the streamed answer back to the client (stage 8).
///
/// AsyncHTTPClient runs this delegate on the client channel's own event loop
/// (`.delegateAndChannel(on:)`), so the state here is event-loop confined and no callback hops
/// threads. Back-pressure both ways: the response delegate returns a future that completes only when
/// the client socket is writable again; the request body goes through `RequestBodyStream`.
final class UpstreamExchange: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void

    private let channelContext: ChannelHandlerContext
    private let services: GatewayServices
    private var target: RequestPipeline.UpstreamTarget
    let requestBody: RequestBodyStream?
    private(set) var request: RequestContext
    private var task: HTTPClient.Task<Void>?
    private var transformer: ResponseBodyTransformer?
    private(set) var headSent = false
    private var finished = false
    private var writablePromise: EventLoopPromise<Void>?
    /// Called once, when the response is complete or has failed.
    var onComplete: ((UpstreamExchange) -> Void)?
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
    }
    private var mode = Mode.streaming
    private var recorder: BodyRecorder?
    /// The client's ETag matched the new answer: it gets a 304 head, the body is only recorded.
    private var suppressBody = false
    private var upstreamHead: HTTPResponseHead?

    init(context: ChannelHandlerContext, services: GatewayServices, target: RequestPipeline.UpstreamTarget, request: RequestContext) {
        self.channelContext = context
        self.services = services
        self.target = target
        self.request = request
        if let body = target.body {
            _ = body
            self.requestBody = RequestBodyStream(eventLoop: context.eventLoop)
        } else {
            self.requestBody = nil
        }
    }

    // MARK: - Sending

    func start(head: HTTPRequestHead, peer: String?) {
        var headers = HeaderPolicy.upstreamRequestHeaders(
            from: head.headers, requestID: request.requestID, peerAddress: peer, acceptsGzip: request.acceptsGzip)
        if let cache = target.cache {
            // A cacheable answer is fetched whole (the client's own validators are answered here),
            // and revalidated with the stored ETag when there is one.
            headers.remove(name: "if-none-match")
            headers.remove(name: "if-modified-since")
            if let etag = cache.revalidating?.etag { headers.add(name: "if-none-match", value: etag) }
        }
        var body: HTTPClient.Body?
        if let requestBody, let shape = target.body {
            switch shape {
            case .length(let length): body = requestBody.body(contentLength: length)
            case .chunked: body = requestBody.body(contentLength: nil)
            }
        }
        let upstreamRequest: HTTPClient.Request
        do {
            upstreamRequest = try HTTPClient.Request(
                url: target.endpoint.origin + request.pathAndQuery, method: head.method, headers: headers, body: body)
        } catch {
            fail(.badRequest("Malformed request target"), outcome: nil)
            return
        }
        request.upstreamStartNanos = services.now()
        task = services.httpClient.execute(
            request: upstreamRequest,
            delegate: self,
            eventLoop: .delegateAndChannel(on: channelContext.eventLoop),
            deadline: .now() + services.settings.requestTimeout
        )
    }

    /// The client went away: stop the upstream work too.
    func cancel() {
        if !finished { releaseFollowers(with: nil) }
        requestBody?.fail(ChannelError.ioOnClosedChannel)
        task?.cancel()
        finished = true
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
        task?.cancel()
    }

    func writabilityChanged(isWritable: Bool) {
        if isWritable, let promise = writablePromise {
            writablePromise = nil
            promise.succeed(())
        }
    }

    // MARK: - HTTPClientResponseDelegate (stage 8: respond)

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        guard !finished else { return channelContext.eventLoop.makeSucceededVoidFuture() }
        let now = services.now()
        request.upstreamStatus = Int(head.status.code)
        upstreamHead = head
        if let cache = target.cache {
            if head.status == .notModified, let entry = cache.revalidating {
                mode = .revalidated(entry)
                return channelContext.eventLoop.makeSucceededVoidFuture()
            }
            if head.status.code >= 500, let entry = cache.fallback {
                mode = .fallback(entry)
                return channelContext.eventLoop.makeSucceededVoidFuture()
            }
            if !request.isHead, CachePolicy.isStorable(status: Int(head.status.code)), let policy = services.cache?.policy {
                recorder = BodyRecorder(
                    limit: policy.maxEntryBytes, allocator: channelContext.channel.allocator,
                    expected: head.headers.first(name: "content-length").flatMap(Int.init))
            }
        }
        let hasBody = !request.isHead && head.status != .noContent && head.status != .notModified
        if hasBody, services.settings.rewriteLinks {
            transformer = try? ResponseBodyTransformer(
                contentType: head.headers.first(name: "content-type"),
                contentEncoding: head.headers.first(name: "content-encoding"),
                linkPrefix: services.settings.linkPrefix,
                publicBase: request.publicBase)
        }
        var headers = HeaderPolicy.clientResponseHeaders(
            from: head.headers, bodyRewritten: transformer != nil, requestID: request.requestID)
        headers.add(name: "x-cache", value: request.cache.headerValue)
        if let started = request.upstreamStartNanos {
            headers.add(name: "server-timing", value: "upstream;dur=\(Self.millis(now &- started))")
        }
        if !request.keepAlive || mustClose { headers.replaceOrAdd(name: "connection", value: "close") }
        var status = head.status
        if let cache = target.cache, head.status == .ok, let etag = head.headers.first(name: "etag"),
            ETagMatching.matches(etag, ifNoneMatch: cache.clientETags)
        {
            // The client already has this version: a 304 head; the body is still read and stored.
            status = .notModified
            suppressBody = true
            headers.remove(name: "content-length")
            headers.remove(name: "transfer-encoding")
            headers.remove(name: "content-encoding")
            headers.remove(name: "content-type")
        }
        request.status = Int(status.code)
        headSent = true
        let clientHead = HTTPResponseHead(version: request.version, status: status, headers: headers)
        channelContext.write(NIOAny(HTTPServerResponsePart.head(clientHead)), promise: nil)
        return channelContext.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard !finished, case .streaming = mode else { return channelContext.eventLoop.makeSucceededVoidFuture() }
        if let transformer {
            do {
                for chunk in try transformer.transform(buffer, allocator: channelContext.channel.allocator) {
                    writeBody(chunk)
                }
            } catch {
                task.cancel()
                return channelContext.eventLoop.makeFailedFuture(error)
            }
        } else {
            writeBody(buffer)
        }
        channelContext.flush()
        if channelContext.channel.isWritable {
            return channelContext.eventLoop.makeSucceededVoidFuture()
        }
        let promise = channelContext.eventLoop.makePromise(of: Void.self)
        writablePromise = promise
        return promise.futureResult
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
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
        }
        if let transformer {
            do {
                for chunk in try transformer.finish(allocator: channelContext.channel.allocator) { writeBody(chunk) }
            } catch {
                didReceiveError(task: task, error)
                return
            }
        }
        finished = true
        recordUpstream(outcome: Self.outcome(forStatus: request.upstreamStatus ?? 0))
        channelContext.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
        afterUpstreamAnswer()
        onComplete?(self)
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        guard !finished else { return }
        let (gatewayError, outcome) = UpstreamErrorClassifier.classify(error)
        if !headSent, let entry = target.cache?.fallback {
            recordUpstream(outcome: outcome)
            finishWithFallback(entry)
            return
        }
        fail(gatewayError, outcome: outcome)
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
                body: recorder.body, lifetimes: cache.policy.lifetimes(storedAt: cache.now(), ttlClass: request.route.ttlClass))
            cache.store(entry)
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
        let renewed = entry.renewed(cache.policy.lifetimes(storedAt: now, ttlClass: request.route.ttlClass))
        cache.store(renewed)
        answerFromCache(renewed, label: .revalidated, notModified: renewed.matches(ifNoneMatch: context.clientETags))
        releaseFollowers(with: renewed)
        onComplete?(self)
    }

    /// Upstream failed (5xx, timeout, unreachable): the stored answer beats an error (stale-if-error).
    private func finishWithFallback(_ entry: CachedResponse) {
        finished = true
        if request.upstreamStatus != nil { recordUpstream(outcome: .error) }
        answerFromCache(entry, label: .stale, notModified: entry.matches(ifNoneMatch: target.cache?.clientETags ?? []))
        releaseFollowers(with: nil)
        onComplete?(self)
    }

    private func answerFromCache(_ entry: CachedResponse, label: CacheLabel, notModified: Bool) {
        guard let cache = services.cache else { return }
        cache.record(label, route: request.route.index)
        mustClose = mustClose || !request.keepAlive
        channelContext.writeCached(
            entry, label: label, notModified: notModified, request: &request, keepAlive: !mustClose, now: cache.now())
    }

    /// The leader is done: hand its answer (or nil: go upstream yourselves) to coalesced followers.
    private func releaseFollowers(with entry: CachedResponse?) {
        guard let context = target.cache, context.isLeader, let cache = services.cache else { return }
        target.cache?.isLeader = false
        for waiter in cache.coalescer.finish(context.key.text) { waiter(entry) }
    }

    // MARK: - Helpers

    private func writeBody(_ buffer: ByteBuffer) {
        recorder?.append(buffer)
        guard !suppressBody else { return }
        request.bytesOut += buffer.readableBytes
        channelContext.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
    }

    /// Ends the exchange with a gateway error: a Spotify-format error response if nothing was sent
    /// yet, else the client connection is closed (a half-sent body cannot be turned into an error).
    private func fail(_ error: GatewayError, outcome: UpstreamOutcome?) {
        finished = true
        if target.cache != nil { services.cache?.record(.miss, route: request.route.index) }
        releaseFollowers(with: nil)
        if let outcome { recordUpstream(outcome: outcome) }
        request.errorLabel = error.label
        if headSent {
            mustClose = true
            channelContext.flush()
            channelContext.close(promise: nil)
        } else {
            let response = LocalResponse.error(error)
            request.status = Int(response.status.code)
            request.bytesOut = response.body.count
            mustClose = mustClose || !request.keepAlive
            channelContext.writeLocal(
                response, version: request.version, isHead: request.isHead, keepAlive: !mustClose,
                extraHeaders: ["x-request-id": request.requestID])
        }
        onComplete?(self)
    }

    private func recordUpstream(outcome: UpstreamOutcome) {
        guard let started = request.upstreamStartNanos else { return }
        let elapsed = services.now() &- started
        request.upstreamNanos = elapsed
        services.metrics.observeUpstream(
            route: request.route.index, upstream: target.label, outcome: outcome, seconds: Double(elapsed) / 1e9)
    }

    static func outcome(forStatus status: Int) -> UpstreamOutcome {
        switch status {
        case 429: .rateLimited
        case 400..<500: .clientError
        case 500...: .error
        default: .success
        }
    }

    static func millis(_ nanos: UInt64) -> String {
        let tenths = (nanos + 50_000) / 100_000
        return "\(tenths / 10).\(tenths % 10)"
    }
}
