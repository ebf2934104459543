import Logging
import ServiceLifecycle

/// Runs the gateway inside a `ServiceGroup`: binds, logs where it listens, waits for graceful
/// shutdown (SIGTERM), then drains.
public struct GatewayService: Service {
    private let gateway: Gateway
    private let logger: Logger
    private let onBound: @Sendable (Gateway.BoundPorts) -> Void

    public init(gateway: Gateway, logger: Logger, onBound: @escaping @Sendable (Gateway.BoundPorts) -> Void = { _ in }) {
        self.gateway = gateway
        self.logger = logger
        self.onBound = onBound
    }

    public func run() async throws {
        let ports = try await gateway.start()
        let settings = gateway.settings
        logger.info("listener.bound", metadata: ["listener": "proxy", "address": "\(settings.proxyHost):\(ports.proxy)"])
        logger.info("listener.bound", metadata: ["listener": "admin", "address": "\(settings.adminHost):\(ports.admin)"])
        onBound(ports)
        // Suspends until a graceful shutdown is requested (or the task is cancelled).
        try? await gracefulShutdown()
        await gateway.drain()
    }
}
