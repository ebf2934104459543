/// The `cache` label of the server histogram: what the cache did for a request.
/// Raw values are stable label values (lower case); the `X-Cache` header uses the upper-case form.
public enum CacheLabel: String, Sendable, CaseIterable {
    case hit
    case miss
    case stale
    case revalidated
    case bypass

    /// Dense index used by the metric tables (order of `allCases`).
    @inline(__always)
    public var index: Int {
        switch self {
        case .hit: 0
        case .miss: 1
        case .stale: 2
        case .revalidated: 3
        case .bypass: 4
        }
    }
}
