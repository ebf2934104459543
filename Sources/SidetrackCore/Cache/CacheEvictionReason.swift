/// Why an entry left a tier; the `reason` label of `sidetrack_cache_evictions_total`.
public enum CacheEvictionReason: String, Sendable, CaseIterable {
    /// Past every stale window.
    case expired
    /// Pushed out by the byte budget (least recently used first).
    case capacity
}
