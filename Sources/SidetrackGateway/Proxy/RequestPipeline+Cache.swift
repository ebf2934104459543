import NIOHTTP1
import SidetrackCore
import SidetrackObservability

/// Stages 4 (cache lookup) and 5 (coalesce) of the request path.
extension RequestPipeline {
    /// The request's cache key, or nil when the cache must not be used: not GET/HEAD, a body,
    /// an uncacheable route (or one configured with a zero TTL), no bearer token, or
    /// `Cache-Control: no-store`.
    func cacheKey(_ head: HTTPRequestHead, context: inout RequestContext, cache: ResponseCache) -> CacheKey? {
        guard head.method == .GET || head.method == .HEAD, cache.policy.caches(context.route), let match = context.match else {
            return nil
        }
        // Read first: a `no-store` request needs no key. The raw values, field by field (the parser
        // splits the commas itself; `canonicalForm`, or even the plain subscript, would build an
        // array per request that sends the header — every `no-store` pass-through request).
        var directive = RequestCacheDirective.normal
        for (name, value) in head.headers where HeaderName.equals(name, "cache-control") {
            directive.merge(cacheControlValue: value)
        }
        context.cacheDirective = directive
        let query = RequestTarget.query(of: context.pathAndQuery, afterPath: context.path)
        let request = CacheKeyBuilder.Request(
            route: context.route, path: match.path, query: query,
            acceptLanguage: head.headers.first(name: "accept-language").map { Substring($0) },
            linkBase: context.publicBase, gzip: context.acceptsGzip, tokenIdentity: context.tokenIdentity)
        if directive == .bypass {
            // Counted as a bypass only where a key could have been made (no token: not a bypass).
            guard cache.keys.canKey(request) else { return nil }
            cache.record(.bypass, route: context.route.index)
            return nil
        }
        return cache.keys.key(for: request)
    }

    /// Whether the disk tier has been read for this request yet.
    enum DiskRead {
        /// Not yet: a memory miss returns `.readDisk` so the read happens off the event loop.
        case pending
        /// Read (off the loop); what it found.
        case done(CachedResponse?)
    }

    func lookUp(
        _ key: CacheKey, head: HTTPRequestHead, context: inout RequestContext, cache: ResponseCache,
        target: UpstreamTarget, disk: DiskRead = .pending, trustMemo: inout TrustMemo, shed: @autoclosure () -> Bool,
        waiter: @autoclosure () -> ResponseCache.Waiter
    ) -> Plan {
        let now = cache.now()
        let identity = context.tokenIdentity
        // Shared entries are read only by tokens Spotify accepted recently (DESIGN §3): a new,
        // expired or made-up token goes upstream first, and Spotify's answer decides. A token's own
        // entries were stored from answers Spotify gave that very token.
        let ownEntry = key.scope != nil && key.scope == identity
        let trusted = ownEntry || (identity.map { trustMemo.isTrusted($0, now: now, by: cache.trust) } ?? false)
        let clientETags = head.headers[canonicalForm: "if-none-match"].map(String.init)
        context.cache = .miss
        context.cacheKey = key
        var found = trusted ? cache.lookupMemory(key, at: now) : nil
        if trusted, found == nil, cache.disk != nil {
            switch disk {
            case .pending: return .readDisk(key, target: target)
            case .done(let entry): found = entry
            }
        }
        if let entry = found {
            let state = entry.lifetimes.state(at: now)
            if context.cacheDirective == .normal, state == .fresh || state == .staleWhileRevalidate {
                let label: CacheLabel = state == .fresh ? .hit : .stale
                context.cache = label
                cache.record(label, route: context.route.index)
                return .cached(
                    entry, label, notModified: entry.matches(ifNoneMatch: clientETags),
                    refresh: state == .staleWhileRevalidate)
            }
        }
        // Not answered from the cache: what the upstream exchange needs of it. Built only now — on a
        // hit it was built and thrown away (a copy of the key and the route match: 5 retains and
        // 7 releases per hit, counted with uprobes).
        var target = target
        var cacheContext = CacheContext(key: key, match: context.match!, clientETags: clientETags)
        if let entry = found {
            // Stale past revalidate-while-serving, or the client asked to revalidate: go upstream,
            // with the entry's ETag if it has one, and keep it to fall back on if upstream fails.
            if now < entry.lifetimes.staleIfErrorUntil { cacheContext.fallback = entry }
            if entry.etag != nil { cacheContext.revalidating = entry }
        }
        // Admission at the front, before any upstream work (and before joining a leader): a stored
        // answer still within stale-if-error is served rather than refused.
        if let refusal = frontRefusal(context, shed: shed()) {
            guard let fallback = cacheContext.fallback else { return refuse(refusal, context) }
            context.cache = .stale
            cache.record(.stale, route: context.route.index)
            return .cached(
                fallback, .stale, notModified: fallback.matches(ifNoneMatch: cacheContext.clientETags), refresh: false)
        }
        // A follower gets the leader's answer without asking Spotify, so only a trusted token —
        // or the very token the key belongs to — may follow.
        if trusted {
            switch cache.coalescer.join(key.text, waiter: waiter()) {
            case .leader:
                cacheContext.isLeader = true
            case .follower(let ticket):
                target.cache = cacheContext
                return .follow(ticket: ticket, target: target)
            }
        }
        target.cache = cacheContext
        return .forward(target)
    }
}
