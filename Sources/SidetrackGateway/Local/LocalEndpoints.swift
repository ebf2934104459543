import Foundation
import NIOCore
import NIOHTTP1
import SidetrackObservability

/// The endpoints Sidetrack answers itself: probes and `/metrics` on both listeners, plus `/config`
/// on the admin listener. Kept apart from the proxy so the probe semantics (DESIGN §4) live in one place.
struct LocalEndpoints: Sendable {
    let state: GatewayState
    let metrics: GatewayMetrics
    let settings: GatewaySettings
    let version: String
    let now: @Sendable () -> UInt64
    let cache: ResponseCache?
    let upstreamGuard: UpstreamGuard
    /// nil when tracing is off.
    let tracing: TracingMetrics?

    /// The probe and metrics paths also answered on the proxy listener.
    static func isProbePath(_ path: Substring) -> Bool {
        // The longest is 8 bytes: a proxied path is turned away by its length alone, before four
        // Unicode-aware string comparisons (every request asks).
        guard path.utf8.count <= 8 else { return false }
        return path == "/live" || path == "/ready" || path == "/health" || path == "/metrics"
    }

    /// The response for `path`, or nil when it is not a local endpoint.
    func response(method: HTTPMethod, path: Substring, onAdminListener: Bool) -> LocalResponse? {
        let known = Self.isProbePath(path) || (onAdminListener && (path == "/config" || path == "/"))
        guard known else { return nil }
        guard method == .GET || method == .HEAD else {
            var response = LocalResponse.text(.methodNotAllowed, "method not allowed\n")
            response.headers.add(name: "allow", value: "GET, HEAD")
            return response
        }
        switch path {
        case "/live":
            // Liveness never depends on Spotify or readiness: only that this process can answer.
            return .text(.ok, "live\n")
        case "/ready":
            return state.isReady ? .text(.ok, "ready\n") : .text(.serviceUnavailable, state.isDraining ? "draining\n" : "starting\n")
        case "/health":
            return health()
        case "/metrics":
            cache?.updateMetrics()
            upstreamGuard.updateMetrics()
            tracing?.update()
            return LocalResponse(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.render())
        case "/config":
            return .json(.ok, Array(settings.redactedConfigJSON.utf8))
        default:
            return .text(.ok, "sidetrack admin: /live /ready /health /metrics /config\n")
        }
    }

    private func health() -> LocalResponse {
        var checks: [String: Any] = [:]
        checks["listeners"] = ["status": state.isReady || state.isDraining ? "healthy" : "unhealthy"]
        checks["lifecycle"] = [
            "status": state.isDraining ? "degraded" : "healthy",
            "draining": state.isDraining,
            "in_flight_requests": state.inFlightRequests,
        ]
        // An open breaker or a Spotify cooldown degrades health but not readiness: restarting or
        // unrouting the pod would not make Spotify answer sooner, and cached keys are still served.
        let openBreakers = upstreamGuard.openBreakers()
        let cooldown = upstreamGuard.cooldown.status(now: upstreamGuard.now())
        var upstream: [String: Any] = [
            "status": openBreakers.isEmpty && cooldown == nil ? "healthy" : "degraded",
            "api": settings.apiUpstream.origin,
            "accounts": settings.accountsUpstream.origin,
            "open_breakers": openBreakers,
        ]
        if let cooldown {
            upstream["cooldown_remaining_seconds"] = Double(cooldown.remainingMillis) / 1_000
            upstream["cooldown_reason"] = cooldown.reason.rawValue
        }
        checks["upstream"] = upstream
        if let cache {
            let degraded = cache.isDiskDegraded
            var check: [String: Any] = [
                "status": degraded ? "degraded" : "healthy",
                "memory_entries": cache.memory.count,
                "memory_bytes": cache.memory.bytes,
                "disk": cache.disk == nil && !degraded ? "disabled" : (degraded ? "degraded" : "ok"),
            ]
            if let failure = cache.diskFailure { check["disk_error"] = failure }
            checks["cache"] = check
        }
        if let tracing {
            // A dead collector degrades health, never readiness: requests do not wait for it.
            let health = tracing.health
            checks["tracing"] = [
                "status": health.status == .failing ? "degraded" : "healthy",
                "exporter": health.status.rawValue,
                "endpoint": settings.tracing.endpoint,
                "consecutive_failures": health.consecutiveFailures,
                "dropped_spans": health.droppedSpans,
            ]
        } else {
            checks["tracing"] = ["status": "healthy", "exporter": "disabled"]
        }
        let statuses = checks.values.compactMap { ($0 as? [String: Any])?["status"] as? String }
        let overall = statuses.contains("unhealthy") ? "unhealthy" : statuses.contains("degraded") ? "degraded" : "healthy"
        let uptime = Double(now() &- state.startedAtNanos) / 1e9
        let document: [String: Any] = [
            "status": overall,
            "version": version,
            "uptime_seconds": (uptime * 1000).rounded() / 1000,
            "checks": checks,
        ]
        return .json(overall == "unhealthy" ? .serviceUnavailable : .ok, AdminJSON.encode(document))
    }
}
