import Testing
@testable import SidetrackConfig

@Suite struct DefaultsTests {
    @Test func noInputGivesTheDocumentedDefaults() throws {
        let configuration = try ConfigurationLoader.load(overrides: .init(), environment: [:])
        #expect(configuration == SidetrackConfiguration())
        #expect(configuration.listen == HostPort(host: "127.0.0.1", port: 8080))
        #expect(configuration.publicBaseURL == nil)
        #expect(configuration.admin.listen == HostPort(host: "127.0.0.1", port: 9901))
        #expect(configuration.admin.token == nil)
        #expect(configuration.upstream.api.origin == "https://api.spotify.com")
        #expect(configuration.upstream.accounts.origin == "https://accounts.spotify.com")
        #expect(configuration.upstream.connectTimeout == .seconds(2))
        #expect(configuration.upstream.requestTimeout == .seconds(10))
        #expect(configuration.upstream.idleTimeout == .seconds(60))
        #expect(configuration.upstream.maxConnectionsPerHost == 64)
        #expect(configuration.upstream.caFile == nil)
        #expect(configuration.limits.maxHeaderBytes == 16_384)
        #expect(configuration.limits.maxBodyBytes == 10_485_760)
        #expect(configuration.limits.maxConnections == 10_000)
        #expect(configuration.limits.loadShedding == true)
        #expect(configuration.limits.shedLag == .milliseconds(100))
        #expect(configuration.limits.shedInterval == .milliseconds(500))
        #expect(configuration.drainTimeout == .seconds(25))
        #expect(configuration.cache.storage == .file(path: "./.sidetrack/cache.sqlite"))
        #expect(configuration.log.level == .info)
        #expect(configuration.log.access == true)
    }

    @Test(arguments: ["", "# only a comment\n", "---\n"])
    func emptyFileGivesDefaults(yaml: String) throws {
        #expect(try ConfigurationLoader.load(yaml: yaml) == SidetrackConfiguration())
    }

    @Test func emptySectionsAreAllowed() throws {
        #expect(try ConfigurationLoader.load(yaml: "upstream:\nlimits:\n") == SidetrackConfiguration())
    }

    @Test func unrelatedEnvironmentVariablesAreIgnored() throws {
        let environment = ["PATH": "/usr/bin", "SWIFT_DETERMINISTIC_HASHING": "1", "HOME": "/root"]
        #expect(try ConfigurationLoader.load(overrides: .init(), environment: environment) == SidetrackConfiguration())
    }

    @Test func everyKeyHasAUniqueEnvironmentVariableWithThePrefix() {
        let names = ConfigurationKey.all.map(\.environmentVariable)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.hasPrefix(EnvironmentVariables.prefix) })
        #expect(!names.contains(EnvironmentVariables.configFile))
    }
}
