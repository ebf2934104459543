import Synchronization

/// The memory tier (DESIGN §3): a byte-bounded, TTL-aware LRU, split into shards by key hash so
/// event loops on different cores rarely wait for the same lock.
///
/// Generic over the stored value so this engine knows nothing of NIO or HTTP; the gateway stores
/// ready-to-write responses. The budget is split evenly across shards, so one shard may evict
/// while others have room — the price of not sharing a lock; with 16 shards and many keys the
/// imbalance is small.
public final class MemoryCache<Value: Sendable>: Sendable {
    @usableFromInline let shards: [Shard]
    private let evictions = Mutex<[CacheEvictionReason: Int]>([:])
    public let budget: Int

    /// - Parameters:
    ///   - budget: total bytes of entry costs, across shards.
    ///   - shardCount: rounded up to a power of two.
    public init(budget: Int, shardCount: Int = 16) {
        var count = 1
        while count < max(1, shardCount) { count <<= 1 }
        let perShard = max(1, budget / count)
        self.budget = budget
        self.shards = (0..<count).map { _ in Shard(LRUShard<Value>(budget: perShard)) }
    }

    /// The largest entry that can be stored (one shard's budget).
    public var maxEntryCost: Int { budget / shards.count }

    @inlinable
    func shard(for key: String) -> Shard {
        // Deterministic per process (SWIFT_DETERMINISTIC_HASHING aside, any stable spread works).
        var hasher = Hasher()
        hasher.combine(key)
        return shards[Int(UInt(bitPattern: hasher.finalize()) & UInt(shards.count - 1))]
    }

    /// Inlinable so the caller's module specializes the lookup for its `Value` (see `LRUShard`).
    @inlinable
    public func get(_ key: String, now: Int64) -> Value? {
        var evicted: [CacheEvictionReason: Int] = [:]
        let value = shard(for: key).withLock { $0.get(key, now: now, evicted: &evicted) }
        if !evicted.isEmpty { record(evicted) }
        return value
    }

    /// Stores `value` with its byte `cost`; false when it is larger than a shard's budget.
    @discardableResult
    public func set(_ key: String, value: Value, cost: Int, usableUntil: Int64, now: Int64) -> Bool {
        var evicted: [CacheEvictionReason: Int] = [:]
        let stored = shard(for: key).withLock {
            $0.set(key, value: value, cost: cost, usableUntil: usableUntil, now: now, evicted: &evicted)
        }
        if !evicted.isEmpty { record(evicted) }
        return stored
    }

    @discardableResult
    public func remove(_ key: String) -> Bool {
        shard(for: key).withLock { $0.remove(key) }
    }

    /// Removes every entry whose value matches (invalidation, purge); a full scan, which is fine
    /// for mutations and admin calls but not for the request path.
    @discardableResult
    public func removeAll(where matches: @Sendable (Value) -> Bool) -> Int {
        shards.reduce(0) { total, shard in total + shard.withLock { $0.removeAll(where: matches) } }
    }

    public var count: Int { shards.reduce(0) { $0 + $1.withLock { $0.count } } }
    public var bytes: Int { shards.reduce(0) { $0 + $1.withLock { $0.bytes } } }
    public func evictionCount(_ reason: CacheEvictionReason) -> Int { evictions.withLock { $0[reason] ?? 0 } }

    /// A snapshot of every value (stats, purge previews, tests).
    public func values() -> [Value] { shards.flatMap { $0.withLock { $0.values() } } }

    /// `Mutex` is non-copyable, so each shard's lock lives in its own small object.
    @usableFromInline
    final class Shard: Sendable {
        @usableFromInline let mutex: Mutex<LRUShard<Value>>
        init(_ shard: sending LRUShard<Value>) { mutex = Mutex(shard) }
        @inlinable
        func withLock<R>(_ body: (inout sending LRUShard<Value>) -> sending R) -> sending R { mutex.withLock(body) }
    }

    @usableFromInline
    func record(_ evicted: [CacheEvictionReason: Int]) {
        evictions.withLock { totals in
            for (reason, count) in evicted { totals[reason, default: 0] += count }
        }
    }
}
