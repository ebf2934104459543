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
    /// Bumped whenever trust is withdrawn (a 401, or identities forgotten past `capacity`), after
    /// the table has changed: a `Grant` taken before a bump is no longer honoured.
    private let withdrawals = Atomic<UInt64>(0)

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

    /// What a connection may remember of one look-up: the identity is trusted until `until`
    /// (milliseconds, the clock of `now`) unless trust has been withdrawn since (`epoch`).
    /// Checking a grant takes one atomic load: no lock and no hash of the identity per request.
    public struct Grant: Sendable, Equatable {
        public let until: Int64
        let epoch: UInt64
    }

    /// A grant for `identity` if it is trusted at `now`, nil otherwise.
    public func grant(_ identity: String, now: Int64) -> Grant? {
        // Read before the table: a withdrawal after this point bumps past it.
        let epoch = withdrawals.load(ordering: .acquiring)
        return accepted.withLock { table in
            guard let at = table[identity], now - at < window else { return nil }
            return Grant(until: at + window, epoch: epoch)
        }
    }

    /// Whether a grant still stands at `now`: not expired, and no trust withdrawn since it was made.
    public func honours(_ grant: Grant, now: Int64) -> Bool {
        now < grant.until && withdrawals.load(ordering: .acquiring) == grant.epoch
    }

    public func markAccepted(_ identity: String, now: Int64) {
        let forgot = accepted.withLock { table -> Bool in
            table[identity] = now
            guard table.count > capacity else { return false }
            let keep = table.sorted { $0.value > $1.value }.prefix(capacity / 2)
            table = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
            return true
        }
        if forgot { withdrawals.add(1, ordering: .releasing) }
    }

    /// Spotify refused the token (401): stop trusting it at once.
    public func markRejected(_ identity: String) {
        _ = accepted.withLock { $0.removeValue(forKey: identity) }
        withdrawals.add(1, ordering: .releasing)
    }

    public var count: Int { accepted.withLock { $0.count } }
}
