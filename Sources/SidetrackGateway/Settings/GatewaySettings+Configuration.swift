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
            staleWhileRevalidate: cache.staleWhileRevalidate, staleIfError: cache.staleIfError,
            maxEntryBytes: cache.maxEntryBytes, tokenTrustWindow: cache.tokenTrustWindow, coalesceWait: cache.coalesceWait)
    }
}

extension UpstreamEndpoint {
    init(_ url: OriginURL) {
        self.init(scheme: url.scheme.rawValue, host: url.host, port: url.port)
    }
}
