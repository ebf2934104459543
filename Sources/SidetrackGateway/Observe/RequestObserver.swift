import SidetrackCore
import SidetrackObservability

/// Stage 9: one latency observation, one counter increment and one JSON access-log line per
/// request, whatever happened. Nothing here may fail or block: metrics are pre-resolved handles and
/// log lines go to a bounded buffer drained by a background thread.
struct RequestObserver: Sendable {
    let metrics: GatewayMetrics
    let sink: LogSink?
    let now: @Sendable () -> UInt64

    func observe(_ request: RequestContext) {
        let elapsed = now() &- request.startNanos
        let seconds = Double(elapsed) / 1e9
        let method = request.method.rawValue
        metrics.observeServer(route: request.route.index, method: method, status: request.status, cache: request.cache, seconds: seconds)
        request.trace?.finish(request)
        guard let sink else { return }
        let record = AccessLogRecord(
            requestID: request.requestID,
            traceID: request.trace.map { String($0.traceID) },
            spanID: request.trace.map { String($0.spanID) },
            method: method,
            route: request.route.template,
            path: request.path,
            status: request.status,
            durationMs: Double(elapsed) / 1e6,
            cache: request.cache,
            upstreamStatus: request.upstreamStatus,
            upstreamMs: request.upstreamNanos.map { Double($0) / 1e6 },
            retries: request.retries,
            breaker: request.breaker,
            rateLimit: request.rateLimit,
            error: request.errorLabel,
            client: request.client,
            bytesOut: request.bytesOut)
        record.withEncodedBytes { sink.write(line: $0) }
    }
}
