import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Builds the tracer and the exporter `Service` from `TracingSettings` with swift-otel, tracing
/// only: swift-otel's logging and metrics backends are never made, so Sidetrack's JSON logs and
/// Prometheus registry stay its own. Standard `OTEL_*` variables override the settings where
/// swift-otel reads them (endpoint, headers, protocol, sampler, service name, resource, BSP sizes).
public struct TracingBackend: Sendable {
    public let tracer: any Tracer
    /// The batch span processor and exporter; run it in the `ServiceGroup` before the listeners,
    /// so it flushes the last spans after they drain.
    public let service: any Service
    public let health: ExporterHealth

    public init(settings: TracingSettings, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        try Self.validateEnvironment(environment)
        let health = ExporterHealth()
        var configuration = OTel.Configuration.default
        configuration.serviceName = settings.serviceName
        configuration.resourceAttributes = settings.resourceAttributes
        configuration.propagators = [.traceContext]
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.diagnosticLogger = .custom(
            Logger(label: "sidetrack.tracing") { _ in ExporterDiagnostics(health: health, logger: logger) })
        configuration.diagnosticLogLevel = .debug
        configuration.traces.enabled = true
        guard let sampler = OTel.Configuration.TracesConfiguration.SamplerConfiguration.parentBasedTraceIDRatio(
            ratio: settings.sampleRatio)
        else { throw TracingSetupError(key: "tracing.sample_ratio", value: "\(settings.sampleRatio)", allowed: "0.0 … 1.0") }
        configuration.traces.sampler = sampler
        configuration.traces.batchSpanProcessor.maxQueueSize = settings.maxQueueSize
        configuration.traces.batchSpanProcessor.maxExportBatchSize = min(512, settings.maxQueueSize)
        configuration.traces.batchSpanProcessor.exportTimeout = .nanoseconds(settings.exportTimeout.nanoseconds)
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.endpoint = settings.endpoint
        configuration.traces.otlpExporter.protocol = settings.exportProtocol == .httpJSON ? .httpJSON : .httpProtobuf
        configuration.traces.otlpExporter.headers = settings.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        configuration.traces.otlpExporter.timeout = .nanoseconds(settings.exportTimeout.nanoseconds)
        let backend: (factory: any Tracer, service: any Service)
        do {
            let made = try OTel.makeTracingBackend(configuration: configuration)
            backend = (made.factory, made.service)
        } catch {
            // Certificate files named by OTEL_EXPORTER_OTLP_* that do not exist, and the like.
            throw TracingSetupError(
                key: "tracing.endpoint", value: settings.endpoint,
                allowed: "an OTLP/HTTP exporter swift-otel can set up (\(String(reflecting: type(of: error))))")
        }
        self.tracer = backend.factory
        self.service = backend.service
        self.health = health
    }

    /// swift-otel is built with OTLP/HTTP only and stops the process (`fatalError`) when asked for
    /// gRPC, so the protocol variables are checked here first: a clear start-up error instead.
    public static func validateEnvironment(_ environment: [String: String]) throws {
        for key in ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] {
            guard let value = environment[key] else { continue }
            if TracingSettings.ExportProtocol(rawValue: value) == nil {
                throw TracingSetupError(key: key, value: value, allowed: "http/protobuf, http/json (gRPC is not built in)")
            }
        }
        // swift-otel has no console, jaeger or zipkin span exporter.
        if let exporter = environment["OTEL_TRACES_EXPORTER"], exporter != "otlp", exporter != "none" {
            throw TracingSetupError(key: "OTEL_TRACES_EXPORTER", value: exporter, allowed: "otlp, none")
        }
    }
}

/// A tracing setting Sidetrack cannot start with: names the key, the value and what is allowed.
public struct TracingSetupError: Error, CustomStringConvertible {
    public let key: String
    public let value: String
    public let allowed: String

    public var description: String { "\(key): invalid value \"\(value)\"; allowed: \(allowed)" }
}
