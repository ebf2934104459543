import Synchronization

/// Remembers which token identities Spotify accepted (answered 2xx) recently (DESIGN §3).
///
/// A token is served from the cache only while it is trusted: a revoked, expired or made-up
/// token cannot read entries that other tokens — or it, an hour ago — fetched. Its first request
/// goes upstream, and Spotify's answer decides. Bounded: past `capacity` identities the oldest
/// half is forgotten (they simply go upstream once more).
public final class TokenTrust: Sendable {
    private let window: Int64
    private let capacity: Int
    private let accepted = Mutex<[String: Int64]>([:])

    public init(window: Duration, capacity: Int = 100_000) {
        self.window = window.milliseconds
        self.capacity = max(2, capacity)
    }

    public func isTrusted(_ identity: String, now: Int64) -> Bool {
        accepted.withLock { table in
            guard let at = table[identity] else { return false }
            return now - at < window
        }
    }

    public func markAccepted(_ identity: String, now: Int64) {
        accepted.withLock { table in
            table[identity] = now
            if table.count > capacity {
                let keep = table.sorted { $0.value > $1.value }.prefix(capacity / 2)
                table = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
            }
        }
    }

    /// Spotify refused the token (401): stop trusting it at once.
    public func markRejected(_ identity: String) {
        _ = accepted.withLock { $0.removeValue(forKey: identity) }
    }

    public var count: Int { accepted.withLock { $0.count } }
}
