import Foundation
import Testing
@testable import SidetrackConfig

@Suite struct RedactionTests {
    static let token = "s3cr3t-admin-token-0123456789"

    private func configured() throws -> SidetrackConfiguration {
        try ConfigurationLoader.load(
            yaml: "admin:\n  token: \(Self.token)\n",
            environment: [EnvironmentVariables.upstream: "https://user:hunter2@upstream.example"]
        )
    }

    @Test func tokenAndUserinfoNeverAppearInTheOutput() throws {
        let configuration = try configured()
        for text in [configuration.redactedYAML(), configuration.redactedJSON(), "\(configuration)",
                     String(reflecting: configuration)] {
            #expect(!text.contains(Self.token))
            #expect(!text.contains("hunter2"))
        }
        #expect(configuration.redactedYAML().contains("token: \"<redacted>\""))
        #expect(configuration.redactedYAML().contains("api: \"https://<redacted>@upstream.example\""))
        #expect(configuration.admin.token?.value == Self.token)
    }

    @Test func rejectedSecretsAreNotEchoedInIssues() {
        let found = issues(
            yaml: "admin:\n  token: tooshort\n",
            environment: [EnvironmentVariables.accountsUpstream: "https://user:hunter2@host/path"]
        )
        let text = ConfigurationError(issues: found).description
        #expect(found.count == 2)
        #expect(!text.contains("tooshort"))
        #expect(!text.contains("hunter2"))
        #expect(text.contains("https://<redacted>@host/path"))
    }

    @Test func defaultsAsYAML() {
        #expect(SidetrackConfiguration().redactedYAML() == """
            listen: "127.0.0.1:8080"
            public_base_url: null
            admin:
              listen: "127.0.0.1:9901"
              token: null
            upstream:
              api: "https://api.spotify.com"
              accounts: "https://accounts.spotify.com"
              connect_timeout: "2s"
              request_timeout: "10s"
              idle_timeout: "1m"
              max_connections_per_host: 64
              ca_file: null
            limits:
              max_header_bytes: 16384
              max_body_bytes: 10485760
              max_connections: 10000
              load_shedding: true
              shed_lag: "100ms"
              shed_interval: "500ms"
            drain_timeout: "25s"
            cache:
              path: "./.sidetrack/cache.sqlite"
              memory_max_bytes: 67108864
              disk_max_bytes: 536870912
              max_entry_bytes: 1048576
              catalog_sharing: "market"
              stale_while_revalidate: "1m"
              stale_if_error: "24h"
              token_trust_window: "10m"
              coalesce_wait: "3s"
              ttl:
                catalog: "24h"
                audio_features: "168h"
                playlist: "5m"
                search: "10m"
                library: "3m"
                profile: "1h"
                top_items: "6h"
                devices: "1m"
                queue: "30s"
                playback_state: "10s"
              route_ttl:
            rate_limit:
              client:
                per_second: 50
                burst: 100
              upstream:
                per_second: 10
                per_minute: 150
                per_hour: 5000
                per_30s: 150
                max_wait: "250ms"
            breaker:
              consecutive_failures: 5
              failure_ratio: 0.5
              minimum_requests: 20
              window: "10s"
              open_for: "5s"
              open_for_max: "1m"
              half_open_probes: 1
              close_after: 2
            retry:
              max_attempts: 3
              base_delay: "100ms"
              max_delay: "2s"
              budget_ratio: 0.2
              budget_min_per_second: 1
            bulkhead:
              max_concurrent: 32
              max_queue: 64
              queue_timeout: "100ms"
            timeouts:
              catalog:
                connect: null
                first_byte: null
                total: null
              search:
                connect: null
                first_byte: null
                total: null
              playlists:
                connect: null
                first_byte: null
                total: null
              library:
                connect: null
                first_byte: null
                total: null
              player:
                connect: null
                first_byte: null
                total: null
              accounts:
                connect: null
                first_byte: null
                total: null
              other:
                connect: null
                first_byte: null
                total: null
            tracing:
              enabled: false
              endpoint: "http://localhost:4318/v1/traces"
              protocol: "http/protobuf"
              headers:
              service_name: "sidetrack"
              resource_attributes:
              sample_ratio: 1.0
              max_queue_size: 2048
              export_timeout: "10s"
              traceresponse: false
            log:
              level: "info"
              access: true
            build:
              version: "dev"
              commit: "unknown"

            """)
    }

    @Test func jsonIsValidAndMatchesTheModel() throws {
        var configuration = try configured()
        configuration.cache.storage = .memoryOnly
        configuration.build = BuildInfo(version: "1.2.3", commit: "abc\"def")
        let object = try JSONSerialization.jsonObject(with: Data(configuration.redactedJSON().utf8)) as? [String: Any]
        let admin = object?["admin"] as? [String: Any]
        let upstream = object?["upstream"] as? [String: Any]
        let cache = object?["cache"] as? [String: Any]
        let build = object?["build"] as? [String: Any]
        #expect(admin?["token"] as? String == "<redacted>")
        #expect(upstream?["max_connections_per_host"] as? Int == 64)
        #expect(cache?["path"] as? String == "none")
        #expect(build?["commit"] as? String == "abc\"def")
        #expect(object?["public_base_url"] is NSNull)
    }

    /// Without secrets and the build section, the YAML output loads back to the same configuration.
    @Test func yamlRoundTrips() throws {
        let original = try ConfigurationLoader.load(yaml: """
            listen: "[::1]:0"
            public_base_url: http://gw.local:8080
            upstream:
              connect_timeout: 1500ms
              idle_timeout: 90
            cache:
              path: none
            log:
              access: false
            """)
        let text = original.redactedYAML()
        let withoutBuild = String(text[..<(text.range(of: "build:")?.lowerBound ?? text.endIndex)])
        #expect(try ConfigurationLoader.load(yaml: withoutBuild) == original)
    }
}
