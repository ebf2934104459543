import GRDB
import Logging
import Synchronization

/// The writer side: turning the queue into committed transactions, and failing safely when the file
/// stops working.
extension DiskCacheStore {
    /// Writes everything queued now, deletes expired entries and enforces the byte bound. Returns when
    /// that is committed (or the tier has failed). Used at shutdown and by tests.
    public func flush() async {
        await drain(force: true)
    }

    /// One writer pass. Without `force`, an idle pass returns without touching the database unless the
    /// periodic expiry sweep is due.
    func drain(force: Bool) async {
        let nowMillis = now()
        let due = state.withLock { state in
            guard !state.statistics.isDegraded else { return false }
            return force || !state.pending.isEmpty || sweepDue(state, nowMillis)
        }
        guard due else { return }
        do {
            if Task.isCancelled {
                // GRDB's async access refuses to start in a cancelled task, but a cancelled shutdown must
                // still get its final flush: write synchronously instead (blocks this thread briefly).
                try drainSynchronously(nowMillis: nowMillis, force: force)
            } else {
                try await pool.writeWithoutTransaction { db in
                    try self.writeBatch(db, nowMillis: nowMillis, force: force)
                }
            }
        } catch is CancellationError {
            // Cancelled mid-write: the batch was put back in the queue; nothing failed.
        } catch let error as DatabaseError where error.isInterruptionError {
            // Same, when the cancellation interrupted a statement.
        } catch {
            fail(error, reading: false)
        }
    }

    private func drainSynchronously(nowMillis: Int64, force: Bool) throws {
        try pool.writeWithoutTransaction { db in
            try writeBatch(db, nowMillis: nowMillis, force: force)
        }
    }

    /// Runs on GRDB's serial writer queue. Taking the batch here, not before queueing the write, is what
    /// keeps concurrent drains (the writer and a `flush()`) committing operations in the order they
    /// were queued.
    private func writeBatch(_ db: Database, nowMillis: Int64, force: Bool) throws {
        let (batch, sweep) = state.withLock { state in
            (state.pending.take(), force || sweepDue(state, nowMillis))
        }
        guard batch != nil || sweep else { return }
        var outcome = BatchApplier.Outcome()
        do {
            // SQLite would write on into a deleted or replaced file without complaint.
            guard let current = FileIdentity(path: path) else { throw DiskCacheError.fileMissing(path) }
            guard current == identity else { throw DiskCacheError.fileReplaced(path) }
            try db.inTransaction {
                outcome = try BatchApplier.apply(
                    batch?.operations ?? [],
                    sweepExpired: true,
                    nowMillis: nowMillis,
                    maxBytes: maxBytes,
                    in: db
                )
                return .commit
            }
        } catch {
            if let batch { state.withLock { $0.pending.requeue(batch) } }
            throw error
        }
        state.withLock { state in
            if let batch { state.pending.committed(through: batch.lastSequence) }
            state.lastSweepMillis = nowMillis
            state.statistics.entries = outcome.entries
            state.statistics.bytes = outcome.bytes
            state.statistics.evictions.expired += outcome.expired
            state.statistics.evictions.capacity += outcome.evictedForCapacity
        }
        if outcome.evictedForCapacity > 0 {
            logger.debug("cache.disk.evicted", metadata: ["cache.disk.evicted": "\(outcome.evictedForCapacity)"])
        }
    }

    private func sweepDue(_ state: State, _ nowMillis: Int64) -> Bool {
        nowMillis - state.lastSweepMillis >= options.expirySweepIntervalMillis
    }

    // MARK: Failure

    /// Marks the tier degraded after a run-time failure. Logs once: a broken disk must not produce one
    /// error line per request.
    func fail(_ error: any Error, reading: Bool) {
        let failure = classify(error, reading: reading)
        let first = state.withLock { state -> Bool in
            if reading {
                state.statistics.readErrors += 1
            } else {
                state.statistics.writeErrors += 1
            }
            guard !state.statistics.isDegraded else { return false }
            state.statistics.isDegraded = true
            state.statistics.degradedReason = failure.code
            state.pending.removeAll()
            return true
        }
        if first {
            logger.error(
                "cache.disk.failed",
                metadata: [
                    "cache.disk.path": "\(path)",
                    "cache.disk.error": "\(failure.code)",
                    "cache.disk.reason": "\(failure.message)",
                ]
            )
        }
    }

    private func classify(_ error: any Error, reading: Bool) -> DiskCacheError {
        if let error = error as? DiskCacheError { return error }
        if let error = error as? DatabaseError {
            // Only SQLite's own message: `DatabaseError.description` may include statement arguments (keys).
            let reason = error.message ?? "\(error.resultCode)"
            if error.resultCode == .SQLITE_FULL { return .diskFull(path, reason: reason) }
            return reading ? .readFailed(path, reason: reason) : .writeFailed(path, reason: reason)
        }
        let reason = DatabaseOpener.reason(of: error)
        return reading ? .readFailed(path, reason: reason) : .writeFailed(path, reason: reason)
    }
}
