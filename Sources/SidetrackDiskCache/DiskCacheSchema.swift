import GRDB

/// The database schema, versioned with GRDB migrations so later versions can evolve it in place.
///
/// - `entry` keeps the small, filterable columns first and the blobs last, so scans over paths, routes
///   and times (purges, eviction, warm start) read a row's first page and never its overflow pages.
///   An ordinary rowid table rather than `WITHOUT ROWID`: SQLite advises against the latter for rows
///   with large blobs.
/// - `totals` is a one-row table kept exact by triggers, so entry count and bytes are known without
///   scanning and survive restarts. The key column uses UPSERT (`ON CONFLICT DO UPDATE`), not
///   `INSERT OR REPLACE`, because REPLACE deletes without firing delete triggers.
/// - Blob columns are nullable: GRDB binds an empty `Data` as NULL, read back as empty.
enum DiskCacheSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE entry (
                    id INTEGER PRIMARY KEY,
                    key TEXT NOT NULL UNIQUE,
                    route TEXT NOT NULL,
                    path TEXT NOT NULL,
                    scope TEXT,
                    status INTEGER NOT NULL,
                    etag TEXT,
                    stored_at INTEGER NOT NULL,
                    fresh_until INTEGER NOT NULL,
                    usable_until INTEGER NOT NULL,
                    size INTEGER NOT NULL,
                    headers BLOB,
                    body BLOB
                );
                CREATE INDEX entry_path ON entry(path);
                CREATE INDEX entry_route ON entry(route);
                CREATE INDEX entry_stored_at ON entry(stored_at);
                CREATE INDEX entry_usable_until ON entry(usable_until);

                CREATE TABLE totals (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    entries INTEGER NOT NULL,
                    bytes INTEGER NOT NULL
                );
                INSERT INTO totals (id, entries, bytes) VALUES (1, 0, 0);
                CREATE TRIGGER entry_inserted AFTER INSERT ON entry BEGIN
                    UPDATE totals SET entries = entries + 1, bytes = bytes + NEW.size;
                END;
                CREATE TRIGGER entry_deleted AFTER DELETE ON entry BEGIN
                    UPDATE totals SET entries = entries - 1, bytes = bytes - OLD.size;
                END;
                CREATE TRIGGER entry_resized AFTER UPDATE OF size ON entry BEGIN
                    UPDATE totals SET bytes = bytes - OLD.size + NEW.size;
                END;
                """)
        }
        return migrator
    }

    /// Columns in the order `EntryRow.decode` reads them.
    static let entryColumns =
        "key, route, path, scope, status, etag, stored_at, fresh_until, usable_until, headers, body"
}
