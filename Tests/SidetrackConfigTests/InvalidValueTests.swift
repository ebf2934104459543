import Testing
import SidetrackCore
@testable import SidetrackConfig

/// Every key rejects bad values with an issue naming the key, the value and what is allowed.
@Suite struct InvalidValueTests {
    /// (dotted key, environment variable, a bad value, words the `allowed` text must contain)
    static let badValues: [(String, String, String, String)] = [
        ("listen", EnvironmentVariables.listen, "127.0.0.1", "host:port"),
        ("listen", EnvironmentVariables.listen, "127.0.0.1:65536", "0…65535"),
        ("listen", EnvironmentVariables.listen, "::1:8080", "[IPv6]"),
        ("listen", EnvironmentVariables.listen, "256.1.1.1:80", "IPv4"),
        ("public_base_url", EnvironmentVariables.publicBaseURL, "https://gw.example/v1", "without path"),
        ("public_base_url", EnvironmentVariables.publicBaseURL, "gw.example", "http or https"),
        ("admin.listen", EnvironmentVariables.adminListen, "localhost:-1", "host:port"),
        ("admin.token", EnvironmentVariables.adminToken, "short", "at least 16"),
        ("admin.token", EnvironmentVariables.adminToken, "has spaces in the token", "no spaces"),
        ("upstream.api", EnvironmentVariables.upstream, "ftp://api.spotify.com", "http or https"),
        ("upstream.api", EnvironmentVariables.upstream, "https://api.spotify.com/v1", "without path"),
        ("upstream.api", EnvironmentVariables.upstream, "https://api.spotify.com?x=1", "query"),
        ("upstream.api", EnvironmentVariables.upstream, "https://api.spotify.com:0", "port"),
        ("upstream.accounts", EnvironmentVariables.accountsUpstream, "https://", "host"),
        ("upstream.connect_timeout", EnvironmentVariables.upstreamConnectTimeout, "fast", "duration"),
        ("upstream.connect_timeout", EnvironmentVariables.upstreamConnectTimeout, "0", "greater than 0"),
        ("upstream.connect_timeout", EnvironmentVariables.upstreamConnectTimeout, "11m", "at most 10m"),
        ("upstream.request_timeout", EnvironmentVariables.upstreamRequestTimeout, "-1s", "duration"),
        ("upstream.idle_timeout", EnvironmentVariables.upstreamIdleTimeout, "2h", "at most 1h"),
        ("upstream.max_connections_per_host", EnvironmentVariables.upstreamMaxConnectionsPerHost, "0", "1 to 1024"),
        ("upstream.max_connections_per_host", EnvironmentVariables.upstreamMaxConnectionsPerHost, "8.5", "whole number"),
        ("upstream.ca_file", EnvironmentVariables.upstreamCAFile, "/no/such/ca.pem", "existing, readable file"),
        ("upstream.ca_file", EnvironmentVariables.upstreamCAFile, "/tmp", "existing, readable file"),
        ("limits.max_header_bytes", EnvironmentVariables.limitsMaxHeaderBytes, "1023", "1024 to 1048576"),
        ("limits.max_header_bytes", EnvironmentVariables.limitsMaxHeaderBytes, "16k", "whole number"),
        ("limits.max_body_bytes", EnvironmentVariables.limitsMaxBodyBytes, "1073741825", "0 to 1073741824"),
        ("limits.max_body_bytes", EnvironmentVariables.limitsMaxBodyBytes, "-1", "whole number"),
        ("limits.max_connections", EnvironmentVariables.limitsMaxConnections, "0", "1 to 1000000"),
        ("limits.load_shedding", EnvironmentVariables.limitsLoadShedding, "off", "true or false"),
        ("limits.shed_lag", EnvironmentVariables.limitsShedLag, "0s", "greater than 0"),
        ("limits.shed_interval", EnvironmentVariables.limitsShedInterval, "2m", "at most 1m"),
        ("drain_timeout", EnvironmentVariables.drainTimeout, "25 s", "duration"),
        ("cache.path", EnvironmentVariables.cachePath, "", "file path"),
        ("cache.route_ttl", EnvironmentVariables.cacheRouteTTL, "/v1/me/player/play=1h", "cacheable GET route"),
        ("cache.route_ttl", EnvironmentVariables.cacheRouteTTL, "/v1/trakcs/{id}=1h", "route table"),
        ("cache.route_ttl", EnvironmentVariables.cacheRouteTTL, "/v1/tracks/{id}=721h", "0s (do not cache) to 30d"),
        ("cache.route_ttl", EnvironmentVariables.cacheRouteTTL, "/v1/tracks/{id}", "TEMPLATE=DURATION"),
        ("cache.route_ttl", EnvironmentVariables.cacheRouteTTL, "/v1/tracks/{id}=1h,/v1/tracks/{id}=2h", "named once"),
        ("rate_limit.client.per_second", EnvironmentVariables.named("rate_limit.client.per_second"), "-1", "whole number"),
        ("rate_limit.upstream.max_wait", EnvironmentVariables.named("rate_limit.upstream.max_wait"), "5s", "at most 2s"),
        ("breaker.failure_ratio", EnvironmentVariables.named("breaker.failure_ratio"), "1.5", "decimal from 0 to 1"),
        ("breaker.failure_ratio", EnvironmentVariables.named("breaker.failure_ratio"), "50%", "decimal from 0 to 1"),
        ("retry.max_attempts", EnvironmentVariables.named("retry.max_attempts"), "0", "1 to 10"),
        ("bulkhead.queue_timeout", EnvironmentVariables.named("bulkhead.queue_timeout"), "forever", "duration"),
        ("log.level", EnvironmentVariables.logLevel, "verbose", "trace, debug, info"),
        ("log.level", EnvironmentVariables.logLevel, "INFO", "one of"),
        ("log.access", EnvironmentVariables.logAccess, "yes", "true or false"),
    ]

    @Test(arguments: badValues)
    func badValueInTheFileIsAnIssue(key: String, variable: String, value: String, allowedWords: String) {
        let components = key.split(separator: ".")
        var yaml = ""
        for (depth, component) in components.enumerated() {
            let indent = String(repeating: "  ", count: depth)
            yaml += depth == components.count - 1 ? "\(indent)\(component): \"\(value)\"\n" : "\(indent)\(component):\n"
        }
        let found = issues(yaml: yaml)
        #expect(found.count == 1)
        #expect(found.first?.key == key)
        #expect(found.first?.source == .file(path: "<inline>", line: components.count))
        #expect(found.first?.allowed.contains(allowedWords) == true, "\(found)")
        if key == "admin.token" {
            #expect(found.first?.value == "<redacted>")
        } else {
            #expect(found.first?.value == value)
        }
    }

    @Test(arguments: badValues)
    func badValueInTheEnvironmentIsAnIssue(key: String, variable: String, value: String, allowedWords: String) {
        let found = issues(environment: [variable: value])
        #expect(found.map(\.key) == [variable])
        #expect(found.first?.source == .environment)
        #expect(found.first?.allowed.contains(allowedWords) == true)
    }

    @Test(arguments: [
        (ConfigurationOverrides(listen: "localhost"), "--listen"),
        (ConfigurationOverrides(adminListen: "[::1]"), "--admin-listen"),
        (ConfigurationOverrides(upstream: "https://api.spotify.com/v1"), "--upstream"),
        (ConfigurationOverrides(accountsUpstream: "ftp://accounts.spotify.com"), "--accounts-upstream"),
        (ConfigurationOverrides(cachePath: ""), "--cache-path"),
        (ConfigurationOverrides(logLevel: "loud"), "--log-level"),
    ])
    func badFlagIsAnIssueNamingTheFlag(flags: ConfigurationOverrides, flag: String) {
        let found = issues(overrides: flags)
        #expect(found.map(\.key) == [flag])
        #expect(found.first?.source == .flag)
    }

    @Test func descriptionIsOneLinePerIssueInTheDocumentedShape() {
        let found = issues(environment: [EnvironmentVariables.upstreamConnectTimeout: "fast"])
        #expect(ConfigurationError(issues: found).description == """
            config error: SIDETRACK_UPSTREAM_CONNECT_TIMEOUT = "fast": expected a duration such as 250ms, 2s, 1m \
            (greater than 0, at most 10m)
            """)
        let fromFile = issues(yaml: "upstream:\n  connect_timeout: fast\n")
        #expect(ConfigurationError(issues: fromFile).description == """
            config error: upstream.connect_timeout = "fast": expected a duration such as 250ms, 2s, 1m \
            (greater than 0, at most 10m) (at <inline>:2)
            """)
    }

    @Test func allIssuesAreReportedTogetherInLayerOrder() {
        let found = issues(
            yaml: "listen: nowhere\nlog:\n  level: loud\n  access: maybe\n",
            environment: [EnvironmentVariables.drainTimeout: "0s", EnvironmentVariables.upstream: "ftp://x"],
            overrides: .init(logLevel: "quiet")
        )
        #expect(found.map(\.key) == [
            "listen", "log.level", "log.access", EnvironmentVariables.drainTimeout, EnvironmentVariables.upstream, "--log-level",
        ])
        let error = ConfigurationError(issues: found)
        #expect(error.description.split(separator: "\n").count == 6)
        #expect(error.description.split(separator: "\n").allSatisfy { $0.hasPrefix("config error: ") })
    }

    @Test func aLowerBoundAboveItsUpperBoundIsAnIssue() {
        let found = issues(yaml: "breaker:\n  open_for: 2m\n  open_for_max: 1m\nretry:\n  base_delay: 3s\n")
        #expect(found.map(\.key) == ["breaker.open_for", "retry.base_delay"])
        #expect(found.first?.allowed.contains("at most breaker.open_for_max (1m)") == true)
    }

    @Test func groupTimeoutsAreOptionalDurations() throws {
        let configuration = try ConfigurationLoader.load(
            yaml: "timeouts:\n  player:\n    total: 3s\n    first_byte: null\n",
            environment: [EnvironmentVariables.named("timeouts.search.first_byte"): "800ms"])
        #expect(configuration.timeouts[.player].total == .seconds(3))
        #expect(configuration.timeouts[.player].firstByte == nil)
        #expect(configuration.timeouts[.search].firstByte == .milliseconds(800))
        #expect(configuration.timeouts[.catalog] == SidetrackConfiguration.GroupTimeouts())
        #expect(issues(yaml: "timeouts:\n  player:\n    total: 0s\n").map(\.key) == ["timeouts.player.total"])
        #expect(issues(yaml: "timeouts:\n  jukebox:\n    total: 1s\n").map(\.key) == ["timeouts.jukebox"])
    }

    @Test func listenersMayNotShareASocket() {
        let found = issues(overrides: .init(listen: "127.0.0.1:9901"))
        #expect(found.map(\.key) == ["--listen"])
        #expect(found.first?.allowed.contains("different from the proxy listener") == true)
        #expect(issues(environment: [EnvironmentVariables.adminListen: "0.0.0.0:8080"]).map(\.key)
            == [EnvironmentVariables.adminListen])
        // Two ephemeral ports never collide.
        #expect(issues(overrides: .init(listen: "127.0.0.1:0", adminListen: "127.0.0.1:0")).isEmpty)
    }

    @Test func caFileThatExistsIsAccepted() throws {
        let bundle = try TemporaryFile(named: "ca.pem", contents: "-----BEGIN CERTIFICATE-----\n")
        defer { bundle.cleanUp() }
        let configuration = try ConfigurationLoader.load(yaml: "upstream:\n  ca_file: \(bundle.path)\n")
        #expect(configuration.upstream.caFile == bundle.path)
    }

    @Test func nullIsRefusedWhereAValueIsRequired() {
        let found = issues(yaml: "listen: null\nlog:\n  access: ~\n")
        #expect(found.map(\.key) == ["listen", "log.access"])
        #expect(found.map(\.value) == ["null", "null"])
    }
}
