import Foundation

/// Locates files of the repository and the shared data beside it, from this source file's path.
enum RepositoryFiles {
    /// `/…/main`, found from `Tests/SidetrackCoreTests/Routes/RepositoryFiles.swift`.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Routes
        .deletingLastPathComponent()  // SidetrackCoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// `../shared/spotify/routes.tsv` relative to the repository root.
    static let routesTSV: URL = root
        .deletingLastPathComponent()
        .appendingPathComponent("shared/spotify/routes.tsv")

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// The data rows of `routes.tsv` as dictionaries keyed by header name.
    static func routesTSVRows() throws -> [[String: String]] {
        guard let text = try? String(contentsOf: routesTSV, encoding: .utf8) else {
            throw Missing(description: "cannot read \(routesTSV.path): the route table is checked against it; "
                + "it must sit at ../shared/spotify/routes.tsv next to the repository")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) else {
            throw Missing(description: "\(routesTSV.path) is empty")
        }
        return lines.dropFirst().map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }
}
