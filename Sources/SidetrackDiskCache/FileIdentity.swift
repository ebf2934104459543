#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Device and inode of a file, to notice the database being deleted or replaced while open.
///
/// SQLite keeps writing happily to an unlinked file on POSIX systems, so without this check a removed
/// cache directory would silently swallow every write (and hold disk space) until restart.
struct FileIdentity: Sendable, Equatable {
    let device: UInt64
    let inode: UInt64

    /// `nil` when nothing is at `path` (or it cannot be examined).
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.device = UInt64(info.st_dev)
        self.inode = UInt64(info.st_ino)
    }
}
