import NIOCore
import NIOHTTP1
import SidetrackCore
import SidetrackDiskCache

/// The persistent tier over `SidetrackDiskCache`'s SQLite store: converts stored answers to the
/// store's opaque entries and back.
///
/// Headers are kept as the entry's own `name: value\r\n` lines (names cannot hold `:`, values cannot
/// hold CR/LF); read back, they are checked again as any entry's fields are.
/// `stale-while-revalidate` is not stored: it is recomputed from the policy when an entry is read,
/// so changing it takes effect for entries already on disk.
struct SQLiteDiskTier: DiskTier {
    let store: DiskCacheStore
    let policy: CachePolicy

    func get(_ key: String) -> CachedResponse? {
        store.get(key).flatMap(decode)
    }

    func put(_ entry: CachedResponse) {
        store.put(PersistedEntry(
            key: entry.key, route: entry.route, path: entry.path, scope: entry.scope, status: Int(entry.status.code),
            headers: Array(entry.headerLines.readableBytesView), body: Array(entry.body.readableBytesView), etag: entry.etag,
            storedAtMillis: entry.lifetimes.storedAt, freshUntilMillis: entry.lifetimes.freshUntil,
            usableUntilMillis: entry.lifetimes.usableUntil))
    }

    func remove(key: String) { store.remove(key: key) }
    func removeEntries(route: String) { store.removeEntries(route: route) }
    func removeEntries(pathPrefix: String, scope: String??) { store.removeEntries(pathPrefix: pathPrefix, scope: scope) }

    var statistics: DiskTierStatistics {
        let stats = store.statistics
        return DiskTierStatistics(
            entries: stats.entries, bytes: stats.bytes, expiredEvictions: stats.evictions.expired,
            capacityEvictions: stats.evictions.capacity, isDegraded: stats.isDegraded)
    }

    /// Warm start: the most recently stored usable entries, up to `budget` bytes.
    func warmEntries(budget: Int) -> [CachedResponse] {
        store.warmEntries(maxBytes: budget).compactMap(decode)
    }

    private func decode(_ stored: PersistedEntry) -> CachedResponse? {
        guard let headers = CachedResponse.fields(fromLines: stored.headers) else { return nil }
        let swrUntil = min(stored.freshUntilMillis + policy.staleWhileRevalidate.milliseconds, stored.usableUntilMillis)
        let lifetimes = CacheLifetimes(
            storedAt: stored.storedAtMillis, freshUntil: stored.freshUntilMillis,
            staleWhileRevalidateUntil: swrUntil, staleIfErrorUntil: stored.usableUntilMillis)
        let key = CacheKey(text: stored.key, path: stored.path, scope: stored.scope)
        return CachedResponse(
            key: key, route: stored.route, status: HTTPResponseStatus(statusCode: stored.status), headers: headers,
            body: ByteBuffer(bytes: stored.body), lifetimes: lifetimes)
    }
}
