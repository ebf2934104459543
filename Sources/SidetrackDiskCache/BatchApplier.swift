import GRDB

/// Applies one batch inside one transaction: queued operations in order, then expiry, then the byte
/// bound. One transaction per batch is what makes writes cheap: one WAL commit (and, with
/// `synchronous = NORMAL`, no fsync) for hundreds of puts.
enum BatchApplier {
    struct Outcome: Sendable {
        var expired = 0
        var evictedForCapacity = 0
        var entries = 0
        var bytes = 0
    }

    static func apply(
        _ operations: [PendingWrites.Operation],
        sweepExpired: Bool,
        nowMillis: Int64,
        maxBytes: Int,
        in db: Database
    ) throws -> Outcome {
        for operation in operations {
            switch operation {
            case .put(let entry):
                try EntryRow.upsert(db, entry)
            case .remove(let key):
                try db.execute(sql: "DELETE FROM entry WHERE key = ?", arguments: [key])
            case .removeMany(let removal):
                try delete(removal, in: db)
            }
        }

        var outcome = Outcome()
        if sweepExpired {
            try db.execute(sql: "DELETE FROM entry WHERE usable_until <= ?", arguments: [nowMillis])
            outcome.expired = db.changesCount
        }
        (outcome.entries, outcome.bytes) = try totals(db)
        if outcome.bytes > maxBytes {
            outcome.evictedForCapacity = try evictOldest(
                until: maxBytes - maxBytes / 10,
                currentBytes: outcome.bytes,
                in: db
            )
            (outcome.entries, outcome.bytes) = try totals(db)
        }
        return outcome
    }

    static func totals(_ db: Database) throws -> (entries: Int, bytes: Int) {
        guard let row = try Row.fetchOne(db, sql: "SELECT entries, bytes FROM totals WHERE id = 1") else {
            return (0, 0)
        }
        return (row[0], row[1])
    }

    private static func delete(_ removal: EntryRemoval, in db: Database) throws {
        switch removal {
        case .all:
            try db.execute(sql: "DELETE FROM entry")
        case .route(let route):
            try db.execute(sql: "DELETE FROM entry WHERE route = ?", arguments: [route])
        case .pathPrefix(let prefix, let scope):
            var sql = "DELETE FROM entry WHERE path >= ?"
            var arguments: StatementArguments = [prefix]
            if let bound = EntryRemoval.upperBound(forPrefix: prefix) {
                // A range on the `path` index rather than LIKE/GLOB, which would need escaping and
                // (for LIKE) case-insensitive matching.
                sql += " AND path < ?"
                arguments += [bound]
            }
            switch scope {
            case .any:
                break
            case .sharedOnly:
                sql += " AND scope IS NULL"
            case .identity(let identity):
                sql += " AND scope = ?"
                arguments += [identity]
            }
            try db.execute(sql: sql, arguments: arguments)
        }
    }

    /// Deletes least recently stored entries until the total is at most `target` bytes. Evicting down
    /// to a margin below the bound (90 %) rather than to the bound itself means the next batches do not
    /// each evict a few rows again.
    private static func evictOldest(until target: Int, currentBytes: Int, in db: Database) throws -> Int {
        var remaining = currentBytes
        var victims: [Int64] = []
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, size FROM entry ORDER BY stored_at ASC, id ASC")
        while remaining > target, let row = try cursor.next() {
            victims.append(row[0])
            remaining -= row[1] as Int
        }
        let statement = try db.makeStatement(sql: "DELETE FROM entry WHERE id = ?")
        for id in victims {
            try statement.execute(arguments: [id])
        }
        return victims.count
    }
}
