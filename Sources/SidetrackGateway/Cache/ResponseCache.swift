import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SidetrackCore
import SidetrackObservability
import Synchronization

/// The gateway's cache (DESIGN §3): the memory tier in front of the optional disk tier, key
/// derivation, token trust, the coalescer, invalidation and the numbers behind `/cache/stats`.
///
/// Thread-safe; called from every event loop. Lookups on the event loop touch the memory tier only
/// (a lock on one shard). A memory miss with a disk tier configured is read with `readDisk` on a
/// thread pool (SQLite reads block), which promotes what it finds to memory.
final class ResponseCache: Sendable {
    /// Resumes a coalesced follower: the leader's answer, or nil when it must go upstream itself.
    typealias Waiter = @Sendable (CachedResponse?) -> Void

    let policy: CachePolicy
    let keys: CacheKeyBuilder
    let trust: TokenTrust
    let coalescer = Coalescer<Waiter>()
    let memory: MemoryCache<CachedResponse>
    let disk: DiskTier?
    /// Why a configured disk tier could not be opened (`DiskCacheError.code`); nil when it is fine or off.
    let diskFailure: String?
    let metrics: CacheMetrics
    /// Unix epoch milliseconds (wall clock, so lifetimes survive restarts); injected for tests.
    let now: @Sendable () -> Int64
    private let counters = NIOLockedValueBox(Counters())
    /// Bumped by every invalidation and purge. An upstream answer fetched before a bump may predate
    /// the mutation behind it, so it is not stored (see `store(_:fetchedAt:)`).
    private let invalidations = Atomic<UInt64>(0)
    private let invalidationLog = NIOLockedValueBox<[InvalidationRecord]>([])
    private static let invalidationLogSize = 20

    struct Counters {
        var results = [Int](repeating: 0, count: CacheLabel.allCases.count)
        var coalesced = 0
    }

    struct InvalidationRecord: Sendable {
        let atMillis: Int64
        let reason: String
        let targets: [String]
        let removed: Int
    }

    init(
        policy: CachePolicy, sharing: CatalogSharing, memoryBudget: Int, disk: DiskTier?, diskFailure: String? = nil,
        metrics: CacheMetrics,
        now: @escaping @Sendable () -> Int64
    ) {
        self.policy = policy
        self.keys = CacheKeyBuilder(sharing: sharing)
        self.trust = TokenTrust(window: policy.tokenTrustWindow)
        self.memory = MemoryCache(budget: memoryBudget)
        self.disk = disk
        self.diskFailure = diskFailure
        self.metrics = metrics
        self.now = now
    }

    // MARK: Lookup and store

    /// The memory tier's entry for `key` if it is still usable at `now`. Never blocks.
    func lookupMemory(_ key: CacheKey, at now: Int64) -> CachedResponse? {
        memory.get(key.text, now: now)
    }

    /// The disk tier's entry for `key` if it is still usable at `now`, promoted to memory.
    /// Blocks on SQLite: call it from a thread pool, never an event loop.
    func readDisk(_ key: CacheKey, at now: Int64) -> CachedResponse? {
        guard let disk, let entry = disk.get(key.text), entry.lifetimes.usableUntil > now else { return nil }
        memory.set(key.text, value: entry, cost: entry.cost, usableUntil: entry.lifetimes.usableUntil, now: now)
        return entry
    }

    /// Whether the disk tier is configured but unusable (not opened, or failed at run time).
    var isDiskDegraded: Bool { diskFailure != nil || disk?.statistics.isDegraded == true }

    /// Fills the memory tier from the disk tier (most recent first, up to the memory budget).
    func warm(from tier: SQLiteDiskTier) -> Int {
        let now = now()
        var stored = 0
        for entry in tier.warmEntries(budget: memory.budget) where entry.lifetimes.usableUntil > now {
            if memory.set(entry.key, value: entry, cost: entry.cost, usableUntil: entry.lifetimes.usableUntil, now: now) {
                stored += 1
            }
        }
        return stored
    }

    /// The current invalidation epoch: capture it when a request goes upstream, pass it to `store`.
    var invalidationEpoch: UInt64 { invalidations.load(ordering: .acquiring) }

    /// Stores an answer fetched upstream in both tiers — unless an invalidation or purge happened
    /// since it was fetched (`fetchedAt` is the epoch then): a read racing a mutation may carry the
    /// old data, and storing it after the invalidation would serve it for a whole TTL.
    /// - Returns: whether it was stored.
    @discardableResult
    func store(_ entry: CachedResponse, fetchedAt epoch: UInt64) -> Bool {
        guard invalidationEpoch == epoch else { return false }
        store(entry)
        return true
    }

    /// Stores an answer in both tiers (the disk write is queued, never awaited here).
    func store(_ entry: CachedResponse) {
        let now = now()
        guard entry.lifetimes.usableUntil > now else { return }
        memory.set(entry.key, value: entry, cost: entry.cost, usableUntil: entry.lifetimes.usableUntil, now: now)
        disk?.put(entry)
    }

    /// Counts one decision, for `/cache/stats` and the per-route metric.
    func record(_ result: CacheLabel, route: Int) {
        counters.withLockedValue { $0.results[result.index] += 1 }
        metrics.recordLookup(route: route, result: result)
    }

    func recordCoalesced(route: Int) {
        counters.withLockedValue { $0.coalesced += 1 }
        metrics.recordCoalesced(route: route)
    }

    // MARK: Invalidation and purge

    /// A successful mutation: drops the cached GETs it makes stale, in both tiers.
    func invalidate(after match: RouteMatch, callerIdentity: String?) {
        let targets = InvalidationRules.targets(for: match)
        guard !targets.isEmpty else { return }
        invalidations.add(1, ordering: .releasing)
        var removed = 0
        for target in targets {
            let scope: String?? = target.reach == .everyone ? .none : .some(callerIdentity)
            if target.reach == .caller && callerIdentity == nil { continue }
            removed += removeEntries(pathPrefix: target, scope: scope)
        }
        metrics.recordInvalidation(route: match.route.index)
        log(InvalidationRecord(
            atMillis: now(), reason: "\(match.route.method) \(match.route.template)", targets: targets.map(\.description),
            removed: removed))
    }

    /// Admin purge. Exactly one selector: a full key, a route template, or a path prefix.
    func purge(key: String?, route: String?, pathPrefix: String?) -> Int {
        invalidations.add(1, ordering: .releasing)
        var removed = 0
        if let key {
            removed = memory.remove(key) ? 1 : 0
            disk?.remove(key: key)
        } else if let route {
            removed = memory.removeAll { $0.route == route }
            disk?.removeEntries(route: route)
        } else if let pathPrefix {
            removed = removeEntries(pathPrefix: InvalidationRules.Target(pathPrefix, .everyone), scope: .none)
        }
        log(InvalidationRecord(
            atMillis: now(), reason: "admin purge",
            targets: [key.map { "key \($0)" } ?? route.map { "route \($0)" } ?? "prefix \(pathPrefix ?? "")"],
            removed: removed))
        return removed
    }

    /// `scope`: `.none` = every entry; `.some(x)` = only entries of identity `x`.
    private func removeEntries(pathPrefix target: InvalidationRules.Target, scope: String??) -> Int {
        let removed = memory.removeAll { entry in
            guard target.covers(path: entry.path) else { return false }
            guard case .some(let identity) = scope else { return true }
            return entry.scope == identity
        }
        disk?.removeEntries(pathPrefix: target.pathPrefix, scope: scope)
        return removed
    }

    private func log(_ record: InvalidationRecord) {
        invalidationLog.withLockedValue { log in
            log.append(record)
            if log.count > Self.invalidationLogSize { log.removeFirst(log.count - Self.invalidationLogSize) }
        }
    }

    // MARK: Numbers

    /// Refreshes the tier gauges and eviction counters; called before each `/metrics` render.
    func updateMetrics() {
        metrics.setDiskDegraded(isDiskDegraded)
        metrics.updateTier(
            .memory, entries: memory.count, bytes: memory.bytes,
            evictions: [.expired: memory.evictionCount(.expired), .capacity: memory.evictionCount(.capacity)])
        if let disk {
            let stats = disk.statistics
            metrics.updateTier(
                .disk, entries: stats.entries, bytes: stats.bytes,
                evictions: [.expired: stats.expiredEvictions, .capacity: stats.capacityEvictions])
        }
    }

    /// The `/cache/stats` document.
    func statsJSON() -> [UInt8] {
        let counted = counters.withLockedValue { $0 }
        func count(_ label: CacheLabel) -> Int { counted.results[label.index] }
        let served = count(.hit) + count(.stale) + count(.revalidated)
        let lookups = served + count(.miss)
        var tiers: [String: Any] = [
            "memory": [
                "entries": memory.count, "bytes": memory.bytes, "budget_bytes": memory.budget,
                "evictions": ["expired": memory.evictionCount(.expired), "capacity": memory.evictionCount(.capacity)],
            ] as [String: Any]
        ]
        if let disk {
            let stats = disk.statistics
            tiers["disk"] = [
                "entries": stats.entries, "bytes": stats.bytes, "degraded": stats.isDegraded,
                "evictions": ["expired": stats.expiredEvictions, "capacity": stats.capacityEvictions],
            ] as [String: Any]
        } else {
            tiers["disk"] = diskFailure.map { ["enabled": true, "degraded": true, "error": $0] as [String: Any] } ?? ["enabled": false]
        }
        let recent = invalidationLog.withLockedValue { $0 }.reversed().map { record -> [String: Any] in
            ["at_ms": record.atMillis, "reason": record.reason, "targets": record.targets, "removed": record.removed]
        }
        let document: [String: Any] = [
            "hits": count(.hit), "misses": count(.miss), "stale": count(.stale), "revalidated": count(.revalidated),
            "bypass": count(.bypass), "coalesced": counted.coalesced,
            "hit_ratio": lookups == 0 ? 0 : (Double(served) / Double(lookups) * 10_000).rounded() / 10_000,
            "tiers": tiers, "recent_invalidations": recent,
            "trusted_tokens": trust.count, "in_flight_keys": coalescer.inFlight,
        ]
        return AdminJSON.encode(document)
    }
}
