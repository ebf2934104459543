import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import SidetrackCore
import SidetrackDiskCache
import SidetrackObservability

/// The composition root of the data plane: builds the shared services, binds the proxy and admin
/// listeners, and drains them on shutdown.
public final class Gateway: Sendable {
    public struct BoundPorts: Sendable {
        public let proxy: Int
        public let admin: Int
    }

    public let settings: GatewaySettings
    public let metrics: GatewayMetrics
    public let state: GatewayState
    private let group: any EventLoopGroup
    private let clients: UpstreamClients
    /// Per event loop: each loop's connections use their own pipeline, route table and services
    /// (`LoopReplicas`); what they share (cache, metrics, state) is the same object in each.
    private let services: LoopReplicas<GatewayServices>
    /// Load shedding and the connection cap (internal: tests drive its per-loop state).
    let admission: AdmissionControl
    let upstreamGuard: UpstreamGuard
    let cache: ResponseCache?
    /// The disk tier's batch writer; run it as a `Service` started before and stopped after the
    /// listeners (`ServeCommand`), so answers cached during the drain are written too.
    public let diskWriter: DiskCacheWriter?
    private let endpoints: LocalEndpoints
    /// The span exporter when tracing is on; run `tracing.service` in the `ServiceGroup` before the
    /// gateway (`ServeCommand`), so it is stopped after the drain and flushes the last spans.
    public let tracing: TracingBackend?
    private let logger: Logger
    private let listeners = NIOLockedValueBox<(proxy: HTTPListener?, admin: HTTPListener?)>((nil, nil))

    /// - Parameters:
    ///   - sink: where access-log lines go; nil disables them.
    ///   - routes: the route table; index `i` in it is route `i` in `metrics`.
    public init(
        settings: GatewaySettings,
        routes: RouteTable = .spotify,
        metrics: GatewayMetrics,
        sink: LogSink?,
        logger: Logger,
        version: String,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws {
        let now: @Sendable () -> UInt64 = { NIODeadline.now().uptimeNanoseconds }
        self.settings = settings
        self.metrics = metrics
        self.group = group
        self.logger = logger
        self.state = GatewayState(now: now())
        // Before anything that must be shut down (the HTTP clients): a tracing setting Sidetrack
        // cannot start with is a start-up error, not a crash in a deinit.
        let tracing = settings.tracing.enabled ? try TracingBackend(settings: settings.tracing, logger: logger) : nil
        self.tracing = tracing
        self.clients = try UpstreamClients(settings: settings, group: group)
        let routeTemplates = (routes.routes + [routes.other]).map(\.template)
        let upstreamGuard = UpstreamGuard(
            settings: settings.resilience,
            metrics: ResilienceMetrics(
                registry: metrics.registry, routes: routeTemplates, groups: UpstreamGuard.groups.map(\.rawValue)),
            logger: logger)
        self.upstreamGuard = upstreamGuard
        let disk = DiskTierOpening.open(settings: settings, logger: logger)
        self.diskWriter = disk.writer
        let cache = settings.cacheEnabled ? Self.makeCache(settings: settings, routes: routes, metrics: metrics, disk: disk) : nil
        self.cache = cache
        if let cache, let tier = disk.tier {
            // Warm start: a restarted pod answers from what it cached before, without asking Spotify.
            let warmed = cache.warm(from: tier)
            logger.info("cache.warmed", metadata: ["cache.entries": "\(warmed)"])
        }
        let tracer = tracing.map { GatewayTracer(tracer: $0.tracer, traceResponse: settings.tracing.traceResponse) }
        self.endpoints = LocalEndpoints(
            state: state, metrics: metrics, settings: settings, version: version, now: now, cache: cache,
            upstreamGuard: upstreamGuard,
            tracing: tracing.map { TracingMetrics(health: $0.health, metrics: TracingExportMetrics(registry: metrics.registry)) })
        let observer = RequestObserver(metrics: metrics, sink: settings.accessLog ? sink : nil, now: now)
        let admission = AdmissionControl(
            group: group, settings: settings,
            metrics: OverloadMetrics(registry: metrics.registry, loops: AdmissionControl.loopCount(group)))
        self.admission = admission
        let (endpoints, clients, identifier, state) = (self.endpoints, self.clients, disk.identifier, self.state)
        self.services = LoopReplicas(group: group) {
            let pipeline = RequestPipeline(
                settings: settings, routes: routes.replica(), identifier: identifier, local: endpoints, cache: cache,
                upstreamGuard: upstreamGuard, tracer: tracer)
            return GatewayServices(
                settings: settings, pipeline: pipeline, clients: clients, upstreamGuard: upstreamGuard, metrics: metrics,
                observer: observer, state: state, admission: admission, cache: cache, tracer: tracer, now: now)
        }
    }

    private static func makeCache(
        settings: GatewaySettings, routes: RouteTable, metrics: GatewayMetrics, disk: DiskTierOpening
    ) -> ResponseCache {
        let rows = (routes.routes + [routes.other]).map {
            CacheMetrics.Route(template: $0.template, isCacheable: $0.isCacheable, isMutation: $0.isMutation)
        }
        return ResponseCache(
            policy: settings.cachePolicy, sharing: settings.catalogSharing, memoryBudget: settings.cacheMemoryBytes,
            disk: disk.tier, diskFailure: disk.failure, metrics: CacheMetrics(registry: metrics.registry, routes: rows),
            now: settings.cacheClock)
    }

    /// The metric labels for a route table: one entry per row, plus `other` last.
    public static func routeLabels(_ routes: RouteTable) -> [RouteLabel] {
        routes.routes.map { RouteLabel(route: $0.template, methods: [$0.method]) }
            + [RouteLabel(route: RouteDescriptor.other.template, methods: ["GET", "POST", "PUT", "DELETE"])]
    }

    /// Binds both listeners; `/ready` turns 200 once they are bound.
    public func start() async throws -> BoundPorts {
        let services = self.services
        let endpoints = self.endpoints
        let cacheAdmin = CacheAdmin(
            cache: cache, adminToken: settings.adminToken,
            adminOnLoopback: settings.adminHost == "127.0.0.1" || settings.adminHost == "::1" || settings.adminHost == "localhost")
        let proxy = try await HTTPListener.bind(
            host: settings.proxyHost, port: settings.proxyPort, group: group, maxHeaderBytes: settings.maxHeaderBytes
        ) { loop in ProxyHandler(services: services.value(for: loop)) }
        let admin: HTTPListener
        do {
            admin = try await HTTPListener.bind(
                host: settings.adminHost, port: settings.adminPort, group: group, maxHeaderBytes: 16 * 1024
            ) { _ in AdminHandler(endpoints: endpoints, cacheAdmin: cacheAdmin) }
        } catch {
            await proxy.close()
            throw error
        }
        listeners.withLockedValue { $0 = (proxy, admin) }
        admission.start()
        state.markListenersBound()
        return BoundPorts(proxy: proxy.port, admin: admin.port)
    }

    /// Graceful shutdown: `/ready` answers 503 at once, the proxy stops accepting, in-flight requests
    /// finish (bounded by the drain timeout), then the admin listener and upstream pool close.
    public func drain() async {
        state.beginDraining()
        let (proxy, admin) = listeners.withLockedValue { $0 }
        let timeout = settings.drainTimeout
        let inFlight = state.inFlightRequests
        logger.info("drain.started", metadata: ["in_flight": "\(inFlight)"])
        if let proxy {
            let finished = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    (try? await proxy.quiesce()) != nil
                }
                group.addTask {
                    try? await Task.sleep(nanoseconds: UInt64(max(0, timeout.nanoseconds)))
                    return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            if !finished {
                logger.warning("drain.timeout", metadata: ["in_flight": "\(state.inFlightRequests)"])
            }
        }
        await admin?.close()
        admission.stop()
        await clients.shutdown()
        logger.info("drain.finished")
    }
}
