import Foundation
import GRDB

/// SQL for single entries: the only place that maps `PersistedEntry` to and from columns.
enum EntryRow {
    static func fetch(_ db: Database, key: String) throws -> PersistedEntry? {
        try Row.fetchOne(
            db,
            sql: "SELECT \(DiskCacheSchema.entryColumns) FROM entry WHERE key = ?",
            arguments: [key]
        ).map { try decode($0) }
    }

    static func upsert(_ db: Database, _ entry: PersistedEntry) throws {
        try db.execute(
            sql: """
                INSERT INTO entry (key, route, path, scope, status, etag, stored_at, fresh_until, usable_until, size, headers, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET
                    route = excluded.route, path = excluded.path, scope = excluded.scope,
                    status = excluded.status, etag = excluded.etag, stored_at = excluded.stored_at,
                    fresh_until = excluded.fresh_until, usable_until = excluded.usable_until,
                    size = excluded.size, headers = excluded.headers, body = excluded.body
                """,
            arguments: [
                entry.key, entry.route, entry.path, entry.scope, entry.status, entry.etag,
                entry.storedAtMillis, entry.freshUntilMillis, entry.usableUntilMillis, entry.byteCount,
                Data(entry.headers), Data(entry.body),
            ]
        )
    }

    static func decode(_ row: Row) throws -> PersistedEntry {
        PersistedEntry(
            key: row[0],
            route: row[1],
            path: row[2],
            scope: row[3],
            status: row[4],
            headers: try bytes(row, 9),
            body: try bytes(row, 10),
            etag: row[5],
            storedAtMillis: row[6],
            freshUntilMillis: row[7],
            usableUntilMillis: row[8]
        )
    }

    private static func bytes(_ row: Row, _ index: Int) throws -> [UInt8] {
        // Borrows SQLite's buffer: the single copy is into the array the caller keeps.
        try row.withUnsafeData(atIndex: index) { data in data.map { [UInt8]($0) } ?? [] }
    }
}
