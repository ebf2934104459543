/// What binary is running. Not read from configuration: the executable sets it (from its
/// build) before serving, and the effective configuration shows it.
public struct BuildInfo: Sendable, Equatable {
    public var version: String
    public var commit: String

    public init(version: String = "dev", commit: String = "unknown") {
        self.version = version
        self.commit = commit
    }
}
