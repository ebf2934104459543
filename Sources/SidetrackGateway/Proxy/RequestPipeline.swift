import NIOCore
import NIOHTTP1
import SidetrackCore
import SidetrackObservability

/// The request path of DESIGN §2, in order. Each stage is a call into an engine that knows nothing
/// of sockets; `ProxyHandler` only moves bytes. Stages 8 and 9 run when the answer comes back
/// (`UpstreamExchange`, `RequestObserver`).
///
/// A class: a struct this size (the whole `GatewaySettings` inside) was copied, a retain per field,
/// every time a handler called into it.
final class RequestPipeline: Sendable {
    let settings: GatewaySettings
    let routes: RouteTable
    let identifier: ClientIdentifier
    let local: LocalEndpoints
    /// nil when caching is off (tests of the bare proxy).
    let cache: ResponseCache?
    let upstreamGuard: UpstreamGuard
    /// nil when tracing is off.
    let tracer: GatewayTracer?
    private let bulkheadRefusal = RequestPipeline.refusal(.bulkheadFull).encodingFields()
    private let overloadRefusal = RequestPipeline.refusal(.overloaded).encodingFields()

    init(
        settings: GatewaySettings, routes: RouteTable, identifier: ClientIdentifier, local: LocalEndpoints,
        cache: ResponseCache?, upstreamGuard: UpstreamGuard, tracer: GatewayTracer?
    ) {
        self.settings = settings
        self.routes = routes
        self.identifier = identifier
        self.local = local
        self.cache = cache
        self.upstreamGuard = upstreamGuard
        self.tracer = tracer
    }

    /// What to do with a request once its head has been read.
    enum Plan {
        /// Answer from the gateway itself. `observed` is false for probes and `/metrics`, which are
        /// not proxied traffic and must not skew the request metrics.
        case local(LocalResponse, observed: Bool, keepAlive: Bool)
        /// Send it upstream.
        case forward(UpstreamTarget)
        /// Answer from the cache now, on the event loop (`notModified`: the client's ETag matched;
        /// `refresh`: start one background refresh for this key).
        case cached(CachedResponse, CacheLabel, notModified: Bool, refresh: Bool)
        /// Wait for the leader of this key's upstream call; on timeout or failure send `target` upstream.
        case follow(ticket: UInt64, target: UpstreamTarget)
        /// Not in memory: read the disk tier on a thread pool, then `resume(afterDiskRead:…)`.
        case readDisk(CacheKey, target: UpstreamTarget)
    }

    struct UpstreamTarget {
        let endpoint: UpstreamEndpoint
        let label: String
        /// nil without a body; otherwise the declared length (nil inside = chunked).
        let body: BodyShape?
        /// Set when the answer may be stored, shared or served stale.
        var cache: CacheContext?
    }

    enum BodyShape { case length(Int), chunked }

    func plan(
        _ head: HTTPRequestHead, peer: String?, memo: inout ConnectionMemo, context: inout RequestContext,
        shed: @autoclosure () -> Bool, waiter: @autoclosure () -> ResponseCache.Waiter
    ) -> Plan {
        // 1. Accept & identify: correlation id, client identity, the target path (refusing to be an open proxy).
        accept(head, peer: peer, memo: &memo, context: &context)
        if let refusal = validateTarget(head, context: &context) {
            return .local(.error(refusal), observed: true, keepAlive: false)
        }
        // Probes and metrics are answered here on the proxy listener too, before any routing.
        if let response = local.response(method: head.method, path: context.path, onAdminListener: false) {
            return .local(response, observed: false, keepAlive: context.keepAlive)
        }
        // The server span, continuing the caller's trace when its `traceparent` is valid. Started
        // after the probes: they are not traffic (and are polled every few seconds).
        if let tracer {
            context.trace = tracer.startServerSpan(method: head.method.rawValue, headers: head.headers)
        }
        // 2. Classify: route template, scope, upstream. Unknown /v1 paths are proxied as route `other`.
        guard let endpoint = classify(head, context: &context) else {
            return .local(.error(.noRoute), observed: true, keepAlive: context.keepAlive)
        }
        // Bodies over the limit are refused before a byte is read (413), and the connection closed.
        let body: BodyShape?
        switch bodyShape(head.headers) {
        case .failure(let error):
            return .local(.error(error), observed: true, keepAlive: false)
        case .success(let shape):
            body = shape
        }
        let target = UpstreamTarget(
            endpoint: endpoint, label: context.route.upstream == .accounts ? "accounts" : "api", body: body)
        // 3. Admit: the per-client rate limit (token identity, else peer address), before the
        //    cache, so a runaway client is stopped whatever it asks for.
        if let refusal = admit(context: context) {
            context.rateLimit = "client_rejected"
            return .local(refusal, observed: true, keepAlive: context.keepAlive)
        }
        // 4. Cache lookup: fresh → answer now; stale → answer now and refresh; otherwise note what
        //    to revalidate or fall back on. 5. Coalesce: misses on one key share one upstream call.
        //    (`cache!` read twice rather than bound once: a binding that lives across calls retains
        //    and releases the cache, shared by every loop — a cache line moved between cores.)
        guard cache != nil, let key = cacheKey(head, context: &context, cache: cache!) else {
            return frontRefusal(context, shed: shed()).map { refuse($0, context) } ?? .forward(target)
        }
        return lookUp(
            key, head: head, context: &context, cache: cache!, target: target, trustMemo: &memo.trust, shed: shed(),
            waiter: waiter())
        // 6. Guard the upstream (cooldown, breaker, quota, bulkhead) and 7. call upstream, with
        //    retries: `UpstreamExchange`, for every `.forward`.
    }

    /// Stage 4 again, once the disk tier has been read off the event loop.
    func resume(
        afterDiskRead entry: CachedResponse?, key: CacheKey, head: HTTPRequestHead, context: inout RequestContext,
        target: UpstreamTarget, shed: @autoclosure () -> Bool, waiter: @autoclosure () -> ResponseCache.Waiter
    ) -> Plan {
        guard let cache else {
            return frontRefusal(context, shed: shed()).map { refuse($0, context) } ?? .forward(target)
        }
        // Rare (a memory miss that went to disk): no connection memo here, so trust is looked up afresh.
        var trustMemo = TrustMemo()
        return lookUp(
            key, head: head, context: &context, cache: cache, target: target, disk: .done(entry), trustMemo: &trustMemo,
            shed: shed(), waiter: waiter())
    }

    /// Admission at the front of the request path, for work that would go upstream: refused
    /// before any of it is set up, which makes a refusal a fraction of the cost of serving. The
    /// route group's bulkhead full with its queue (what `UpstreamExchange` would find anyway), or
    /// admission control shedding load (`AdmissionControl`).
    func frontRefusal(_ context: RequestContext, shed: @autoclosure () -> Bool) -> GatewayError? {
        let group = context.route.group
        if let bulkhead = upstreamGuard.bulkhead(for: group), bulkhead.isFull {
            upstreamGuard.recordBulkheadRejection(group: group)
            return .bulkheadFull
        }
        return shed() ? .overloaded : nil
    }

    /// `503` with `Retry-After` for a front refusal. The two refusals of an overload are built once:
    /// under overload, what a refusal costs decides how much load the gateway can still refuse.
    func refuse(_ error: GatewayError, _ context: RequestContext) -> Plan {
        let response =
            switch error {
            case .bulkheadFull: bulkheadRefusal
            case .overloaded: overloadRefusal
            default: Self.refusal(error)
            }
        return .local(response, observed: true, keepAlive: context.keepAlive)
    }

    private static func refusal(_ error: GatewayError) -> LocalResponse {
        var response = LocalResponse.error(error)
        response.headers.add(name: "retry-after", value: "1")
        return response
    }

    // MARK: - 1. Accept & identify

    private func accept(
        _ head: HTTPRequestHead, peer: String?, memo: inout ConnectionMemo, context: inout RequestContext
    ) {
        let offered = head.headers.first(name: "x-request-id") ?? head.headers.first(name: "x-correlation-id")
        if let offered, RequestID.isWellFormed(offered) {
            context.requestID = CorrelationID(offered: offered)
        }
        if let authorization = head.headers.first(name: "authorization"),
            let known = memo.tokens.identify(authorization, with: identifier)
        {
            context.tokenIdentity = known.identity
            context.client = known.client
        } else if let peer {
            context.client = ClientIdentifier.logIdentity(forPeer: peer)
        }
        context.acceptsGzip = HeaderPolicy.acceptsGzip(head.headers)
        context.hasIdempotencyKey = head.headers.contains(name: "idempotency-key")
        context.publicBase = publicBase(head.headers, memo: &memo.publicBase)
    }

    /// Splits the request target into path and query; refuses CONNECT and absolute-form targets
    /// for any host but the configured upstream (Sidetrack is not an open proxy).
    private func validateTarget(_ head: HTTPRequestHead, context: inout RequestContext) -> GatewayError? {
        if head.method == .CONNECT {
            return .notAllowed("CONNECT is not supported: Sidetrack is not an open proxy")
        }
        var target = Substring(head.uri)
        if !target.hasASCIIPrefix("/") {
            guard let absolute = AbsoluteTarget(target) else {
                return .badRequest("Malformed request target")
            }
            let allowedHosts = [settings.apiUpstream.host, "api.spotify.com"]
            guard allowedHosts.contains(absolute.host.lowercased()) else {
                return .notAllowed("Requests for other hosts are refused: Sidetrack is not an open proxy")
            }
            target = absolute.pathAndQuery
        }
        context.pathAndQuery = target
        context.path = RequestTarget.path(of: target)
        return nil
    }

    private func publicBase(_ headers: HTTPHeaders, memo: inout PublicBaseMemo) -> String {
        if let configured = settings.publicBaseURL { return configured }
        let fallback = memo.connectionBase
        return memo.base(forHost: headers.first(name: "host")) { host in
            if let host, Self.isSafeHost(host) { return "http://" + host }
            return fallback ?? "http://\(settings.proxyHost):\(settings.proxyPort)"
        }
    }

    /// Host header values that can go into a link verbatim (no injection of paths or quotes).
    static func isSafeHost(_ host: String) -> Bool {
        !host.isEmpty && host.utf8.count <= 255
            && host.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"),
                    UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"):
                    true
                default: false
                }
            }
    }

    // MARK: - 3. Admit

    /// `429` with `Retry-After` and the `RateLimit-*` headers when the client is over its limit.
    private func admit(context: RequestContext) -> LocalResponse? {
        let key = context.tokenIdentity ?? context.client
        guard let decision = upstreamGuard.admitClient(key), case .denied(let status, let retryAfter) = decision else {
            return nil
        }
        var response = LocalResponse.error(.rateLimited)
        response.headers.add(name: "retry-after", value: RetryAfter.headerValue(fromMillis: retryAfter))
        response.headers.add(name: "ratelimit-policy", value: status.policyHeader)
        response.headers.add(name: "ratelimit", value: status.header)
        return response
    }

    // MARK: - 2. Classify

    private func classify(_ head: HTTPRequestHead, context: inout RequestContext) -> UpstreamEndpoint? {
        let path = context.path
        let isAPI = path == "/v1" || path.hasASCIIPrefix("/v1/")
        let isToken = path == "/api/token" || path == "/api/token/"
        guard isAPI || isToken else { return nil }
        // HEAD is answered like GET (from the same cache entries), so it classifies as GET.
        let match = routes.classify(method: head.method == .HEAD ? "GET" : head.method.rawValue, path: path)
        context.route = match.route
        context.match = match
        return isToken ? settings.accountsUpstream : settings.apiUpstream
    }

    private func bodyShape(_ headers: HTTPHeaders) -> Result<BodyShape?, GatewayError> {
        if headers[canonicalForm: "transfer-encoding"].contains(where: { $0.lowercased() == "chunked" }) {
            return .success(.chunked)
        }
        guard let declared = headers.first(name: "content-length") else { return .success(nil) }
        guard let length = Int(declared), length >= 0 else { return .failure(.badRequest("Invalid Content-Length")) }
        if length > settings.maxBodyBytes { return .failure(.bodyTooLarge) }
        return .success(length == 0 ? nil : .length(length))
    }
}

/// An absolute-form request target, `http://host[:port]/path?query`.
struct AbsoluteTarget {
    let host: Substring
    let pathAndQuery: Substring

    init?(_ target: Substring) {
        let lower = target.prefix(8).lowercased()
        let rest: Substring
        if lower.hasPrefix("http://") {
            rest = target.dropFirst(7)
        } else if lower.hasPrefix("https://") {
            rest = target.dropFirst(8)
        } else {
            return nil
        }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
        } else {
            host = authority.split(separator: ":", maxSplits: 1).first ?? authority
        }
        let remainder = rest[authorityEnd...]
        pathAndQuery = remainder.isEmpty ? "/" : remainder
    }
}
