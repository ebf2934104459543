import SidetrackCore

/// Sidetrack's effective configuration: defaults, then the YAML file, then `SIDETRACK_*`
/// environment variables, then command-line flags (see `ConfigurationLoader` and
/// `docs/configuration.md`). Every value here has already been validated.
public struct SidetrackConfiguration: Sendable, Equatable {
    /// Proxy listener. Default `127.0.0.1:8080`: loopback, because a sidecar serves its own pod
    /// and an open port would make Sidetrack an open proxy for Spotify credentials.
    public var listen: HostPort
    /// Base URL written into rewritten Spotify links (`href`, `next`, …), e.g.
    /// `https://spotify-gw.internal`. `nil` (default): the scheme and `Host` the client used.
    public var publicBaseURL: OriginURL?
    public var admin: Admin
    public var upstream: Upstream
    public var limits: Limits
    /// How long in-flight requests may finish after SIGTERM. Default 25 s: under Kubernetes'
    /// default 30 s grace period, leaving time to flush the disk tier and spans.
    /// Bounds: greater than 0, at most 10 minutes.
    public var drainTimeout: Duration
    public var cache: Cache
    public var rateLimit: RateLimits
    public var breaker: Breaker
    public var retry: Retry
    public var bulkhead: Bulkhead
    /// Per route group; a group without an entry uses the `upstream.*` timeouts.
    public var timeouts: GroupTimeoutTable
    public var tracing: Tracing
    public var log: Log
    /// Describes the binary; not configurable, shown in the effective configuration.
    public var build: BuildInfo

    public init(
        listen: HostPort = Defaults.listen,
        publicBaseURL: OriginURL? = nil,
        admin: Admin = .init(),
        upstream: Upstream = .init(),
        limits: Limits = .init(),
        drainTimeout: Duration = Defaults.drainTimeout,
        cache: Cache = .init(),
        rateLimit: RateLimits = .init(),
        breaker: Breaker = .init(),
        retry: Retry = .init(),
        bulkhead: Bulkhead = .init(),
        timeouts: GroupTimeoutTable = GroupTimeoutTable(),
        tracing: Tracing = .init(),
        log: Log = .init(),
        build: BuildInfo = .init()
    ) {
        self.listen = listen
        self.publicBaseURL = publicBaseURL
        self.admin = admin
        self.upstream = upstream
        self.limits = limits
        self.drainTimeout = drainTimeout
        self.cache = cache
        self.rateLimit = rateLimit
        self.breaker = breaker
        self.retry = retry
        self.bulkhead = bulkhead
        self.timeouts = timeouts
        self.tracing = tracing
        self.log = log
        self.build = build
    }
}

extension SidetrackConfiguration {
    /// Top-level defaults, named so documentation and tests can refer to them.
    public enum Defaults {
        public static let listen = HostPort(host: "127.0.0.1", port: 8080)
        public static let drainTimeout: Duration = .seconds(25)
    }
}
