import Foundation
import Logging
import SidetrackCore
import SidetrackDiskCache

/// Opens the persistent tier at start-up, and decides what happens when it cannot be opened:
/// Sidetrack then runs memory-only, logs one error naming the path and the cause, and reports the
/// cache `degraded` in `/health` and `sidetrack_cache_disk_degraded` — it never refuses to serve
/// because a cache file is bad.
struct DiskTierOpening {
    /// nil when the tier is off or could not be opened.
    let tier: SQLiteDiskTier?
    /// The batch writer to run as a `Service` beside the listeners.
    let writer: DiskCacheWriter?
    /// The key of token identities: kept beside the cache so per-token entries survive restarts.
    let identifier: ClientIdentifier
    /// Why the configured tier is unavailable (`DiskCacheError.code`), if it is.
    let failure: String?

    static func open(settings: GatewaySettings, logger: Logger) -> DiskTierOpening {
        guard settings.cacheEnabled, let path = settings.cachePath else {
            return DiskTierOpening(tier: nil, writer: nil, identifier: .random(), failure: nil)
        }
        do {
            let secret = try CacheSecret.loadOrCreate(besideCache: path, logger: logger)
            // A database left world-readable by an older run or another tool: cached user answers
            // are owner-only (SQLite gives the WAL and shm files the database's mode).
            for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
                try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
            }
            let store = try DiskCacheStore(
                path: path, maxBytes: settings.cacheDiskBytes, now: settings.cacheClock, logger: logger)
            logger.info("cache.disk.opened", metadata: ["cache.path": "\(path)"])
            return DiskTierOpening(
                tier: SQLiteDiskTier(store: store, policy: settings.cachePolicy), writer: DiskCacheWriter(store: store),
                identifier: ClientIdentifier(key: secret), failure: nil)
        } catch {
            logger.error(
                "cache.disk.unavailable",
                metadata: ["cache.path": "\(path)", "error.code": "\(error.code)", "error.message": "\(error.message)"])
            return DiskTierOpening(tier: nil, writer: nil, identifier: .random(), failure: error.code)
        }
    }
}
