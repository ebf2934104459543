import AsyncHTTPClient
import NIOCore
import NIOSSL
import SidetrackCore

/// The AsyncHTTPClient pools upstream calls go through, and each route group's deadlines.
///
/// The connect timeout is a property of a pool, not of a request, so groups with their own connect
/// timeout get their own pool; all others share one. Per-attempt first-byte and total deadlines
/// are per request (`UpstreamExchange`).
struct UpstreamClients: Sendable {
    /// One attempt's deadlines.
    struct Timeouts: Sendable {
        /// Request sent → response head; nil = only `total` applies.
        var firstByte: TimeAmount?
        /// The whole exchange, retries included.
        var total: TimeAmount
    }

    private let shared: HTTPClient
    private let byGroup: [RouteGroup: HTTPClient]
    private let timeouts: [RouteGroup: Timeouts]
    private let defaultTimeouts: Timeouts

    init(settings: GatewaySettings, group: any EventLoopGroup) throws {
        shared = HTTPClient(
            eventLoopGroupProvider: .shared(group),
            configuration: try Self.configuration(settings, connectTimeout: settings.connectTimeout))
        var byGroup: [RouteGroup: HTTPClient] = [:]
        var timeouts: [RouteGroup: Timeouts] = [:]
        for (routeGroup, values) in settings.resilience.timeouts {
            if let connect = values.connect, connect != settings.connectTimeout {
                byGroup[routeGroup] = HTTPClient(
                    eventLoopGroupProvider: .shared(group), configuration: try Self.configuration(settings, connectTimeout: connect))
            }
            timeouts[routeGroup] = Timeouts(firstByte: values.firstByte, total: values.total ?? settings.requestTimeout)
        }
        self.byGroup = byGroup
        self.timeouts = timeouts
        defaultTimeouts = Timeouts(firstByte: nil, total: settings.requestTimeout)
    }

    func client(for group: RouteGroup) -> HTTPClient { byGroup[group] ?? shared }

    func timeouts(for group: RouteGroup) -> Timeouts { timeouts[group] ?? defaultTimeouts }

    func shutdown() async {
        try? await shared.shutdown()
        for client in byGroup.values { try? await client.shutdown() }
    }

    private static func configuration(_ settings: GatewaySettings, connectTimeout: TimeAmount) throws -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile {
            tls.additionalTrustRoots = [.file(caFile)]
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: connectTimeout, read: settings.requestTimeout),
            connectionPool: .init(
                idleTimeout: settings.idleTimeout,
                concurrentHTTP1ConnectionsPerHostSoftLimit: settings.maxConnectionsPerHost),
            proxy: nil,
            ignoreUncleanSSLShutdown: false,
            decompression: .disabled)
        configuration.httpVersion = .automatic
        // AsyncHTTPClient would otherwise start a span of its own per request from the global
        // (no-op) tracer: ~3 % of a pass-through request for nothing. Sidetrack makes its own
        // client spans (`GatewayTracer`).
        configuration.tracing.tracer = nil
        return configuration
    }
}
