import SidetrackCore

/// What `ResponseCache` needs of the persistent tier. The SQLite implementation lives in
/// `SidetrackDiskCache`; this seam keeps NIO types out of it and lets tests run memory-only.
protocol DiskTier: Sendable {
    /// Synchronous point read; nil when absent, unusable, or the tier is degraded.
    func get(_ key: String) -> CachedResponse?
    /// Queued; never blocks on the disk.
    func put(_ entry: CachedResponse)
    func remove(key: String)
    func removeEntries(route: String)
    /// `scope`: `.none` = any scope; `.some(x)` = only entries of identity `x` (`x` nil = shared).
    func removeEntries(pathPrefix: String, scope: String??)
    var statistics: DiskTierStatistics { get }
}

struct DiskTierStatistics: Sendable {
    var entries = 0
    var bytes = 0
    var expiredEvictions = 0
    var capacityEvictions = 0
    var isDegraded = false
}
