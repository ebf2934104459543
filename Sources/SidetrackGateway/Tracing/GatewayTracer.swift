import NIOHTTP1
import SidetrackCore
import Tracing

/// The data plane's door to tracing: starts the server span of a request (continuing the caller's
/// trace when its `traceparent` is valid) and one client span per upstream attempt. Holds any
/// `Tracer` (swift-otel's), never the global one: several gateways in one test process each keep
/// their own.
struct GatewayTracer: Sendable {
    let tracer: any Tracer
    /// Answer with `traceresponse`.
    let traceResponse: Bool

    /// Stage 1: the server span. Named by method now; `RequestTrace.finish` renames it once the
    /// route is known.
    func startServerSpan(method: String, headers: HTTPHeaders) -> RequestTrace {
        var parent = ServiceContext.topLevel
        tracer.extract(headers, into: &parent, using: HTTPHeadersExtractor())
        let span = tracer.startSpan(method, context: parent, ofKind: .server)
        return RequestTrace(span: span, traceparent: traceparent(of: span.context), traceResponse: traceResponse)
    }

    /// Stage 7: a client span for one upstream attempt, child of the server span, with its
    /// `traceparent` written into the upstream request's `headers` (replacing the caller's).
    func startClientSpan(
        request: RequestContext, endpoint: UpstreamEndpoint, attempt: Int, parent: RequestTrace, headers: inout HTTPHeaders
    ) -> any Span {
        let method = request.method.rawValue
        let span = tracer.startSpan(method + " " + request.route.template, context: parent.span.context, ofKind: .client)
        // Unsampled: skip building attributes a non-recording span drops; the traceparent is still
        // injected, so the upstream sees the caller's not-sampled decision.
        if span.isRecording {
            span.updateAttributes { attributes in
                attributes.setRequest(request)
                attributes["server.address"] = endpoint.host
                attributes["server.port"] = endpoint.port
                // Semantic conventions: the number of times this request was sent before.
                if attempt > 1 { attributes["http.request.resend_count"] = attempt - 1 }
            }
        }
        tracer.inject(span.context, into: &headers, using: HTTPHeadersInjector())
        return span
    }

    private func traceparent(of context: ServiceContext) -> String {
        var captured: String?
        tracer.inject(context, into: &captured, using: TraceParentInjector())
        return captured ?? ""
    }
}
