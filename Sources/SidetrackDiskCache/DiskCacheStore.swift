import GRDB
import Logging
import Synchronization

/// The persistent SQLite cache tier: survives restarts (warm start), bounded by bytes, written in
/// batches off the request path.
///
/// Threading: every method is safe to call from any thread. `get` and `warmEntries` read the database
/// synchronously (GRDB `DatabasePool`, concurrent WAL readers) and so block their caller — call them from
/// a thread pool, never an event loop. `put` and the removals only touch an in-memory queue under a
/// `Mutex` and never block on disk. Queued operations reach the file when `DiskCacheWriter` (a `Service`)
/// drains them, or when `flush()` is awaited.
///
/// Reads see queued writes: a queued put is returned before it is written, and a queued removal hides
/// the rows it will delete, so an invalidation is effective the moment it is queued.
///
/// When the file fails at run time (disk full, file deleted or replaced, I/O error) the store becomes
/// *degraded*: it logs one error, drops its queue, and from then on `get` returns `nil` and writes are
/// ignored, so the gateway carries on from memory. It does not try to recover; a restart does.
public final class DiskCacheStore: Sendable {
    /// Tuning with defaults that suit the gateway; tests shrink them.
    public struct Options: Sendable {
        /// Queued operations that wake the writer before its interval elapses.
        public var batchSize = 256
        /// Body and header bytes the queue may hold; puts beyond it are dropped (counted in
        /// `droppedPuts`) so a stalled disk cannot grow memory without bound.
        public var maxQueuedBytes = 32 << 20
        /// How often an otherwise idle writer deletes expired entries. Every batch also does it.
        public var expirySweepIntervalMillis: Int64 = 60_000

        public init() {}
    }

    struct State: Sendable {
        var pending = PendingWrites()
        var statistics = DiskCacheStatistics()
        var lastSweepMillis: Int64
    }

    /// The database file.
    public let path: String
    /// Byte bound on body plus header bytes; the writer evicts down to 90 % of it when exceeded.
    public let maxBytes: Int
    let options: Options
    /// Internal so tests can reach the connection (e.g. to make SQLite report a full disk).
    let pool: DatabasePool
    let doorbell = Doorbell()
    let identity: FileIdentity
    let now: @Sendable () -> Int64
    let logger: Logger
    let state: Mutex<State>

    /// Opens or creates the database at `path` (creating parent directories), in WAL mode, migrating the
    /// schema. A file that is not a database or fails `PRAGMA quick_check` is moved aside to
    /// `<path>.corrupt-<unix-ms>` (logged at error) and replaced by a fresh one.
    ///
    /// - Parameters:
    ///   - now: Unix epoch milliseconds; injectable for tests. Stored times are compared against it.
    /// - Throws: `DiskCacheError` when the location is unusable; run memory-only then.
    public init(
        path: String,
        maxBytes: Int,
        now: @escaping @Sendable () -> Int64,
        logger: Logger,
        options: Options = Options()
    ) throws(DiskCacheError) {
        let nowMillis = now()
        let opened = try DatabaseOpener.open(path: path, nowMillis: nowMillis, logger: logger)
        self.path = path
        self.maxBytes = max(0, maxBytes)
        self.options = options
        self.pool = opened.pool
        self.identity = opened.identity
        self.now = now
        self.logger = logger
        var initial = State(lastSweepMillis: nowMillis)
        do {
            let totals = try opened.pool.read(BatchApplier.totals)
            initial.statistics.entries = totals.entries
            initial.statistics.bytes = totals.bytes
        } catch {
            throw .openFailed(path, reason: DatabaseOpener.reason(of: error))
        }
        self.state = Mutex(initial)
        logger.debug(
            "cache.disk.opened",
            metadata: ["cache.disk.path": "\(path)", "cache.disk.entries": "\(initial.statistics.entries)"]
        )
    }

    // MARK: Reading

    /// The entry for `key`, or `nil` when absent, past `usableUntilMillis`, purged, or the tier is degraded.
    /// Blocks on a disk read unless the answer is in the queue.
    public func get(_ key: String) -> PersistedEntry? {
        let nowMillis = now()
        let lookup = state.withLock { state -> PendingWrites.Lookup? in
            state.statistics.isDegraded ? nil : state.pending.lookup(key)
        }
        switch lookup {
        case .none:
            return nil
        case .queued(let entry):
            return entry.flatMap { $0.isUsable(at: nowMillis) ? $0 : nil }
        case .disk(let removals):
            let stored: PersistedEntry?
            do {
                stored = try pool.read { db in try EntryRow.fetch(db, key: key) }
            } catch {
                fail(error, reading: true)
                return nil
            }
            guard let stored, stored.isUsable(at: nowMillis),
                !removals.contains(where: { $0.matches(stored) })
            else { return nil }
            return stored
        }
    }

    /// Entries to preload into memory at start-up: still usable, most recently stored first, their body
    /// and header bytes adding up to at most `maxBytes`. An entry too big for what is left of the budget
    /// is skipped and smaller older ones still considered. Blocks on a scan of the table.
    public func warmEntries(maxBytes budget: Int) -> [PersistedEntry] {
        guard budget > 0, !isDegraded else { return [] }
        let nowMillis = now()
        let entries: [PersistedEntry]
        do {
            entries = try pool.read { db in
                // First choose by size (index and small columns only), then load just the chosen rows.
                var chosen: [Int64] = []
                var remaining = budget
                let sizes = try Row.fetchCursor(
                    db,
                    sql: "SELECT id, size FROM entry WHERE usable_until > ? ORDER BY stored_at DESC, id DESC",
                    arguments: [nowMillis]
                )
                while remaining > 0, let row = try sizes.next() {
                    let size: Int = row[1]
                    if size <= remaining {
                        chosen.append(row[0])
                        remaining -= size
                    }
                }
                let load = try db.makeStatement(sql: "SELECT \(DiskCacheSchema.entryColumns) FROM entry WHERE id = ?")
                return try chosen.compactMap { id in try Row.fetchOne(load, arguments: [id]).map { try EntryRow.decode($0) } }
            }
        } catch {
            fail(error, reading: true)
            return []
        }
        // Anything with queued changes is left to the queue (normally empty at start-up).
        return state.withLock { state in entries.filter { !state.pending.shadows($0) } }
    }

    public var statistics: DiskCacheStatistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.pendingOperations = state.pending.count
            return statistics
        }
    }

    public var isDegraded: Bool {
        state.withLock { $0.statistics.isDegraded }
    }
}
