import Foundation
import Logging
import Synchronization
@testable import SidetrackDiskCache

#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory per test, removed when the test is done.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("sidetrack-disk-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        // Tests may have made it read-only; restore so it can be removed.
        chmod(path, 0o755)
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Names in the directory, sorted.
    func contents() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}

/// Injected wall clock, in Unix milliseconds.
final class ManualClock: Sendable {
    private let millis: Mutex<Int64>

    init(_ start: Int64 = 1_700_000_000_000) { millis = Mutex(start) }

    var now: Int64 { millis.withLock { $0 } }
    func advance(by delta: Int64) { millis.withLock { $0 += delta } }
    var function: @Sendable () -> Int64 { { [self] in now } }
}

/// Keeps log records so tests can check what was logged, and how often.
final class LogRecorder: Sendable {
    struct Record: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: [String: String]
    }

    private let records = Mutex<[Record]>([])

    var all: [Record] { records.withLock { $0 } }
    func messages(at level: Logger.Level) -> [Record] { all.filter { $0.level == level } }

    var logger: Logger {
        var logger = Logger(label: "test") { _ in Handler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ record: Record) { records.withLock { $0.append(record) } }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            recorder.append(.init(
                level: event.level,
                message: event.message.description,
                metadata: merged.mapValues { "\($0)" }
            ))
        }
    }
}

/// A store plus everything a test needs around it.
struct Fixture {
    let directory: TemporaryDirectory
    let clock: ManualClock
    let log: LogRecorder
    var path: String { directory.file("cache.sqlite") }

    init() throws {
        directory = try TemporaryDirectory()
        clock = ManualClock()
        log = LogRecorder()
    }

    func open(
        maxBytes: Int = 1 << 20,
        path: String? = nil,
        options: DiskCacheStore.Options = DiskCacheStore.Options()
    ) throws -> DiskCacheStore {
        try DiskCacheStore(
            path: path ?? self.path,
            maxBytes: maxBytes,
            now: clock.function,
            logger: log.logger,
            options: options
        )
    }

    /// An entry stored now, fresh for a minute and usable for an hour unless said otherwise.
    func entry(
        _ key: String,
        route: String = "/v1/tracks/{id}",
        path: String? = nil,
        scope: String? = nil,
        bodyBytes: Int = 10,
        storedAt: Int64? = nil,
        usableFor: Int64 = 3_600_000
    ) -> PersistedEntry {
        let stored = storedAt ?? clock.now
        return PersistedEntry(
            key: key,
            route: route,
            path: path ?? "/v1/tracks/\(key)",
            scope: scope,
            status: 200,
            headers: Array("content-type: application/json".utf8),
            body: [UInt8](repeating: UInt8(truncatingIfNeeded: key.hashValue), count: bodyBytes),
            etag: "\"\(key)\"",
            storedAtMillis: stored,
            freshUntilMillis: stored + 60_000,
            usableUntilMillis: stored + usableFor
        )
    }
}

var isRoot: Bool { geteuid() == 0 }

/// Bounded polling for tests that involve the real background writer (never an unbounded wait).
/// Generous: on a machine loaded by parallel builds a commit's fsync has taken over 10 s.
func eventually(timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while clock.now < deadline {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
