import Synchronization

/// The write side seen by request code: every call only queues, under the store's `Mutex`, and never
/// touches the disk. `DiskCacheWriter` (or `flush()`) writes the queue.
extension DiskCacheStore {
    /// Queues `entry` to be written. Never blocks on disk. An entry already unusable, or larger than the
    /// whole byte bound, is not stored (and an older stored version of its key is removed instead).
    public func put(_ entry: PersistedEntry) {
        guard entry.isUsable(at: now()), entry.byteCount <= maxBytes else {
            remove(key: entry.key)
            return
        }
        enqueue { pending, statistics in
            guard pending.queuedBytes + entry.byteCount <= options.maxQueuedBytes else {
                statistics.droppedPuts += 1
                return
            }
            pending.put(entry)
        }
    }

    public func remove(key: String) {
        enqueue { pending, _ in pending.remove(key: key) }
    }

    /// Removes entries whose path starts with `pathPrefix` (a plain byte prefix: `/v1/playlists/ab` also
    /// covers `/v1/playlists/abc`; over-invalidating is safe). `scope`: `nil` = any scope, `.some(nil)` =
    /// shared entries only, `.some(identity)` = that token identity's entries only. Queued puts that
    /// match are dropped, and matching rows are hidden from `get` at once.
    public func removeEntries(pathPrefix: String, scope: String??) {
        let removal = EntryRemoval(pathPrefix: pathPrefix, scope: scope)
        enqueue { pending, _ in pending.removeMany(removal) }
    }

    public func removeEntries(route: String) {
        enqueue { pending, _ in pending.removeMany(.route(route)) }
    }

    public func removeAll() {
        enqueue { pending, _ in pending.removeMany(.all) }
    }

    private func enqueue(_ change: (inout PendingWrites, inout DiskCacheStatistics) -> Void) {
        let batchSize = max(1, options.batchSize)
        let shouldRing = state.withLock { state -> Bool in
            guard !state.statistics.isDegraded else { return false }
            let before = state.pending.count
            change(&state.pending, &state.statistics)
            // Ring once per `batchSize` operations, not on every one above the threshold.
            return state.pending.count > before && state.pending.count % batchSize == 0
        }
        if shouldRing { doorbell.ring() }
    }
}
