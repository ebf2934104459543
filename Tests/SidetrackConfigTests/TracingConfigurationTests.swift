import Foundation
import Testing
@testable import SidetrackConfig

/// Issue 5's keys: defaults, both layers, secrets kept out of output, unsupported protocols refused.
@Suite struct TracingConfigurationTests {
    @Test func defaultsAreOffWithTheLocalCollector() throws {
        let tracing = try ConfigurationLoader.load(yaml: "").tracing
        #expect(tracing == SidetrackConfiguration.Tracing())
        #expect(!tracing.enabled)
        #expect(tracing.endpoint == "http://localhost:4318/v1/traces")
        #expect(tracing.exportProtocol == .httpProtobuf)
        #expect(tracing.sampleRatio == 1.0)
    }

    @Test func yamlSetsEveryKey() throws {
        let yaml = """
            tracing:
              enabled: true
              endpoint: https://collector.example.com/otlp/v1/traces
              protocol: http/json
              headers:
                x-api-key: k3y
              service_name: spotify-gw
              resource_attributes:
                deployment.environment: prod
              sample_ratio: 0.25
              max_queue_size: 100
              export_timeout: 3s
              traceresponse: true
            """
        let tracing = try ConfigurationLoader.load(yaml: yaml).tracing
        #expect(tracing.enabled && tracing.traceResponse)
        #expect(tracing.endpoint == "https://collector.example.com/otlp/v1/traces")
        #expect(tracing.exportProtocol == .httpJSON)
        #expect(tracing.headers["x-api-key"]?.value == "k3y")
        #expect(tracing.serviceName == "spotify-gw")
        #expect(tracing.resourceAttributes == ["deployment.environment": "prod"])
        #expect(tracing.sampleRatio == 0.25)
        #expect(tracing.maxQueueSize == 100)
        #expect(tracing.exportTimeout == .seconds(3))
    }

    @Test func environmentPairsOverrideTheFile() throws {
        let configuration = try ConfigurationLoader.load(
            yaml: "tracing:\n  service_name: from-file\n",
            environment: [
                "SIDETRACK_TRACING_SERVICE_NAME": "from-env",
                "SIDETRACK_TRACING_RESOURCE_ATTRIBUTES": "team=music,region=eu",
                "SIDETRACK_TRACING_HEADERS": "authorization=Bearer abc",
            ])
        #expect(configuration.tracing.serviceName == "from-env")
        #expect(configuration.tracing.resourceAttributes == ["team": "music", "region": "eu"])
        // Export header values are secrets: never in the effective configuration.
        #expect(!configuration.redactedYAML().contains("Bearer abc"))
        #expect(!configuration.redactedJSON().contains("Bearer abc"))
    }

    @Test func grpcIsAClearErrorNamingTheKeyAndValue() {
        let found = issues(environment: ["SIDETRACK_TRACING_PROTOCOL": "grpc"])
        #expect(found.count == 1)
        // From the environment, the issue names the variable.
        #expect(found.first?.key == "SIDETRACK_TRACING_PROTOCOL")
        #expect(found.first?.description.contains("grpc") == true)
        #expect(found.first?.description.contains("http/protobuf") == true)
    }

    @Test(arguments: [
        ("tracing.endpoint", "localhost:4318"), ("tracing.endpoint", "ftp://collector/v1/traces"),
        ("tracing.sample_ratio", "1.5"), ("tracing.max_queue_size", "0"), ("tracing.enabled", "yes"),
    ])
    func invalidValuesAreRejected(key: String, value: String) {
        let variable = EnvironmentVariables.named(key)
        #expect(issues(environment: [variable: value]).map(\.key) == [variable])
        #expect(issues(yaml: "\(key.replacingOccurrences(of: ".", with: ":\n  ")): \"\(value)\"\n").count == 1)
    }
}
