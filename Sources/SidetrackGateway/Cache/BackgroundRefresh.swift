import NIOCore
import NIOHTTP1
import SidetrackCore

/// stale-while-revalidate: refreshes one stale entry upstream while the client that found it
/// stale has already been answered. At most one refresh per key runs (the coalescer's flight for
/// the key is held for its duration, so requests that find the entry expired meanwhile follow it).
///
/// The body goes through the same link rewriting as a client's would, so the stored entry is
/// exactly what a miss would have stored.
final class BackgroundRefresh: UpstreamResponseDelegate, @unchecked Sendable {
    private let eventLoop: any EventLoop

    private let cache: ResponseCache
    private let guardian: UpstreamGuard
    /// The breaker admitted this refresh as its half-open probe.
    private let probe: Bool
    /// The cache's invalidation epoch when the refresh was sent (see `ResponseCache.store`).
    private let fetchEpoch: UInt64
    private let entry: CachedResponse
    private let key: CacheKey
    private let route: RouteDescriptor
    private let linkPrefix: String
    private let publicBase: String
    private var head: HTTPResponseHead?
    private var transformer: ResponseBodyTransformer?
    private var recorder: BodyRecorder
    /// A body the link rewriter could not transform is not stored.
    private var unreadable = false

    /// Starts the refresh if no other call for `key` is in flight; returns whether it started.
    @discardableResult
    static func start(
        services: GatewayServices, cache: ResponseCache, key: CacheKey, entry: CachedResponse, route: RouteDescriptor,
        head: HTTPRequestHead, pathAndQuery: Substring, endpoint: UpstreamEndpoint, requestID: CorrelationID, acceptsGzip: Bool,
        publicBase: String, eventLoop: any EventLoop
    ) -> Bool {
        guard cache.coalescer.tryLead(key.text) else { return false }
        // Stage 6 applies to refreshes too: no call during a cooldown, past an open breaker or
        // beyond the app's quota (the stale answer the client got is all there is for now).
        let guardian = services.upstreamGuard
        let probe: Bool
        var delay: Int64 = 0
        switch guardian.check(group: route.group) {
        case .refuse:
            for waiter in cache.coalescer.finish(key.text) { waiter(nil) }
            return false
        case .go(let isProbe):
            probe = isProbe
        case .goAfter(let delayMillis, let isProbe):
            probe = isProbe
            delay = delayMillis
        }
        let forwarded = ForwardedFields(
            client: head.headers, requestID: requestID, peerAddress: nil, acceptsGzip: acceptsGzip, dropsValidators: true)
        let headers: HTTPHeaders = entry.etag.map { ["if-none-match": $0] } ?? [:]
        let refresh = BackgroundRefresh(
            cache: cache, guardian: guardian, probe: probe, entry: entry, key: key, route: route,
            linkPrefix: services.settings.linkPrefix, publicBase: publicBase, maxBytes: cache.policy.maxEntryBytes,
            eventLoop: eventLoop)
        let request = UpstreamRequest(
            endpoint: endpoint, method: .GET, target: String(pathAndQuery), forwarded: forwarded, headers: headers, body: nil)
        let client = services.clients.client
        let timeouts = services.clients.timeouts(for: route.group)
        eventLoop.scheduleTask(in: .milliseconds(delay)) {
            client.execute(
                request, delegate: refresh, on: eventLoop, connectTimeout: timeouts.connect, deadline: .now() + timeouts.total)
        }
        return true
    }

    private init(
        cache: ResponseCache, guardian: UpstreamGuard, probe: Bool, entry: CachedResponse, key: CacheKey,
        route: RouteDescriptor, linkPrefix: String, publicBase: String, maxBytes: Int, eventLoop: any EventLoop
    ) {
        self.eventLoop = eventLoop
        self.cache = cache
        self.guardian = guardian
        self.probe = probe
        self.fetchEpoch = cache.invalidationEpoch
        self.entry = entry
        self.key = key
        self.route = route
        self.linkPrefix = linkPrefix
        self.publicBase = publicBase
        self.recorder = BodyRecorder(limit: maxBytes, allocator: ByteBufferAllocator(), expected: nil)
    }

    func upstreamReceivedHead(_ head: HTTPResponseHead) -> EventLoopFuture<Void>? {
        self.head = head
        if head.status == .ok {
            transformer = try? ResponseBodyTransformer(
                contentType: head.headers.first(name: "content-type"),
                contentEncoding: head.headers.first(name: "content-encoding"),
                rewriter: LinkRewriter(linkPrefix: linkPrefix, publicBase: publicBase))
        }
        return nil
    }

    func upstreamReceivedBodyPart(_ buffer: ByteBuffer) -> EventLoopFuture<Void>? {
        append(buffer, allocator: ByteBufferAllocator())
        return nil
    }

    func upstreamPartsDelivered() {}

    func upstreamFinished() {
        guard let head else { return finish(with: nil) }
        guardian.recordOutcome(group: route.group, probe: probe, failed: head.status.code >= 500)
        if head.status == .tooManyRequests {
            guardian.upstreamSaidTooManyRequests(retryAfter: head.headers.first(name: "retry-after"), body: [])
        }
        let now = cache.now()
        if head.status == .notModified {
            return finish(with: entry.renewed(cache.policy.lifetimes(storedAt: now, route: route)))
        }
        if let transformer {
            // A gzip stream that cannot be ended leaves the body short: not stored.
            do { try transformer.finish(allocator: ByteBufferAllocator()) { collect($0) } } catch { unreadable = true }
        }
        guard CachePolicy.isStorable(status: Int(head.status.code)), !recorder.overflowed, !unreadable else {
            return finish(with: nil)
        }
        finish(with: CachedResponse(
            key: key, route: route.template, status: head.status,
            headers: HeaderPolicy.clientResponseHeaders(from: head.headers, bodyRewritten: transformer != nil, requestID: ""),
            body: recorder.body, lifetimes: cache.policy.lifetimes(storedAt: now, route: route)))
    }

    func upstreamFailed(_ error: any Error) {
        guardian.recordOutcome(group: route.group, probe: probe, failed: true)
        finish(with: nil)
    }

    private func append(_ buffer: ByteBuffer, allocator: ByteBufferAllocator) {
        guard let transformer else { return collect(buffer) }
        do { try transformer.transform(buffer, allocator: allocator) { collect($0) } } catch { unreadable = true }
    }

    private func collect(_ chunk: ByteBuffer) {
        recorder.append(chunk)
    }

    /// Stores a refreshed entry (a failed refresh keeps the stale one) and releases followers.
    fileprivate func finish(with refreshed: CachedResponse?) {
        if let refreshed { cache.store(refreshed, fetchedAt: fetchEpoch) }
        for waiter in cache.coalescer.finish(key.text) { waiter(refreshed) }
    }
}
