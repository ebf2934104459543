import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
@testable import SidetrackGateway

/// `HTTPListener` over real loopback connections: connections that queued in the accept backlog
/// while the event loop was busy are all accepted in the loop's next pass, not four a pass (NIO's
/// default), which under a CPU-bound overload left hundreds waiting for seconds (issue 7).
@Suite struct HTTPListenerTests {
    /// Counts the event loop's passes ("ticks"); NIO calls it on the loop after each one.
    final class TickCounter: NIOEventLoopMetricsDelegate {
        let ticks = NIOLockedValueBox(0)
        func processedTick(info: NIOEventLoopTickInfo) { ticks.withLockedValue { $0 += 1 } }
    }

    /// Records, for each accepted connection, the pass it was accepted in, and completes `all` at
    /// the expected count.
    final class AcceptRecorder: Sendable {
        let passes = NIOLockedValueBox<[Int]>([])
        let expected: Int
        let all: EventLoopPromise<Void>
        let counter: TickCounter

        init(expected: Int, all: EventLoopPromise<Void>, counter: TickCounter) {
            self.expected = expected
            self.all = all
            self.counter = counter
        }

        func accepted() {
            let pass = counter.ticks.withLockedValue { $0 }
            let count = passes.withLockedValue { $0.append(pass); return $0.count }
            if count == expected { all.succeed(()) }
        }
    }

    final class Accepted: ChannelInboundHandler, RemovableChannelHandler, Sendable {
        typealias InboundIn = Never
        let recorder: AcceptRecorder
        init(recorder: AcceptRecorder) { self.recorder = recorder }
        func handlerAdded(context: ChannelHandlerContext) { recorder.accepted() }
    }

    @Test func connectionsWaitingInTheBacklogAreAllAcceptedInOnePass() async throws {
        let waiting = 100
        let counter = TickCounter()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1, metricsDelegate: counter)
        let clients = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let recorder = AcceptRecorder(expected: waiting, all: group.next().makePromise(), counter: counter)
        let listener = try await HTTPListener.bind(
            host: "127.0.0.1", port: 0, group: group, maxHeaderBytes: 8_192,
            makeHandler: { _ in Accepted(recorder: recorder) })

        // Busy loop: the kernel completes every handshake and queues the connections in the
        // backlog, where they wait until the loop is free again.
        let gate = DispatchSemaphore(value: 0)
        let blocked = DispatchSemaphore(value: 0)
        group.next().execute {
            blocked.signal()
            gate.wait()
        }
        // Connecting before the loop is held would let the first few be accepted early.
        await withCheckedContinuation { done in
            DispatchQueue.global().async {
                blocked.wait()
                done.resume()
            }
        }
        // All at once, awaited together (the loop is held, so none is accepted yet).
        let port = listener.port
        let connecting = (0..<waiting).map { _ in
            ClientBootstrap(group: clients).connect(host: "127.0.0.1", port: port)
        }
        let connections = try await EventLoopFuture.whenAllSucceed(connecting, on: clients.next()).get()
        gate.signal()
        try await recorder.all.futureResult.get()

        let passes = Set(recorder.passes.withLockedValue { $0 })
        #expect(passes.count == 1, "accepted over \(passes.count) passes of the loop")
        for connection in connections { try? await connection.close() }
        await listener.close()
        try await clients.shutdownGracefully()
        try await group.shutdownGracefully()
    }
}
