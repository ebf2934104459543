import Foundation

extension ConfigurationKey {
    /// Issue 5's keys; variables spelled mechanically (`SIDETRACK_TRACING_SAMPLE_RATIO`).
    static var tracingKeys: [ConfigurationKey] {
        let n = EnvironmentVariables.named
        return [
            .boolean("tracing.enabled", n("tracing.enabled"), \.tracing.enabled),
            .tracingEndpoint("tracing.endpoint", n("tracing.endpoint")),
            .tracingProtocol("tracing.protocol", n("tracing.protocol")),
            .pairs("tracing.headers", n("tracing.headers"), isSecret: true) { $0.tracing.headers = $1.mapValues(Secret.init) },
            .text("tracing.service_name", n("tracing.service_name"), \.tracing.serviceName),
            .pairs("tracing.resource_attributes", n("tracing.resource_attributes"), isSecret: false) {
                $0.tracing.resourceAttributes = $1
            },
            .ratio("tracing.sample_ratio", n("tracing.sample_ratio"), \.tracing.sampleRatio),
            .integer("tracing.max_queue_size", n("tracing.max_queue_size"), range: 1...1_000_000, \.tracing.maxQueueSize),
            .duration("tracing.export_timeout", n("tracing.export_timeout"), max: .seconds(120), \.tracing.exportTimeout),
            .boolean("tracing.traceresponse", n("tracing.traceresponse"), \.tracing.traceResponse),
        ]
    }

    static func tracingEndpoint(_ path: String, _ env: String) -> Self {
        let allowed = "expected an http or https URL with a host, path included (e.g. http://localhost:4318/v1/traces)"
        return Self(path: path, environmentVariable: env, flag: nil, allowed: allowed, isSecret: false) { raw, configuration in
            guard let raw, let url = URL(string: raw), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty, url.user == nil
            else { return false }
            configuration.tracing.endpoint = raw
            return true
        }
    }

    static func tracingProtocol(_ path: String, _ env: String) -> Self {
        let names = TracingProtocol.allCases.map(\.rawValue).joined(separator: ", ")
        let allowed = "expected one of \(names) (OTLP/gRPC is not built into Sidetrack)"
        return Self(path: path, environmentVariable: env, flag: nil, allowed: allowed, isSecret: false) { raw, configuration in
            guard let value = raw.flatMap(TracingProtocol.init(rawValue:)) else { return false }
            configuration.tracing.exportProtocol = value
            return true
        }
    }

    /// `name=value` pairs (a YAML mapping, or `a=1,b=2` in the environment, as `OTEL_*` spell them).
    static func pairs(
        _ path: String, _ env: String, isSecret: Bool,
        _ apply: @escaping (inout Configuration, [String: String]) -> Void
    ) -> Self {
        let allowed = "expected name: value pairs (YAML mapping, or NAME=VALUE,… in the environment), "
            + "names of visible ASCII without = or ,, each named once"
        return Self(path: path, environmentVariable: env, flag: nil, allowed: allowed, isSecret: isSecret, acceptsPairs: true) {
            raw, configuration in
            var values: [String: String] = [:]
            for pair in (raw ?? "").split(separator: ",", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2 else { return false }
                let name = parts[0].trimmingCharacters(in: .whitespaces)
                let value = parts[1].trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, values[name] == nil,
                      name.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
                else { return false }
                values[name] = value
            }
            apply(&configuration, values)
            return true
        }
    }

    /// Plain text: 1…255 visible characters.
    static func text(_ path: String, _ env: String, _ keyPath: WritableKeyPath<Configuration, String>) -> Self {
        Self(path: path, environmentVariable: env, flag: nil, allowed: "expected 1 to 255 characters of text", isSecret: false) {
            raw, configuration in
            guard let raw, !raw.isEmpty, raw.count <= 255, !raw.contains(where: \.isNewline) else { return false }
            configuration[keyPath: keyPath] = raw
            return true
        }
    }
}
