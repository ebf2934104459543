/// A point-in-time view of the disk tier for `/cache/stats`, metrics and `/health`.
///
/// `entries` and `bytes` are what the database held after the last committed batch (kept by SQL
/// triggers, so they are exact and survive restarts); the counters count since this process opened
/// the store.
public struct DiskCacheStatistics: Sendable, Equatable {
    public struct Evictions: Sendable, Equatable {
        /// Entries deleted because they were past `usableUntilMillis`.
        public var expired: Int = 0
        /// Entries deleted, least recently stored first, because the file was over its byte bound.
        public var capacity: Int = 0
    }

    public var entries: Int = 0
    /// Body plus header bytes of all entries on disk.
    public var bytes: Int = 0
    /// Operations queued and not yet committed.
    public var pendingOperations: Int = 0
    public var evictions = Evictions()
    /// Puts refused because the queue was over its byte bound (the writer fell behind or is not running).
    public var droppedPuts: Int = 0
    public var writeErrors: Int = 0
    public var readErrors: Int = 0
    public var isDegraded: Bool = false
    /// The bounded code of the failure that degraded the tier (`disk_full`, `file_missing`, …).
    public var degradedReason: String?
}
