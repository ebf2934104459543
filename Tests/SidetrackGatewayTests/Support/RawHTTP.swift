import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Sends raw bytes on a fresh TCP connection and collects what comes back until the peer closes
/// or `timeout` passes — for requests no well-behaved client library would send.
enum RawHTTP {
    static func exchange(port: Int, _ request: String, timeout: TimeAmount = .seconds(5)) async throws -> String {
        try await exchange(port: port, Array(request.utf8), timeout: timeout)
    }

    static func exchange(port: Int, _ bytes: [UInt8], timeout: TimeAmount = .seconds(5)) async throws -> String {
        try await exchangeReportingClose(port: port, bytes, timeout: timeout).response
    }

    /// Like `exchange`, and whether the server closed the connection (rather than `timeout` passing).
    static func exchangeReportingClose(
        port: Int, _ bytes: [UInt8], timeout: TimeAmount = .seconds(5)
    ) async throws -> (response: String, peerClosed: Bool) {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.allowRemoteHalfClosure, value: false)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        // The server may answer and close before the whole request is written (e.g. a 413 for a
        // huge declared body); a failed write is then expected, not an error.
        try? await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
        let closed = channel.closeFuture
        let timedOut = NIOLockedValueBox(false)
        let deadline = channel.eventLoop.scheduleTask(in: timeout) {
            timedOut.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        try? await closed.get()
        deadline.cancel()
        return (String(decoding: collector.bytes, as: UTF8.self), !timedOut.withLockedValue { $0 })
    }

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        private let received = NIOLockedValueBox<[UInt8]>([])
        var bytes: [UInt8] { received.withLockedValue { $0 } }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            received.withLockedValue { $0.append(contentsOf: buffer.readableBytesView) }
        }
    }
}
