import NIOCore
import SidetrackCore
import SidetrackObservability

/// The long-lived, thread-safe parts every connection handler shares. Built once at start-up.
///
/// A class: handlers and exchanges keep it per request, and copying a struct this size (the whole
/// `GatewaySettings` inside) cost a retain per field every time (~0.6 % of a pass-through request).
final class GatewayServices: Sendable {
    let settings: GatewaySettings
    let pipeline: RequestPipeline
    let clients: UpstreamClients
    /// Stage 6 (and the per-client limit of stage 3).
    let upstreamGuard: UpstreamGuard
    let metrics: GatewayMetrics
    let observer: RequestObserver
    let state: GatewayState
    /// Load shedding and the connection cap.
    let admission: AdmissionControl
    /// nil when caching is off.
    let cache: ResponseCache?
    /// nil when tracing is off.
    let tracer: GatewayTracer?
    /// Monotonic nanoseconds (injected so tests could control time).
    let now: @Sendable () -> UInt64

    init(
        settings: GatewaySettings, pipeline: RequestPipeline, clients: UpstreamClients, upstreamGuard: UpstreamGuard,
        metrics: GatewayMetrics, observer: RequestObserver, state: GatewayState, admission: AdmissionControl,
        cache: ResponseCache?, tracer: GatewayTracer?, now: @escaping @Sendable () -> UInt64
    ) {
        self.settings = settings
        self.pipeline = pipeline
        self.clients = clients
        self.upstreamGuard = upstreamGuard
        self.metrics = metrics
        self.observer = observer
        self.state = state
        self.admission = admission
        self.cache = cache
        self.tracer = tracer
        self.now = now
    }
}
