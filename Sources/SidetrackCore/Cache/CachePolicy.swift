/// What the cache keeps and for how long (DESIGN §3). Built from configuration; pure values.
public struct CachePolicy: Sendable, Equatable {
    /// Freshness per TTL class; a class missing here uses its default.
    public var ttls: [TTLClass: Duration]
    /// Freshness per route template, overriding the class; zero turns caching off for the route.
    public var routeTTLs: [String: Duration]
    /// Default 60 s: long enough to hide a refresh's latency, short enough not to serve old data.
    public var staleWhileRevalidate: Duration
    /// Default 24 h: during an outage or a long Spotify cooldown, old catalog data beats an error.
    public var staleIfError: Duration
    /// Answers larger than this are passed through but not stored. Default 1 MiB.
    public var maxEntryBytes: Int
    /// How long a token counts as accepted by Spotify after its last 2xx. Default 10 min.
    public var tokenTrustWindow: Duration
    /// How long a coalesced follower waits for the leader before going upstream itself. Default 3 s.
    public var coalesceWait: Duration

    public init(
        ttls: [TTLClass: Duration] = [:],
        routeTTLs: [String: Duration] = [:],
        staleWhileRevalidate: Duration = .seconds(60),
        staleIfError: Duration = .seconds(24 * 3600),
        maxEntryBytes: Int = 1 << 20,
        tokenTrustWindow: Duration = .seconds(600),
        coalesceWait: Duration = .seconds(3)
    ) {
        self.ttls = ttls
        self.routeTTLs = routeTTLs
        self.staleWhileRevalidate = staleWhileRevalidate
        self.staleIfError = staleIfError
        self.maxEntryBytes = maxEntryBytes
        self.tokenTrustWindow = tokenTrustWindow
        self.coalesceWait = coalesceWait
    }

    public func ttl(for ttlClass: TTLClass) -> Duration {
        // As for routes below: with no class overridden (the default), skip hashing the class.
        ttlClass == .never ? .zero : ((ttls.isEmpty ? nil : ttls[ttlClass]) ?? ttlClass.defaultTTL)
    }

    /// The route's freshness: its own override, else its class's. Zero for routes the table does
    /// not mark cacheable, whatever the configuration says.
    public func ttl(for route: RouteDescriptor) -> Duration {
        guard route.isCacheable else { return .zero }
        // Most configurations override no route: skip hashing the template on every request.
        if !routeTTLs.isEmpty, let override = routeTTLs[route.template] { return override }
        return ttl(for: route.ttlClass)
    }

    /// Whether answers on `route` are stored and served from the cache at all.
    public func caches(_ route: RouteDescriptor) -> Bool {
        ttl(for: route) > .zero
    }

    /// Status codes worth storing: successes and 404 (Spotify ids that do not exist stay so).
    public static func isStorable(status: Int) -> Bool {
        (200..<300).contains(status) && status != 206 || status == 404
    }

    public func lifetimes(storedAt now: Int64, route: RouteDescriptor) -> CacheLifetimes {
        let fresh = now + ttl(for: route).milliseconds
        return CacheLifetimes(
            storedAt: now, freshUntil: fresh,
            staleWhileRevalidateUntil: fresh + staleWhileRevalidate.milliseconds,
            staleIfErrorUntil: fresh + staleIfError.milliseconds)
    }
}

extension Duration {
    /// Whole milliseconds (truncated).
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
