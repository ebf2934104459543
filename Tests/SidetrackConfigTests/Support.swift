import Foundation
@testable import SidetrackConfig

/// The issues a load produced, or `[]` if it succeeded.
func issues(
    yaml: String = "", environment: [String: String] = [:], overrides: ConfigurationOverrides = .init()
) -> [ConfigurationIssue] {
    do {
        _ = try ConfigurationLoader.load(yaml: yaml, environment: environment, overrides: overrides)
        return []
    } catch {
        return error.issues
    }
}

/// A file in a fresh temporary directory, removed by `cleanUp()`.
struct TemporaryFile {
    let directory: URL
    let path: String

    init(named name: String = "sidetrack.yaml", contents: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sidetrack-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent(name).path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: directory)
    }
}
