import NIOCore
import SidetrackCore
import SidetrackObservability

/// The long-lived, thread-safe parts every connection handler shares. Built once at start-up.
struct GatewayServices: Sendable {
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
}
