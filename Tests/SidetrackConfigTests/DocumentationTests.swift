import Foundation
import Testing
@testable import SidetrackConfig

/// `docs/configuration.md` must mention every key, variable and flag the loader accepts.
@Suite struct DocumentationTests {
    static let documentation: String? = {
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try? String(contentsOf: repository.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
    }()

    @Test func everyKeyVariableAndFlagIsDocumented() throws {
        let text = try #require(Self.documentation)
        for key in ConfigurationKey.all {
            #expect(text.contains("`\(key.path)`"), "\(key.path) is not documented")
            #expect(text.contains("`\(key.environmentVariable)`"), "\(key.environmentVariable) is not documented")
            if let flag = key.flag {
                #expect(text.contains("`\(flag)`"), "\(flag) is not documented")
            }
        }
        #expect(text.contains("`\(EnvironmentVariables.configFile)`"))
        #expect(text.contains("`\(ConfigurationOverrides.Flags.configFile)`"))
    }

    /// The example file in the documentation loads without issues.
    @Test func exampleFileIsValid() throws {
        let text = try #require(Self.documentation)
        let start = try #require(text.range(of: "```yaml\n"))
        let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        let example = String(text[start.upperBound..<end.lowerBound])
        let configuration = try ConfigurationLoader.load(yaml: example)
        #expect(configuration.listen == HostPort(host: "0.0.0.0", port: 8080))
        #expect(configuration.cache.storage == .file(path: "/var/lib/sidetrack/cache.sqlite"))
    }
}
