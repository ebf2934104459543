import Testing
@testable import SidetrackConfig

/// `cache.route_ttl`: per-route TTL overrides from the file (a mapping) and the environment (pairs).
@Suite struct RouteTTLTests {
    @Test func mappingInTheFileSetsOverrides() throws {
        let configuration = try ConfigurationLoader.load(yaml: """
            cache:
              route_ttl:
                /v1/tracks/{id}: 1h
                "/v1/search": 0s
            """)
        #expect(configuration.cache.routeTTL["/v1/tracks/{id}"] == .seconds(3600))
        #expect(configuration.cache.routeTTL["/v1/search"] == .zero)
        #expect(configuration.cache.routeTTL["/v1/albums/{id}"] == nil)
    }

    @Test func environmentPairsOverrideTheFile() throws {
        let configuration = try ConfigurationLoader.load(
            yaml: "cache:\n  route_ttl:\n    /v1/tracks/{id}: 1h\n",
            environment: [EnvironmentVariables.cacheRouteTTL: " /v1/albums/{id} = 90s , /v1/me = 5m"])
        // A layer replaces the whole map, as it does any other value.
        #expect(configuration.cache.routeTTL.values == ["/v1/albums/{id}": .seconds(90), "/v1/me": .seconds(300)])
    }

    @Test func emptyOrNullMeansNoOverrides() throws {
        #expect(try ConfigurationLoader.load(yaml: "cache:\n  route_ttl:\n").cache.routeTTL.values.isEmpty)
        #expect(try ConfigurationLoader.load(yaml: "", environment: [EnvironmentVariables.cacheRouteTTL: ""])
            .cache.routeTTL.values.isEmpty)
    }

    @Test func badEntriesInAMappingAreOneIssueNamingTheKey() {
        let found = issues(yaml: """
            cache:
              route_ttl:
                /v1/tracks/{id}: 1h
                /v1/me/player/play: 1h
            """)
        #expect(found.map(\.key) == ["cache.route_ttl"])
        #expect(found.first?.value == "/v1/tracks/{id}=1h,/v1/me/player/play=1h")
        #expect(found.first?.allowed.contains("cacheable GET route") == true)
        #expect(issues(yaml: "cache:\n  route_ttl:\n    /v1/tracks/{id}:\n      nested: 1h\n").map(\.key) == ["cache.route_ttl"])
        #expect(issues(yaml: "cache:\n  route_ttl:\n    \"/v1/tracks/{id}=x\": 1h\n").map(\.key) == ["cache.route_ttl"])
    }

    @Test func effectiveConfigurationShowsOverridesAndLoadsBack() throws {
        var configuration = SidetrackConfiguration()
        configuration.cache.routeTTL = RouteTTLOverrides(["/v1/tracks/{id}": .seconds(42), "/v1/search": .zero])
        let yaml = configuration.redactedYAML()
        #expect(yaml.contains("  route_ttl:\n    \"/v1/search\": \"0s\"\n    \"/v1/tracks/{id}\": \"42s\"\n"))
        // `build` describes the binary and cannot be loaded back; everything before it can.
        let buildSection = try #require(yaml.firstRange(of: "\nbuild:"))
        let reloaded = try ConfigurationLoader.load(yaml: String(yaml[..<buildSection.lowerBound]))
        #expect(reloaded.cache.routeTTL == configuration.cache.routeTTL)
    }
}
