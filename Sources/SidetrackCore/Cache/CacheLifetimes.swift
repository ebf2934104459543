/// When a stored answer stops being fresh, and how long after that it may still be served stale.
/// All instants are Unix epoch milliseconds (wall clock), so entries keep meaning across restarts.
public struct CacheLifetimes: Sendable, Equatable {
    public var storedAt: Int64
    public var freshUntil: Int64
    /// Until here a stale entry is answered at once while one background refresh runs.
    public var staleWhileRevalidateUntil: Int64
    /// Until here a stale entry is answered when upstream fails, the breaker is open or the
    /// cooldown is on.
    public var staleIfErrorUntil: Int64

    public init(storedAt: Int64, freshUntil: Int64, staleWhileRevalidateUntil: Int64, staleIfErrorUntil: Int64) {
        self.storedAt = storedAt
        self.freshUntil = freshUntil
        self.staleWhileRevalidateUntil = staleWhileRevalidateUntil
        self.staleIfErrorUntil = staleIfErrorUntil
    }

    /// After this the entry is useless (no window left) and may be evicted.
    public var usableUntil: Int64 { max(freshUntil, staleWhileRevalidateUntil, staleIfErrorUntil) }

    /// Whole seconds since the entry was stored, for the `Age` header.
    public func age(at now: Int64) -> Int64 { max(0, now - storedAt) / 1000 }

    public enum State: Sendable, Equatable {
        case fresh
        /// Stale but inside `stale-while-revalidate`: answer now, refresh in the background.
        case staleWhileRevalidate
        /// Stale, usable only as a fallback when upstream fails.
        case staleIfError
        /// Past every window.
        case expired
    }

    public func state(at now: Int64) -> State {
        if now < freshUntil { return .fresh }
        if now < staleWhileRevalidateUntil { return .staleWhileRevalidate }
        if now < staleIfErrorUntil { return .staleIfError }
        return .expired
    }
}
