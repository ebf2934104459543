import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix

/// A bound HTTP/1.1 listener whose connections get a fresh handler from `makeHandler`.
///
/// Plain NIO rather than a web framework: the proxy's hot path must stay on the event loop with no
/// task hops (DESIGN §6 measured a framework's request path at a fraction of nginx's throughput).
/// Quiescing comes from NIOExtras: on drain it stops accepting and lets each connection finish its
/// current request before closing.
final class HTTPListener: Sendable {
    let channel: any Channel
    private let quiescing: ServerQuiescingHelper.SendableBox

    private init(channel: any Channel, quiescing: ServerQuiescingHelper) {
        self.channel = channel
        self.quiescing = .init(quiescing)
    }

    /// The port actually bound (useful with port 0).
    var port: Int { channel.localAddress?.port ?? 0 }

    static func bind(
        host: String,
        port: Int,
        group: any EventLoopGroup,
        maxHeaderBytes: Int,
        makeHandler: @escaping @Sendable () -> any ChannelHandler & RemovableChannelHandler
    ) async throws -> HTTPListener {
        let quiescing = ServerQuiescingHelper(group: group)
        let box = ServerQuiescingHelper.SendableBox(quiescing)
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderListSize = maxHeaderBytes
        limits.maxHeaderFieldSize = maxHeaderBytes
        let decoderLimits = limits
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(box.helper.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // NIO's request decoder; then `RequestSequencer` for pipelining, quiescing and
                    // encoding the responses (in place of NIO's response encoder, header validator
                    // and pipelining handler).
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, limitConfiguration: decoderLimits)))
                    try channel.pipeline.syncOperations.addHandler(RequestSequencer())
                    try channel.pipeline.syncOperations.addHandler(makeHandler())
                }
            }
            .bind(host: host, port: port)
            .get()
        return HTTPListener(channel: channel, quiescing: quiescing)
    }

    /// Stops accepting, asks every connection to close after its in-flight request, and completes
    /// when all connections are gone.
    func quiesce() async throws {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        quiescing.helper.initiateShutdown(promise: promise)
        try await promise.futureResult.get()
    }

    /// Closes the listening socket only (the admin listener has no long-lived work to drain).
    func close() async {
        try? await channel.close()
    }
}

extension ServerQuiescingHelper {
    /// The helper is internally synchronised by its event loop; this box only carries it across
    /// the `@Sendable` bootstrap closures.
    struct SendableBox: @unchecked Sendable {
        let helper: ServerQuiescingHelper
        init(_ helper: ServerQuiescingHelper) { self.helper = helper }
    }
}
