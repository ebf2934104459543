import NIOCore
import NIOHTTP1
import NIOPosix

/// A bound HTTP/1.1 listener whose connections get a fresh handler from `makeHandler` (given the
/// connection's event loop).
///
/// Plain NIO rather than a web framework: the proxy's hot path must stay on the event loop with no
/// task hops (DESIGN §6 measured a framework's request path at a fraction of nginx's throughput).
/// On drain it stops accepting and lets each connection finish its current request before closing
/// (`ConnectionTracker`, `RequestSequencer`).
final class HTTPListener: Sendable {
    let channel: any Channel
    private let connections: ConnectionTracker

    private init(channel: any Channel, connections: ConnectionTracker) {
        self.channel = channel
        self.connections = connections
    }

    /// The port actually bound (useful with port 0).
    var port: Int { channel.localAddress?.port ?? 0 }

    /// Connections accepted each time the listening socket is ready (NIO's default is 4). Under a
    /// CPU-bound overload one pass of the event loop over its ready sockets takes long, so four
    /// accepts a pass let hundreds of handshaken connections wait in the accept backlog for seconds —
    /// where no admission check sees them — until their clients time out (bench/run-overload.sh,
    /// `OVERLOAD_BOTTLENECK=cpu`). Accepting is cheap next to the requests that follow, and once
    /// accepted those are answered or refused at once.
    static let acceptsPerWakeup: UInt = 256

    static func bind(
        host: String,
        port: Int,
        group: any EventLoopGroup,
        maxHeaderBytes: Int,
        makeHandler: @escaping @Sendable (_ loop: any EventLoop) -> any ChannelHandler & RemovableChannelHandler
    ) async throws -> HTTPListener {
        let connections = ConnectionTracker(group: group)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.maxMessagesPerRead, value: Self.acceptsPerWakeup)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // `RequestSequencer`: decoding, pipelining, quiescing and encoding the responses
                    // (in place of NIO's request decoder, response encoder, header validator and
                    // pipelining handler); then the listener's own handler.
                    try channel.pipeline.syncOperations.addHandler(RequestSequencer(maxHeaderBytes: maxHeaderBytes))
                    try channel.pipeline.syncOperations.addHandler(makeHandler(channel.eventLoop))
                    connections.add(channel)
                }
            }
            .bind(host: host, port: port)
            .get()
        return HTTPListener(channel: channel, connections: connections)
    }

    /// Stops accepting, asks every connection to close after its in-flight request, and completes
    /// when all connections are gone.
    func quiesce() async throws {
        try? await channel.close()
        try await connections.quiesce()
    }

    /// Closes the listening socket only (the admin listener has no long-lived work to drain).
    func close() async {
        try? await channel.close()
    }
}
