/// Where the persistent cache tier lives.
public enum CacheStorage: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Memory tier only; nothing survives a restart. Written `none` in configuration.
    case memoryOnly
    /// SQLite file at this path (relative paths are relative to the working directory).
    case file(path: String)

    /// The configuration spelling that selects `.memoryOnly`.
    public static let memoryOnlyKeyword = "none"

    public var description: String {
        switch self {
        case .memoryOnly: Self.memoryOnlyKeyword
        case .file(let path): path
        }
    }
}
