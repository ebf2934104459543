import CompressNIO
import NIOConcurrencyHelpers
import NIOCore

/// A rendered body with its gzip form, computed once and shared by every request for it.
final class CachedBody: Sendable {
    let identity: ByteBuffer
    let gzipped: ByteBuffer?

    init(_ text: String) {
        identity = ByteBuffer(string: text)
        gzipped = Gzip.compress(identity)
    }
}

/// Rendered catalog bodies by key (`track:ID`, …), so hot GETs cost one locked lookup.
///
/// Bounded by entry count; when full it simply starts over — the emulator's catalog is
/// deterministic, so a dropped entry is only re-rendered.
final class BodyCache: Sendable {
    private let entries = NIOLockedValueBox<[String: CachedBody]>([:])
    private let capacity: Int

    init(capacity: Int = 20_000) {
        self.capacity = capacity
    }

    /// The cached body for `key`, rendering (outside the lock) and storing it on a miss.
    func body(for key: String, render: () -> String) -> CachedBody {
        if let hit = entries.withLockedValue({ $0[key] }) { return hit }
        let body = CachedBody(render())
        entries.withLockedValue { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = body
        }
        return body
    }
}

/// gzip through CompressNIO.
enum Gzip {
    /// The gzip form of `buffer`, or nil if compression failed (the caller then sends identity).
    static func compress(_ buffer: ByteBuffer) -> ByteBuffer? {
        var input = buffer
        return try? input.compress(with: .gzip())
    }
}
