import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A fake Spotify Web API and accounts service on SwiftNIO, for tests, demos and benchmarks.
///
/// ```swift
/// let emulator = SpotifyEmulator()
/// let port = try await emulator.start()          // binds 127.0.0.1 on a free port
/// emulator.faults.set(Fault(status: 503, remaining: 1))
/// // … point a client at emulator.baseURL …
/// try await emulator.stop()
/// ```
public final class SpotifyEmulator: Sendable {
    public let configuration: EmulatorConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let state = EmulatorState()
    private let connections = ConnectionRegistry()
    private let listener = NIOLockedValueBox<(channel: (any Channel)?, port: Int?)>((nil, nil))

    public init(
        configuration: EmulatorConfiguration = .init(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "sidetrack.emulator")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Binds the listener and returns the bound port.
    /// - Throws: `SpotifyEmulatorError.alreadyStarted`, or the bind error (port in use, bad host).
    @discardableResult
    public func start() async throws -> Int {
        guard listener.withLockedValue({ $0.channel == nil }) else { throw SpotifyEmulatorError.alreadyStarted }
        let state = self.state
        let logger = self.logger
        let connections = self.connections
        let bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                connections.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(EmulatorHTTPHandler(state: state, logger: logger))
                }
            }
        let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw SpotifyEmulatorError.noBoundAddress
        }
        let stored = listener.withLockedValue { listener -> Bool in
            guard listener.channel == nil else { return false }
            listener = (channel, port)
            return true
        }
        guard stored else {
            try? await channel.close()
            throw SpotifyEmulatorError.alreadyStarted
        }
        logger.debug("emulator.started", metadata: ["port": "\(port)"])
        return port
    }

    /// The bound port, nil before `start()` and after `stop()`.
    public var port: Int? { listener.withLockedValue { $0.port } }

    /// `http://HOST:PORT` for clients (loopback when bound to a wildcard address).
    public var baseURL: String {
        let host: String
        switch configuration.host {
        case "0.0.0.0", "": host = "127.0.0.1"
        case "::": host = "[::1]"
        case let other where other.contains(":"): host = "[\(other)]"
        case let other: host = other
        }
        return "http://\(host):\(port ?? configuration.port)"
    }

    /// Closes the listener and every open connection. Safe to call when not started.
    public func stop() async throws {
        let channel = listener.withLockedValue { listener -> (any Channel)? in
            defer { listener = (nil, nil) }
            return listener.channel
        }
        if let channel { try await channel.close() }
        state.faults.releaseHeld()  // a parked request's promise must complete before it is freed
        await connections.closeAll()
    }

    /// The active fault; set it from tests (thread-safe) or over `POST /_emulator/faults`.
    public var faults: FaultInjector { state.faults }

    /// Requests answered so far (`/_emulator/*` not counted).
    public func stats() -> EmulatorStats { state.stats.snapshot() }

    /// Zeroes the request counts.
    public func resetStats() { state.stats.reset() }
}

/// Why the emulator could not start.
public enum SpotifyEmulatorError: Error, Equatable {
    /// `start()` was called on a running emulator.
    case alreadyStarted
    /// The socket bound but reported no local address.
    case noBoundAddress
}
