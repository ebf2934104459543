import Logging
import NIOHTTP1
import Testing
@testable import SidetrackGateway

/// W3C Trace Context in and out, without sockets: the tracer swift-otel builds (its exporter never
/// started), the propagator reading the caller's headers, and the ids Sidetrack reads back.
@Suite struct TraceContextTests {
    static let caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    /// One backend per ratio for the whole process: each holds an HTTP client whose `deinit` shuts
    /// it down synchronously, which would block a test thread if backends came and went per test.
    static let sampled = Result { try makeTracer(sampleRatio: 1) }
    static let unsampled = Result { try makeTracer(sampleRatio: 0) }

    static func tracer(sampleRatio: Double = 1.0) throws -> GatewayTracer {
        try (sampleRatio == 0 ? unsampled : sampled).get()
    }

    private static func makeTracer(sampleRatio: Double) throws -> GatewayTracer {
        var settings = TracingSettings()
        settings.enabled = true
        settings.sampleRatio = sampleRatio
        let backend = try TracingBackend(settings: settings, logger: Logger(label: "test"), environment: [:])
        return GatewayTracer(tracer: backend.tracer, traceResponse: true)
    }

    @Test func aValidTraceparentIsContinued() throws {
        let trace = try Self.tracer().startServerSpan(method: "GET", headers: ["traceparent": Self.caller])
        #expect(trace.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(trace.spanID.count == 16 && trace.spanID != "00f067aa0ba902b7")
        #expect(trace.traceparent.hasSuffix("-01"))
        trace.span.end()
    }

    @Test(arguments: [
        "", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", // too short
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero span id
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01", // not hex
    ])
    func aMissingOrMalformedTraceparentStartsANewTrace(value: String) throws {
        let headers: HTTPHeaders = value.isEmpty ? [:] : ["traceparent": value]
        let trace = try Self.tracer().startServerSpan(method: "GET", headers: headers)
        #expect(trace.traceID.count == 32)
        #expect(trace.traceID != "4bf92f3577b34da6a3ce929d0e0e4736")
        let isHex = trace.traceID.allSatisfy { $0.isHexDigit }
        #expect(isHex)
        #expect(trace.spanID.count == 16)
        trace.span.end()
    }

    @Test func aCallersUnsampledDecisionIsFollowed() throws {
        let unsampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"
        let trace = try Self.tracer(sampleRatio: 1.0).startServerSpan(method: "GET", headers: ["traceparent": unsampled])
        #expect(trace.traceparent.hasSuffix("-00"))
        #expect(!trace.span.isRecording)
        trace.span.end()
    }

    @Test func newTracesAreSampledAtTheRatio() throws {
        let never = try Self.tracer(sampleRatio: 0).startServerSpan(method: "GET", headers: [:])
        #expect(never.traceparent.hasSuffix("-00"))
        never.span.end()
        let always = try Self.tracer(sampleRatio: 1).startServerSpan(method: "GET", headers: [:])
        #expect(always.traceparent.hasSuffix("-01"))
        always.span.end()
    }

    @Test func theUpstreamGetsTheClientSpanAsParentAndTheCallersTracestate() throws {
        let tracer = try Self.tracer()
        let server = tracer.startServerSpan(method: "GET", headers: ["traceparent": Self.caller, "tracestate": "vendor=1"])
        var upstream: HTTPHeaders = ["traceparent": Self.caller, "tracestate": "vendor=1"]
        let request = RequestContext(
            startNanos: 0, method: .GET, version: .http1_1, keepAlive: true, path: "/v1/albums/x",
            pathAndQuery: "/v1/albums/x", requestID: "r", client: "ip:1", publicBase: "")
        let client = tracer.startClientSpan(
            request: request, endpoint: UpstreamEndpoint(scheme: "https", host: "api.spotify.com", port: 443), attempt: 1,
            parent: server, headers: &upstream)
        let sent = try #require(upstream.first(name: "traceparent"))
        #expect(upstream[canonicalForm: "traceparent"].count == 1)
        #expect(sent.hasPrefix("00-4bf92f3577b34da6a3ce929d0e0e4736-"))
        #expect(!sent.contains(String(server.spanID)))
        #expect(upstream.first(name: "tracestate") == "vendor=1")
        client.end()
        server.span.end()
    }

    @Test func idsAreReadFromTheTraceparentText() throws {
        let tracer = try Self.tracer()
        let trace = tracer.startServerSpan(method: "GET", headers: [:])
        var request = RequestContext(
            startNanos: 0, method: .GET, version: .http1_1, keepAlive: true, path: "/", pathAndQuery: "/",
            requestID: "r", client: "ip:1", publicBase: "")
        #expect(request.traceResponseValue == nil)
        request.trace = trace
        #expect(request.traceResponseValue == "00-\(trace.traceID)-\(trace.spanID)-01")
        trace.span.end()
    }

    @Test func aGRPCProtocolInTheEnvironmentIsRefusedBeforeSwiftOTelSeesIt() {
        var settings = TracingSettings()
        settings.enabled = true
        #expect(throws: TracingSetupError.self) {
            _ = try TracingBackend(
                settings: settings, logger: Logger(label: "test"), environment: ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc"])
        }
    }
}
