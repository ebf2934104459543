/// Puts a query string into a canonical order so `?a=1&b=2` and `?b=2&a=1` share a cache entry.
///
/// Pairs are sorted by name, then value (stable for repeated names); empty pairs (`&&`) are
/// dropped; percent-encoding is kept as sent, since decoding could merge values Spotify tells
/// apart.
public enum QueryNormalizer {
    /// The normalized query (without `?`), and whether it names a `market`.
    public static func normalize(_ query: Substring) -> (text: String, hasMarket: Bool) {
        guard !query.isEmpty else { return ("", false) }
        var pairs = query.split(separator: "&", omittingEmptySubsequences: true)
        var hasMarket = false
        for pair in pairs where name(of: pair) == "market" && pair.count > "market=".count {
            hasMarket = true
        }
        if pairs.count > 1 {
            pairs.sort { lhs, rhs in
                let (left, right) = (name(of: lhs), name(of: rhs))
                return left == right ? lhs < rhs : left < right
            }
        }
        return (pairs.joined(separator: "&"), hasMarket)
    }

    private static func name(of pair: Substring) -> Substring {
        pair.firstIndex(of: "=").map { pair[..<$0] } ?? pair
    }
}
