import Testing
@testable import SidetrackConfig

/// The file's structure: unknown keys, wrong types, malformed YAML, unreadable files.
@Suite struct YAMLShapeTests {
    @Test(arguments: [
        ("lisen: 127.0.0.1:1\n", "lisen", "did you mean listen?", "at the top level"),
        ("upstream:\n  conect_timeout: 2s\n", "upstream.conect_timeout", "did you mean connect_timeout?", "under upstream"),
        ("admin:\n  tokn: abcdefghijklmnop0123\n", "admin.tokn", "did you mean token?", "under admin"),
        ("limits:\n  max_bytes: 5\n", "limits.max_bytes", "max_header_bytes, max_body_bytes", "under limits"),
        ("cache:\n  tll: 5m\n", "cache.tll", "path", "under cache"),
        ("log:\n  format: json\n", "log.format", "level, access", "under log"),
        ("telemetry:\n  ratio: 1\n", "telemetry", "listen, public_base_url, admin", "at the top level"),
    ])
    func unknownKeyIsAnIssueListingTheAllowedKeys(yaml: String, key: String, mustMention: String, level: String) {
        let found = issues(yaml: yaml)
        #expect(found.map(\.key) == [key])
        #expect(found.first?.allowed.contains(mustMention) == true, "\(found)")
        #expect(found.first?.allowed.contains(level) == true)
        // The value of an unknown key might be a mistyped secret.
        #expect(found.first?.value == "<redacted>")
    }

    @Test func buildIsNotConfigurable() {
        let found = issues(yaml: "build:\n  version: 9\n")
        #expect(found.map(\.key) == ["build"])
        #expect(found.first?.allowed.contains("not configurable") == true)
    }

    @Test func unknownEnvironmentVariableIsAnIssueButSidetrackConfigIsKnown() {
        let found = issues(environment: [
            "SIDETRACK_LISTN": "127.0.0.1:1", "SIDETRACK_ADMIN_TOKN": "abcdefghijklmnop0123",
            EnvironmentVariables.configFile: "ignored-by-load-yaml",
        ])
        #expect(found.map(\.key) == ["SIDETRACK_ADMIN_TOKN", "SIDETRACK_LISTN"])
        #expect(found[0].allowed.contains("did you mean SIDETRACK_ADMIN_TOKEN?"))
        #expect(found[1].allowed.contains("did you mean SIDETRACK_LISTEN?"))
        #expect(found.allSatisfy { $0.value == "<redacted>" })
        #expect(!ConfigurationError(issues: found).description.contains("abcdefghijklmnop0123"))
    }

    @Test(arguments: [
        ("upstream:\n  connect_timeout: [1, 2]\n", "upstream.connect_timeout", "got a list"),
        ("upstream:\n  connect_timeout:\n    seconds: 2\n", "upstream.connect_timeout", "got a mapping"),
        ("listen:\n  - 127.0.0.1:8080\n", "listen", "got a list"),
        ("upstream: https://api.spotify.com\n", "upstream", "expected a mapping with keys api, accounts"),
        ("log: [info]\n", "log", "expected a mapping with keys level, access"),
    ])
    func wrongTypeIsAnIssueNotACrash(yaml: String, key: String, allowedWords: String) {
        let found = issues(yaml: yaml)
        #expect(found.map(\.key) == [key])
        #expect(found.first?.allowed.contains(allowedWords) == true, "\(found)")
    }

    @Test(arguments: ["- a\n- b\n", "just a string\n"])
    func topLevelMustBeAMapping(yaml: String) {
        let found = issues(yaml: yaml)
        #expect(found.count == 1)
        #expect(found.first?.allowed.contains("expected a mapping of keys at the top level") == true)
    }

    @Test(arguments: [
        ("listen: [unclosed\n", "2:1"),
        ("upstream:\n  api: x\n bad: y\n", "3:"),
        ("listen: a\nlisten: b\n", "duplicated"),
        ("a: *undefined\n", "undefined alias"),
    ])
    func malformedYAMLIsOneIssueWithTheParserMessage(yaml: String, mustMention: String) {
        let found = issues(yaml: yaml)
        #expect(found.count == 1)
        #expect(found.first?.key == "config")
        #expect(found.first?.value == "<inline>")
        #expect(found.first?.allowed.contains(mustMention) == true, "\(found)")
        #expect(!(found.first?.description.contains("\n") ?? true))
    }

    @Test func malformedFileIssueNamesTheFileAndTheLine() throws {
        let file = try TemporaryFile(contents: "listen: 127.0.0.1:8080\nupstream:\n  api: [\n")
        defer { file.cleanUp() }
        do {
            _ = try ConfigurationLoader.load(overrides: .init(configFile: file.path), environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.issues.count == 1)
            #expect(error.issues[0].key == "--config")
            #expect(error.issues[0].value == file.path)
            #expect(error.issues[0].allowed.contains("4:1"), "\(error)")
        }
    }

    @Test func missingFileIsAnIssueAndOtherLayersAreStillChecked() {
        do {
            _ = try ConfigurationLoader.load(
                overrides: .init(logLevel: "loud"),
                environment: [EnvironmentVariables.configFile: "/no/such/sidetrack.yaml"]
            )
            Issue.record("expected an error")
        } catch {
            #expect(error.issues.map(\.key) == [EnvironmentVariables.configFile, "--log-level"])
            #expect(error.issues[0].allowed.contains("no such file"))
        }
    }

    @Test func directoryAsConfigFileIsAnIssue() {
        do {
            _ = try ConfigurationLoader.load(overrides: .init(configFile: "/tmp"), environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.issues.map(\.key) == ["--config"])
            #expect(error.issues[0].allowed.contains("directory"))
        }
    }

    @Test func valuesAreLineNumbered() {
        let found = issues(yaml: "# comment\nlisten: 127.0.0.1:8080\nupstream:\n  idle_timeout: forever\n")
        #expect(found.first?.source == .file(path: "<inline>", line: 4))
    }

    @Test func quotedNullIsTextNotNull() throws {
        // "null" quoted is a (bad) URL, not an unset value.
        #expect(issues(yaml: "public_base_url: \"null\"\n").map(\.key) == ["public_base_url"])
        #expect(try ConfigurationLoader.load(yaml: "public_base_url: null\n").publicBaseURL == nil)
    }

    @Test func anchorsAndAliasesResolveToTheirValues() throws {
        let configuration = try ConfigurationLoader.load(
            yaml: "upstream:\n  connect_timeout: &t 3s\n  request_timeout: *t\n"
        )
        #expect(configuration.upstream.requestTimeout == .seconds(3))
    }
}
