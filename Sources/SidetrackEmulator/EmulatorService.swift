import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Runs a `SpotifyEmulator` as a `Service`: starts it, logs `listener.bound`, serves until
/// graceful shutdown (or cancellation), then stops it.
public struct EmulatorService: Service {
    /// The emulator this service runs (tests may reach its faults and stats).
    public let emulator: SpotifyEmulator
    private let logger: Logger

    public init(emulator: SpotifyEmulator, logger: Logger = Logger(label: "sidetrack.emulator")) {
        self.emulator = emulator
        self.logger = logger
    }

    public init(
        configuration: EmulatorConfiguration = .init(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "sidetrack.emulator")
    ) {
        self.init(emulator: SpotifyEmulator(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger), logger: logger)
    }

    public func run() async throws {
        let port = try await emulator.start()
        logger.info(
            "listener.bound",
            metadata: ["listener": "emulator", "address": "\(emulator.configuration.host):\(port)"]
        )
        // Cancellation ends the wait too; either way the listener is closed before returning.
        try? await gracefulShutdown()
        try await emulator.stop()
    }
}
