import NIOCore
import SidetrackConfig

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
    }
}

extension UpstreamEndpoint {
    init(_ url: OriginURL) {
        self.init(scheme: url.scheme.rawValue, host: url.host, port: url.port)
    }
}
