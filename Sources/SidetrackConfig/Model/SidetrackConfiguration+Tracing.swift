extension SidetrackConfiguration {
    /// Distributed tracing: W3C Trace Context in and out, OpenTelemetry spans over OTLP/HTTP.
    /// Standard `OTEL_*` variables (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_TRACES_SAMPLER`, …) still
    /// override these where swift-otel reads them; see `docs/configuration.md`.
    public struct Tracing: Sendable, Equatable {
        /// Default `false`: a sidecar sends nothing to a collector nobody configured. Off, the
        /// caller's `traceparent` still reaches Spotify unchanged and logs carry null ids.
        public var enabled: Bool
        /// OTLP/HTTP traces URL, path included. Default `http://localhost:4318/v1/traces`: the
        /// collector agent beside the pod, on the standard OTLP/HTTP port.
        public var endpoint: String
        /// `http/protobuf` (default, what every collector accepts) or `http/json`. gRPC is not
        /// built in: asking for it is a start-up error.
        public var exportProtocol: TracingProtocol
        /// Headers sent with each export (a vendor API key). Values are secrets. Default none.
        public var headers: [String: Secret]
        /// `service.name` of the resource. Default `sidetrack`.
        public var serviceName: String
        /// Extra resource attributes (`deployment.environment=prod`). Default none.
        public var resourceAttributes: [String: String]
        /// Parent-based ratio sampling: a caller's sampled flag is followed; new traces are
        /// sampled at this ratio. Default 1.0: a sidecar's callers usually sample already, and
        /// an operator lowers it for a busy gateway that starts most traces itself.
        public var sampleRatio: Double
        /// Spans waiting for export; beyond it they are dropped and counted
        /// (`sidetrack_tracing_spans_dropped_total`), never waited for. Default 2048 (OTel's).
        public var maxQueueSize: Int
        /// One export request's deadline. Default 10 s (OTel's); it never delays a request.
        public var exportTimeout: Duration
        /// Answer with `traceresponse` naming the server span. Default `false`: it tells
        /// callers the internal trace id, which not every deployment wants.
        public var traceResponse: Bool

        public init(
            enabled: Bool = false, endpoint: String = Defaults.endpoint, exportProtocol: TracingProtocol = .httpProtobuf,
            headers: [String: Secret] = [:], serviceName: String = "sidetrack", resourceAttributes: [String: String] = [:],
            sampleRatio: Double = 1.0, maxQueueSize: Int = 2048, exportTimeout: Duration = .seconds(10),
            traceResponse: Bool = false
        ) {
            self.enabled = enabled
            self.endpoint = endpoint
            self.exportProtocol = exportProtocol
            self.headers = headers
            self.serviceName = serviceName
            self.resourceAttributes = resourceAttributes
            self.sampleRatio = sampleRatio
            self.maxQueueSize = maxQueueSize
            self.exportTimeout = exportTimeout
            self.traceResponse = traceResponse
        }

        public enum Defaults {
            public static let endpoint = "http://localhost:4318/v1/traces"
        }
    }
}

/// The OTLP/HTTP encodings Sidetrack can export.
public enum TracingProtocol: String, Sendable, Equatable, CaseIterable {
    case httpProtobuf = "http/protobuf"
    case httpJSON = "http/json"
}
