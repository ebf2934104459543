import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
@testable import SidetrackGateway

/// `ConnectionTracker` over real loopback connections on a two-loop group: every connection is
/// asked to quiesce, the drain completes only when the last one has closed, and a connection
/// accepted during the drain is asked at once.
@Suite struct ConnectionTrackerTests {
    /// Server side of a connection: reports when it is active, records the quiesce event, and
    /// closes on it when `closesOnQuiesce`.
    final class Server: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let quiesced: NIOLockedValueBox<Int>
        let active: NIOLockedValueBox<[EventLoopPromise<Void>]>
        let closesOnQuiesce: Bool

        init(quiesced: NIOLockedValueBox<Int>, active: NIOLockedValueBox<[EventLoopPromise<Void>]>, closesOnQuiesce: Bool) {
            self.quiesced = quiesced
            self.active = active
            self.closesOnQuiesce = closesOnQuiesce
        }

        func channelActive(context: ChannelHandlerContext) {
            active.withLockedValue { $0.popLast() }?.succeed(())
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            guard event is ChannelShouldQuiesceEvent else { return }
            quiesced.withLockedValue { $0 += 1 }
            if closesOnQuiesce { context.close(promise: nil) }
        }
    }

    struct Setup {
        let group: MultiThreadedEventLoopGroup
        let tracker: ConnectionTracker
        let server: any Channel
        let quiesced: NIOLockedValueBox<Int>
        let active: NIOLockedValueBox<[EventLoopPromise<Void>]>

        /// Connects a client and returns once the server side is active (and tracked).
        func connect() async throws -> any Channel {
            let accepted = group.next().makePromise(of: Void.self)
            active.withLockedValue { $0.append(accepted) }
            let client = try await ClientBootstrap(group: group).connect(to: server.localAddress!).get()
            try await accepted.futureResult.get()
            return client
        }
    }

    private static func withSetup(closesOnQuiesce: Bool, _ body: (Setup) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let tracker = ConnectionTracker(group: group)
        let quiesced = NIOLockedValueBox(0)
        let active = NIOLockedValueBox<[EventLoopPromise<Void>]>([])
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        Server(quiesced: quiesced, active: active, closesOnQuiesce: closesOnQuiesce))
                    tracker.add(channel)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(Setup(group: group, tracker: tracker, server: server, quiesced: quiesced, active: active))
        } catch {
            try? await server.close()
            try? await group.shutdownGracefully()
            throw error
        }
        try? await server.close()
        try await group.shutdownGracefully()
    }

    @Test func everyConnectionIsAskedAndTheDrainEndsWhenAllAreClosed() async throws {
        try await Self.withSetup(closesOnQuiesce: true) { setup in
            var clients: [any Channel] = []
            for _ in 0..<6 { clients.append(try await setup.connect()) }
            #expect(try await setup.tracker.count() == 6)
            try await setup.tracker.quiesce()
            #expect(setup.quiesced.withLockedValue { $0 } == 6)
            #expect(try await setup.tracker.count() == 0)
            for client in clients { try await client.closeFuture.get() }
        }
    }

    @Test func theDrainWaitsForOpenConnectionsAndAsksNewOnesAtOnce() async throws {
        try await Self.withSetup(closesOnQuiesce: false) { setup in
            let first = try await setup.connect()
            _ = try await setup.tracker.beginQuiescing()
            // A connection accepted during the drain is asked at once; the drain ends when both close.
            let second = try await setup.connect()
            #expect(try await setup.tracker.count() == 2)
            try await first.close()
            try await second.close()
            try await setup.tracker.quiesce()
            #expect(setup.quiesced.withLockedValue { $0 } == 2)
            #expect(try await setup.tracker.count() == 0)
        }
    }
}
