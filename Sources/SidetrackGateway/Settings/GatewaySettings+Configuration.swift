import NIOCore
import SidetrackConfig
import SidetrackCore

extension GatewaySettings {
    /// The data plane's view of a validated configuration.
    public init(configuration: SidetrackConfiguration) {
        self.init()
        proxyHost = configuration.listen.host
        proxyPort = configuration.listen.port
        adminHost = configuration.admin.listen.host
        adminPort = configuration.admin.listen.port
        apiUpstream = UpstreamEndpoint(configuration.upstream.api)
        accountsUpstream = UpstreamEndpoint(configuration.upstream.accounts)
        publicBaseURL = configuration.publicBaseURL?.origin
        connectTimeout = TimeAmount(configuration.upstream.connectTimeout)
        requestTimeout = TimeAmount(configuration.upstream.requestTimeout)
        idleTimeout = TimeAmount(configuration.upstream.idleTimeout)
        maxConnectionsPerHost = configuration.upstream.maxConnectionsPerHost
        caFile = configuration.upstream.caFile
        maxHeaderBytes = configuration.limits.maxHeaderBytes
        maxBodyBytes = configuration.limits.maxBodyBytes
        drainTimeout = TimeAmount(configuration.drainTimeout)
        shedLagTarget = configuration.limits.loadShedding ? TimeAmount(configuration.limits.shedLag) : .zero
        shedInterval = TimeAmount(configuration.limits.shedInterval)
        maxConnections = configuration.limits.maxConnections
        accessLog = configuration.log.access
        adminToken = configuration.admin.token?.value
        redactedConfigJSON = configuration.redactedJSON()
        let cache = configuration.cache
        if case .file(let path) = cache.storage { cachePath = path } else { cachePath = nil }
        cacheMemoryBytes = cache.memoryMaxBytes
        cacheDiskBytes = cache.diskMaxBytes
        catalogSharing = cache.catalogSharing
        cachePolicy = CachePolicy(
            ttls: Dictionary(uniqueKeysWithValues: SidetrackConfiguration.TTLTable.classes.map { ($0, cache.ttl[$0]) }),
            routeTTLs: cache.routeTTL.values,
            staleWhileRevalidate: cache.staleWhileRevalidate, staleIfError: cache.staleIfError,
            maxEntryBytes: cache.maxEntryBytes, tokenTrustWindow: cache.tokenTrustWindow, coalesceWait: cache.coalesceWait)
        resilience = ResilienceSettings(configuration: configuration)
        tracing = TracingSettings(configuration: configuration.tracing)
    }
}

extension TracingSettings {
    init(configuration t: SidetrackConfiguration.Tracing) {
        self.init()
        enabled = t.enabled
        endpoint = t.endpoint
        exportProtocol = t.exportProtocol == .httpJSON ? .httpJSON : .httpProtobuf
        headers = t.headers.mapValues(\.value)
        serviceName = t.serviceName
        resourceAttributes = t.resourceAttributes
        sampleRatio = t.sampleRatio
        maxQueueSize = t.maxQueueSize
        exportTimeout = TimeAmount(t.exportTimeout)
        traceResponse = t.traceResponse
    }
}

extension ResilienceSettings {
    /// Issue 4's policies from a validated configuration; a rate of 0 switches that limit off.
    init(configuration: SidetrackConfiguration) {
        self.init()
        let limits = configuration.rateLimit
        clientLimit = limits.clientPerSecond == 0
            ? nil : ClientRateLimiter.Configuration(rate: .perSecond(limits.clientPerSecond), burst: limits.clientBurst)
        let tiers = [
            (limits.upstreamPerSecond, TokenBucket.Rate.perSecond(limits.upstreamPerSecond)),
            (limits.upstreamPerMinute, TokenBucket.Rate.perMinute(limits.upstreamPerMinute)),
            (limits.upstreamPerHour, TokenBucket.Rate.perHour(limits.upstreamPerHour)),
        ].filter { $0.0 > 0 }.map { GlobalRateLimiter.Configuration.Tier(rate: $0.1) }
        let window = limits.upstreamPer30Seconds > 0
            ? GlobalRateLimiter.Configuration.Window(limit: limits.upstreamPer30Seconds, length: .seconds(30)) : nil
        upstreamLimit = tiers.isEmpty && window == nil
            ? nil : GlobalRateLimiter.Configuration(window: window, tiers: tiers, maxDelay: limits.upstreamMaxWait)
        upstreamMaxWait = limits.upstreamMaxWait
        let breaker = configuration.breaker
        self.breaker = CircuitBreaker.Configuration(
            consecutiveFailures: breaker.consecutiveFailures, failureRatio: breaker.failureRatio,
            minimumRequests: breaker.minimumRequests, window: breaker.window, baseOpenDuration: breaker.openFor,
            maxOpenDuration: breaker.openForMax, halfOpenMaxProbes: breaker.halfOpenProbes,
            successesToClose: breaker.closeAfter,
            // A probe is forgotten only after the longest attempt could have ended.
            probeTimeout: max(.seconds(30), configuration.upstream.requestTimeout * 2))
        let retry = configuration.retry
        self.retry = RetryPolicy(maxAttempts: retry.maxAttempts, baseDelay: retry.baseDelay, maxDelay: retry.maxDelay)
        retryBudget = RetryBudget.Configuration(ratio: retry.budgetRatio, minRetriesPerSecond: Double(retry.budgetMinPerSecond))
        bulkhead = Bulkhead.Configuration(
            maxConcurrent: configuration.bulkhead.maxConcurrent, maxQueue: configuration.bulkhead.maxQueue)
        bulkheadQueueTimeout = TimeAmount(configuration.bulkhead.queueTimeout)
        timeouts = configuration.timeouts.values.mapValues { values in
            GroupTimeouts(
                connect: values.connect.map { TimeAmount($0) }, firstByte: values.firstByte.map { TimeAmount($0) },
                total: values.total.map { TimeAmount($0) })
        }
    }
}

extension UpstreamEndpoint {
    init(_ url: OriginURL) {
        self.init(scheme: url.scheme.rawValue, host: url.host, port: url.port)
    }
}
