import Foundation
import Testing
@testable import SidetrackConfig

@Suite struct LayeringTests {
    @Test func fileOverridesDefaults() throws {
        let configuration = try ConfigurationLoader.load(yaml: """
            listen: 0.0.0.0:8000
            public_base_url: https://gw.example.com
            admin:
              listen: "[::1]:9902"
              token: abcdefghijklmnop0123
            upstream:
              api: http://127.0.0.1:9000
              accounts: http://127.0.0.1:9001/
              connect_timeout: 250ms
              request_timeout: 1.5
              idle_timeout: 2m
              max_connections_per_host: 8
            limits:
              max_header_bytes: 2048
              max_body_bytes: 0
            drain_timeout: 5m
            cache:
              path: none
            log:
              level: debug
              access: false
            """)
        #expect(configuration.listen == HostPort(host: "0.0.0.0", port: 8000))
        #expect(configuration.publicBaseURL?.origin == "https://gw.example.com")
        #expect(configuration.admin.listen == HostPort(host: "::1", port: 9902))
        #expect(configuration.admin.token?.value == "abcdefghijklmnop0123")
        #expect(configuration.upstream.api == OriginURL(scheme: .http, host: "127.0.0.1", port: 9000))
        #expect(configuration.upstream.accounts.origin == "http://127.0.0.1:9001")
        #expect(configuration.upstream.connectTimeout == .milliseconds(250))
        #expect(configuration.upstream.requestTimeout == .milliseconds(1_500))
        #expect(configuration.upstream.idleTimeout == .seconds(120))
        #expect(configuration.upstream.maxConnectionsPerHost == 8)
        #expect(configuration.limits == .init(maxHeaderBytes: 2_048, maxBodyBytes: 0))
        #expect(configuration.drainTimeout == .seconds(300))
        #expect(configuration.cache.storage == .memoryOnly)
        #expect(configuration.log == .init(level: .debug, access: false))
    }

    @Test func environmentOverridesFileAndFlagsOverrideEnvironment() throws {
        let yaml = "listen: 127.0.0.1:1000\nadmin:\n  listen: 127.0.0.1:2000\nlog:\n  level: error\n"
        let environment = [
            EnvironmentVariables.listen: "127.0.0.1:1001",
            EnvironmentVariables.adminListen: "127.0.0.1:2001",
            EnvironmentVariables.logAccess: "false",
        ]
        let fileAndEnvironment = try ConfigurationLoader.load(yaml: yaml, environment: environment)
        #expect(fileAndEnvironment.listen.port == 1001)
        #expect(fileAndEnvironment.admin.listen.port == 2001)
        #expect(fileAndEnvironment.log.level == .error) // only in the file
        #expect(fileAndEnvironment.log.access == false) // only in the environment

        let all = try ConfigurationLoader.load(
            yaml: yaml, environment: environment, overrides: .init(listen: "127.0.0.1:1002", logLevel: "trace")
        )
        #expect(all.listen.port == 1002)
        #expect(all.admin.listen.port == 2001)
        #expect(all.log.level == .trace)
    }

    /// Each flag beats the same key from the environment, which beats the file.
    @Test(arguments: [
        ("upstream:\n  api: http://file.test\n", EnvironmentVariables.upstream, ConfigurationOverrides(upstream: "http://flag.test")),
        ("upstream:\n  accounts: http://file.test\n", EnvironmentVariables.accountsUpstream,
         ConfigurationOverrides(accountsUpstream: "http://flag.test")),
        ("cache:\n  path: /file.test\n", EnvironmentVariables.cachePath, ConfigurationOverrides(cachePath: "/flag.test")),
    ])
    func everyFlagWins(yaml: String, variable: String, flags: ConfigurationOverrides) throws {
        let value: (SidetrackConfiguration) -> String = { configuration in
            if flags.upstream != nil { return configuration.upstream.api.host }
            if flags.accountsUpstream != nil { return configuration.upstream.accounts.host }
            return configuration.cache.storage.description.replacingOccurrences(of: "/", with: "")
        }
        let environmentValue = flags.cachePath != nil ? "/env.test" : "http://env.test"
        #expect(value(try ConfigurationLoader.load(yaml: yaml)) == "file.test")
        #expect(value(try ConfigurationLoader.load(yaml: yaml, environment: [variable: environmentValue])) == "env.test")
        #expect(value(try ConfigurationLoader.load(yaml: yaml, environment: [variable: environmentValue], overrides: flags))
            == "flag.test")
    }

    @Test func emptyEnvironmentValueClearsANullableKeyFromTheFile() throws {
        let yaml = "admin:\n  token: abcdefghijklmnop0123\npublic_base_url: https://gw.example\n"
        let configuration = try ConfigurationLoader.load(
            yaml: yaml,
            environment: [EnvironmentVariables.adminToken: "", EnvironmentVariables.publicBaseURL: ""]
        )
        #expect(configuration.admin.token == nil)
        #expect(configuration.publicBaseURL == nil)
    }

    @Test func configFileComesFromTheFlagOrTheEnvironment() throws {
        let fromFlag = try TemporaryFile(contents: "listen: 127.0.0.1:3001\n")
        let fromEnvironment = try TemporaryFile(contents: "listen: 127.0.0.1:3002\n")
        defer { fromFlag.cleanUp(); fromEnvironment.cleanUp() }

        let viaEnvironment = try ConfigurationLoader.load(
            overrides: .init(), environment: [EnvironmentVariables.configFile: fromEnvironment.path]
        )
        #expect(viaEnvironment.listen.port == 3002)
        let viaFlag = try ConfigurationLoader.load(
            overrides: .init(configFile: fromFlag.path), environment: [EnvironmentVariables.configFile: fromEnvironment.path]
        )
        #expect(viaFlag.listen.port == 3001)
    }

    @Test func valuesOverriddenByAHigherLayerAreStillValidated() {
        let found = issues(yaml: "listen: nonsense\n", overrides: .init(listen: "127.0.0.1:1"))
        #expect(found.map(\.key) == ["listen"])
    }
}
