import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The HMAC secret that turns tokens into identities, kept beside the cache file.
///
/// Keeping it on disk is what lets per-token disk entries be found again after a restart: a new secret
/// means new identities, and the old per-token entries simply become unreachable until they expire.
/// The secret is as sensitive as the tokens it hashes, so a file others could read is never reused.
public enum CacheSecret {
    /// Secret length in bytes (HMAC-SHA256 key size).
    public static let byteCount = 32

    /// The path of the secret for a cache file: `<cachePath>.key`.
    public static func path(besideCache cachePath: String) -> String { "\(cachePath).key" }

    /// Reads `<cachePath>.key`, or creates it (32 random bytes, mode 0600) if missing. A file of the wrong
    /// size, not a regular file, or with any group/other permission bit is replaced with a new secret
    /// (logged at warning with the reason, never the contents).
    ///
    /// Creation is atomic: the bytes are written to a temporary file and linked into place, so a reader
    /// never sees a half-written secret, and if two processes race the loser adopts the winner's secret.
    /// - Throws: `DiskCacheError` (`secret_unusable`) when the file can neither be read nor created.
    public static func loadOrCreate(
        besideCache cachePath: String,
        logger: Logger = Logger(label: "sidetrack.cache")
    ) throws(DiskCacheError) -> [UInt8] {
        let keyPath = path(besideCache: cachePath)
        let directory = (keyPath as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory.isEmpty ? "." : directory,
                withIntermediateDirectories: true
            )
        } catch {
            throw .secretUnusable(keyPath, reason: DatabaseOpener.reason(of: error))
        }
        // Two rounds at most: a create that loses a race re-reads the winner's file.
        for _ in 0..<2 {
            switch inspect(keyPath) {
            case .usable(let secret):
                return secret
            case .missing:
                if let secret = try create(at: keyPath, replacing: false) { return secret }
            case .unsafe(let reason):
                logger.warning(
                    "cache.secret.replaced",
                    metadata: ["cache.secret.path": "\(keyPath)", "cache.secret.reason": "\(reason)"]
                )
                if let secret = try create(at: keyPath, replacing: true) { return secret }
            }
        }
        throw .secretUnusable(keyPath, reason: "the file kept changing while being created")
    }

    /// 32 bytes from the system's cryptographically secure generator (`getrandom` on Linux), for a
    /// memory-only gateway whose identities need not survive a restart.
    public static func random() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    private enum Inspection {
        case usable([UInt8])
        case missing
        case unsafe(String)
    }

    private static func inspect(_ keyPath: String) -> Inspection {
        var info = stat()
        guard lstat(keyPath, &info) == 0 else {
            return errno == ENOENT ? .missing : .unsafe("cannot_stat")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .unsafe("not_a_regular_file") }
        guard (info.st_mode & 0o077) == 0 else { return .unsafe("readable_by_others") }
        guard info.st_size == byteCount else { return .unsafe("wrong_size") }
        let descriptor = open(keyPath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return .unsafe("cannot_open") }
        defer { close(descriptor) }
        var secret = [UInt8](repeating: 0, count: byteCount)
        let count = secret.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, byteCount) }
        return count == byteCount ? .usable(secret) : .unsafe("short_read")
    }

    /// Writes a fresh secret into place. Returns `nil` when another process created the file first.
    private static func create(at keyPath: String, replacing: Bool) throws(DiskCacheError) -> [UInt8]? {
        let secret = random()
        let temporary = "\(keyPath).tmp-\(UUID().uuidString)"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .secretUnusable(keyPath, reason: errorText()) }
        defer { unlink(temporary) }
        // The umask can only remove bits, but be explicit: the mode is the whole point.
        let written = secret.withUnsafeBytes { write(descriptor, $0.baseAddress, byteCount) }
        let synced = fchmod(descriptor, 0o600) == 0 && fsync(descriptor) == 0
        close(descriptor)
        guard written == byteCount, synced else { throw .secretUnusable(keyPath, reason: errorText()) }
        if replacing {
            guard rename(temporary, keyPath) == 0 else { throw .secretUnusable(keyPath, reason: errorText()) }
            return secret
        }
        // `link` fails if the name exists, unlike `rename`: the first creator wins, the other re-reads.
        guard link(temporary, keyPath) == 0 else {
            if errno == EEXIST { return nil }
            throw .secretUnusable(keyPath, reason: errorText())
        }
        return secret
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
