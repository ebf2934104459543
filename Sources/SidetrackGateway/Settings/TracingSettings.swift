import NIOCore

/// Distributed tracing (issue 5): W3C Trace Context in and out, OpenTelemetry spans over OTLP/HTTP.
/// Off by default: a sidecar should not send data anywhere nobody asked it to.
public struct TracingSettings: Sendable {
    /// The wire encoding of OTLP/HTTP. gRPC is not built in (it would add minutes of build and a
    /// second HTTP/2 stack); asking for it is a start-up error, never a silent fallback.
    public enum ExportProtocol: String, Sendable, CaseIterable {
        case httpProtobuf = "http/protobuf"
        case httpJSON = "http/json"
    }

    public var enabled = false
    /// Full OTLP/HTTP traces URL. Default: a collector on the same host (the sidecar pattern).
    public var endpoint = "http://localhost:4318/v1/traces"
    public var exportProtocol = ExportProtocol.httpProtobuf
    /// Extra export request headers (a collector's API key, say); never logged.
    public var headers: [String: String] = [:]
    public var serviceName = "sidetrack"
    public var resourceAttributes: [String: String] = [:]
    /// Ratio of new traces (no sampled caller) that are recorded; a caller's decision is followed.
    /// Default 1.0: a sidecar's callers usually sample already, and parent-based sampling keeps theirs.
    public var sampleRatio = 1.0
    /// Spans waiting for export. Beyond it spans are dropped and counted, never waited for.
    public var maxQueueSize = 2048
    public var exportTimeout: TimeAmount = .seconds(10)
    /// Answer with `traceresponse` (W3C Trace Context Level 2) naming the server span.
    public var traceResponse = false

    public init() {}
}
