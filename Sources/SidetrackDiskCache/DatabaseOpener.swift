import Foundation
import GRDB
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens the cache database: checks the location, recovers from a corrupt file by moving it aside, runs
/// migrations. Everything here happens once, at start-up, and may block.
enum DatabaseOpener {
    struct Opened {
        let pool: DatabasePool
        let identity: FileIdentity
    }

    static func open(path: String, nowMillis: Int64, logger: Logger) throws(DiskCacheError) -> Opened {
        try prepareLocation(path)
        switch Result(catching: { () throws(OpenFailure) in try openChecked(path) }) {
        case .success(let opened):
            return opened
        case .failure(.unusable(let error)):
            throw error
        case .failure(.corrupt(let corruption)):
            let aside = "\(path).corrupt-\(nowMillis)"
            do {
                try moveAside(path, to: aside)
            } catch {
                throw .corruptUnrecoverable(path, reason: reason(of: error))
            }
            logger.error(
                "cache.disk.corrupt_moved_aside",
                metadata: ["cache.disk.path": "\(path)", "cache.disk.moved_to": "\(aside)", "cache.disk.reason": "\(corruption)"]
            )
            // One retry: a fresh file that is corrupt too means the location itself is broken.
            switch Result(catching: { () throws(OpenFailure) in try openChecked(path) }) {
            case .success(let opened):
                return opened
            case .failure(.unusable(let error)):
                throw error
            case .failure(.corrupt(let reason)):
                throw .corruptUnrecoverable(path, reason: reason)
            }
        }
    }

    private enum OpenFailure: Error {
        /// The file is not a database, or fails `quick_check`: recoverable by starting afresh.
        case corrupt(String)
        case unusable(DiskCacheError)
    }

    private static func prepareLocation(_ path: String) throws(DiskCacheError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .pathIsDirectory(path)
        }
        let directory = (path as NSString).deletingLastPathComponent
        let directoryOrCurrent = directory.isEmpty ? "." : directory
        do {
            try FileManager.default.createDirectory(atPath: directoryOrCurrent, withIntermediateDirectories: true)
        } catch {
            throw .unusableLocation(path, reason: reason(of: error))
        }
        // SQLite needs to create `-wal` and `-shm` files beside the database, so the directory itself must
        // be writable, not only the file. (Always true for root, whatever the mode bits say.)
        guard access(directoryOrCurrent, W_OK | X_OK) == 0 else {
            throw .unwritableDirectory(path, directory: directoryOrCurrent)
        }
    }

    private static func openChecked(_ path: String) throws(OpenFailure) -> Opened {
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw classify(error, path: path)
        }
        do {
            let check = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
            guard check == ["ok"] else {
                try? pool.close()
                throw OpenFailure.corrupt("quick_check: \(check.prefix(3).joined(separator: "; "))")
            }
            try DiskCacheSchema.migrator.migrate(pool)
        } catch let failure as OpenFailure {
            throw failure
        } catch {
            try? pool.close()
            throw classify(error, path: path)
        }
        guard let identity = FileIdentity(path: path) else {
            try? pool.close()
            throw .unusable(.openFailed(path, reason: "the file vanished while being opened"))
        }
        return Opened(pool: pool, identity: identity)
    }

    private static var configuration: Configuration {
        var configuration = Configuration()
        configuration.label = "sidetrack.cache.disk"
        configuration.journalMode = .wal
        // Only this process writes; a short wait covers a second store opened on the same file (tests,
        // an overlapping restart) instead of failing at once.
        configuration.busyMode = .timeout(2)
        configuration.prepareDatabase { db in
            // WAL with synchronous=NORMAL never corrupts the file; a power cut may lose the last batches,
            // which for a cache is only a few misses.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return configuration
    }

    private static func classify(_ error: any Error, path: String) -> OpenFailure {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return .corrupt(error.message ?? "\(error.resultCode)")
            default:
                return .unusable(.openFailed(path, reason: error.message ?? "\(error.resultCode)"))
            }
        }
        return .unusable(.openFailed(path, reason: reason(of: error)))
    }

    /// Moves the database aside with its WAL (which belongs to it and must not be replayed into the fresh
    /// file), and removes the shared-memory index, which SQLite rebuilds.
    private static func moveAside(_ path: String, to aside: String) throws {
        let files = FileManager.default
        try files.moveItem(atPath: path, toPath: aside)
        if files.fileExists(atPath: "\(path)-wal") {
            try files.moveItem(atPath: "\(path)-wal", toPath: "\(aside)-wal")
        }
        if files.fileExists(atPath: "\(path)-shm") {
            try files.removeItem(atPath: "\(path)-shm")
        }
    }

    static func reason(of error: any Error) -> String {
        error.localizedDescription
    }
}
