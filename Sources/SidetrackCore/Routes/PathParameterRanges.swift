/// Where the `{param}` values of a matched path are, kept inline so that classifying a request
/// allocates nothing: up to `capacity` UTF-8 offset ranges into the path.
@usableFromInline
struct PathParameterRanges: Sendable, Hashable {
    /// Templates with more parameters are refused when a `RouteTable` is built.
    @usableFromInline static let capacity = 4

    @usableFromInline private(set) var count = 0
    private var r0 = 0..<0, r1 = 0..<0, r2 = 0..<0, r3 = 0..<0

    init() {}

    /// Adds a range; the caller guarantees `count < capacity` (the table validates templates).
    mutating func append(_ range: Range<Int>) {
        switch count {
        case 0: r0 = range
        case 1: r1 = range
        case 2: r2 = range
        default: r3 = range
        }
        count += 1
    }

    /// Forgets ranges added after `newCount` (backtracking in the trie).
    mutating func truncate(to newCount: Int) { count = newCount }

    @usableFromInline subscript(position: Int) -> Range<Int> {
        switch position {
        case 0: r0
        case 1: r1
        case 2: r2
        default: r3
        }
    }
}
