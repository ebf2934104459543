/// Why the disk tier could not be opened (thrown by `DiskCacheStore.init` and `CacheSecret`), or why it
/// stopped working at run time (reported as `DiskCacheStatistics.degradedReason`).
///
/// Shaped like `GatewayError`: a struct over a private code, so causes can be added without breaking
/// callers; `code` is bounded and safe as a metric label or a `/health` detail, `message` is for people
/// and names the path (a path is configuration, not a secret).
public struct DiskCacheError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case pathIsDirectory = "path_is_directory"
        case unusableLocation = "unusable_location"
        case unwritableDirectory = "unwritable_directory"
        case openFailed = "open_failed"
        case corruptUnrecoverable = "corrupt_unrecoverable"
        case fileMissing = "file_missing"
        case fileReplaced = "file_replaced"
        case diskFull = "disk_full"
        case writeFailed = "write_failed"
        case readFailed = "read_failed"
        case secretUnusable = "secret_unusable"
    }

    private let _code: Code
    /// The file the error is about.
    public let path: String
    /// A human-readable explanation naming `path`. May include the operating system's or SQLite's reason.
    public let message: String

    private init(_ code: Code, path: String, _ message: String) {
        self._code = code
        self.path = path
        self.message = message
    }

    /// A bounded, stable string (`unusable_location`, `disk_full`, …).
    public var code: String { _code.rawValue }

    public var description: String { "\(code): \(message)" }

    static func pathIsDirectory(_ path: String) -> Self {
        .init(.pathIsDirectory, path: path, "cache path \(path) is a directory, not a database file")
    }

    static func unusableLocation(_ path: String, reason: String) -> Self {
        .init(.unusableLocation, path: path, "cannot create the directory for cache file \(path): \(reason)")
    }

    static func unwritableDirectory(_ path: String, directory: String) -> Self {
        .init(.unwritableDirectory, path: path, "directory \(directory) of cache file \(path) is not writable")
    }

    static func openFailed(_ path: String, reason: String) -> Self {
        .init(.openFailed, path: path, "cannot open cache database \(path): \(reason)")
    }

    static func corruptUnrecoverable(_ path: String, reason: String) -> Self {
        .init(.corruptUnrecoverable, path: path, "cache database \(path) is corrupt and could not be replaced: \(reason)")
    }

    static func fileMissing(_ path: String) -> Self {
        .init(.fileMissing, path: path, "cache database \(path) was removed while open; writes would be lost")
    }

    static func fileReplaced(_ path: String) -> Self {
        .init(.fileReplaced, path: path, "cache database \(path) was replaced by another file while open")
    }

    static func diskFull(_ path: String, reason: String) -> Self {
        .init(.diskFull, path: path, "cache database \(path) is full: \(reason)")
    }

    static func writeFailed(_ path: String, reason: String) -> Self {
        .init(.writeFailed, path: path, "writing cache database \(path) failed: \(reason)")
    }

    static func readFailed(_ path: String, reason: String) -> Self {
        .init(.readFailed, path: path, "reading cache database \(path) failed: \(reason)")
    }

    static func secretUnusable(_ path: String, reason: String) -> Self {
        .init(.secretUnusable, path: path, "cannot read or create cache secret \(path): \(reason)")
    }
}
