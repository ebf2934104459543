/// Every issue found while loading the configuration — all of them, so one run shows the user
/// everything to fix. The CLI prints `description` and exits 1.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Never empty when thrown; in file order, then environment (by name), then flags.
    public var issues: [ConfigurationIssue]

    public init(issues: [ConfigurationIssue]) {
        self.issues = issues
    }

    /// One `config error: …` line per issue.
    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
