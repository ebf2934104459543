import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SidetrackConfig
import SidetrackCore
import SidetrackGateway
import SidetrackObservability

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the gateway.")

    @OptionGroup var flags: ConfigurationFlags

    func run() async throws {
        // Files Sidetrack creates (the cache database, its WAL and the token-identity key) hold
        // users' cached answers: owner-only, whatever the inherited umask.
        umask(0o077)
        let configuration = try loadConfigurationOrExit(flags.overrides)
        let sink = LogSink()
        let level = Logger.Level(configuration.log.level)
        LoggingSystem.bootstrapJSON(sink: sink, level: level)
        let logger = Logger(label: "sidetrack")

        let routes = RouteTable.spotify
        let metrics = GatewayMetrics(
            routes: Gateway.routeLabels(routes), version: SidetrackBuild.version, commit: SidetrackBuild.commit)
        metrics.attach(logSink: sink)
        let gateway: Gateway
        do {
            gateway = try Gateway(
                settings: GatewaySettings(configuration: configuration), routes: routes, metrics: metrics, sink: sink,
                logger: logger, version: SidetrackBuild.version)
        } catch {
            logger.critical("startup.failed", metadata: ["error": "\(error)"])
            sink.flush()
            throw ExitCode.failure
        }
        logger.info(
            "startup.configured",
            metadata: [
                "upstream.api": "\(configuration.upstream.api.origin)",
                "upstream.accounts": "\(configuration.upstream.accounts.origin)",
                "version": "\(SidetrackBuild.version)",
            ])
        let group = ServiceGroup(
            configuration: .init(
                // Started in order, stopped in reverse: the disk writer and the span exporter
                // outlive the drain, writing what was cached and flushing the spans ended during it.
                services: (gateway.diskWriter.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0)] } ?? [])
                    + (gateway.tracing.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0.service)] } ?? [])
                    + [.init(service: GatewayService(gateway: gateway, logger: logger))],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await group.run()
        } catch {
            logger.critical("serve.failed", metadata: ["error": "\(error)"])
            sink.flush()
            throw ExitCode.failure
        }
        logger.info("shutdown.complete")
        sink.flush()
    }
}

extension Logger.Level {
    init(_ level: LogLevel) {
        self = Logger.Level(rawValue: level.rawValue) ?? .info
    }
}
