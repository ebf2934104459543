import SidetrackObservability
import Tracing

extension RequestTrace {
    /// Stage 9: names the server span after its route, records what the stages decided, ends it.
    /// Only route templates and the path (no query, no headers) go in: never a token.
    func finish(_ request: RequestContext) {
        // An unsampled span records nothing, but `updateAttributes` would still build every
        // attribute before dropping them (~2 % of an unsampled pass-through request).
        guard span.isRecording else {
            span.end()
            return
        }
        span.operationName = request.method.rawValue + " " + request.route.template
        span.updateAttributes { attributes in
            attributes.setRequest(request)
            attributes["http.response.status_code"] = request.status
            attributes["sidetrack.request_id"] = request.requestID.description
            attributes["sidetrack.retries"] = request.retries
            if let upstream = request.upstreamStatus { attributes["sidetrack.upstream.status_code"] = upstream }
            if let label = request.errorLabel { attributes["error.type"] = label }
        }
        if let event = Self.decisionEvent(request) { span.addEvent(SpanEvent(name: event)) }
        // Server spans: only 5xx are errors (semantic conventions); a 4xx is the client's doing.
        if request.status >= 500 { span.setStatus(SpanStatus(code: .error)) }
        span.end()
    }

    /// The stage that answered without Spotify, as an event a trace viewer shows on the timeline.
    private static func decisionEvent(_ request: RequestContext) -> String? {
        switch request.errorLabel {
        case "rate_limited": return "sidetrack.rate_limited"
        case "upstream_cooldown": return "sidetrack.cooldown_answer"
        case "circuit_open": return "sidetrack.circuit_open"
        case "bulkhead_full": return "sidetrack.bulkhead_full"
        case "overloaded": return "sidetrack.load_shed"
        default: break
        }
        switch request.cache {
        case .hit: return "sidetrack.cache.hit"
        case .stale: return "sidetrack.cache.stale"
        case .revalidated: return "sidetrack.cache.revalidated"
        default: return nil
        }
    }
}
