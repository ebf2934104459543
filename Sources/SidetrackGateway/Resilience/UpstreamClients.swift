import NIOCore
import NIOSSL
import SidetrackCore

/// The upstream client calls go through, and each route group's deadlines.
///
/// One `UpstreamHTTPClient` serves every group: its connect timeout is per call, so a group with
/// its own connect timeout needs no pool of its own. Per-attempt first-byte and total deadlines are
/// applied by `UpstreamExchange`.
struct UpstreamClients: Sendable {
    /// One attempt's deadlines.
    struct Timeouts: Sendable {
        /// TCP connect of a new pooled connection.
        var connect: TimeAmount
        /// Request sent → response head; nil = only `total` applies.
        var firstByte: TimeAmount?
        /// The whole exchange, retries included.
        var total: TimeAmount
    }

    let client: UpstreamHTTPClient
    private let timeouts: [RouteGroup: Timeouts]
    private let defaultTimeouts: Timeouts

    init(settings: GatewaySettings, group: any EventLoopGroup) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile {
            tls.additionalTrustRoots = [.file(caFile)]
        }
        client = try UpstreamHTTPClient(
            group: group, tlsConfiguration: tls, idleTimeout: settings.idleTimeout,
            maxConnectionsPerHost: settings.maxConnectionsPerHost)
        var timeouts: [RouteGroup: Timeouts] = [:]
        for (routeGroup, values) in settings.resilience.timeouts {
            timeouts[routeGroup] = Timeouts(
                connect: values.connect ?? settings.connectTimeout, firstByte: values.firstByte,
                total: values.total ?? settings.requestTimeout)
        }
        self.timeouts = timeouts
        defaultTimeouts = Timeouts(connect: settings.connectTimeout, firstByte: nil, total: settings.requestTimeout)
    }

    func timeouts(for group: RouteGroup) -> Timeouts { timeouts[group] ?? defaultTimeouts }

    func shutdown() async {
        await client.shutdown()
    }
}
