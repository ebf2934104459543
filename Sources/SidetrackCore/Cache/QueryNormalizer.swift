/// Puts a query string into a canonical order so `?a=1&b=2` and `?b=2&a=1` share a cache entry.
///
/// Pairs are sorted by name, then value (stable for repeated names); empty pairs (`&&`) are
/// dropped; percent-encoding is kept as sent, since decoding could merge values Spotify tells
/// apart.
public enum QueryNormalizer {
    /// The normalized query (without `?`), and whether it names a `market`.
    public static func normalize(_ query: Substring) -> (text: String, hasMarket: Bool) {
        var text = ""
        let hasMarket = append(query, to: &text)
        return (text, hasMarket)
    }

    /// Appends `prefix` and the normalized query to `text` (nothing at all when the query has no
    /// pairs) and says whether it names a `market`.
    ///
    /// The key is built on every cacheable request, hits included, so the pairs are sorted as
    /// ranges in stack scratch space instead of split into an array and joined into a new string
    /// (only a query of very many pairs spills to the heap).
    @discardableResult
    public static func append(_ query: Substring, to text: inout String, prefix: String = "") -> Bool {
        guard !query.isEmpty else { return false }
        // ASCII (any percent-encoded query) is searched byte-wise: there every `&` and `=` byte
        // is a whole Character, so the pairs are the same as a Character-wise search finds.
        let ascii = query.utf8.allSatisfy { $0 < 0x80 }
        // One more than the number of `&`: an upper bound on the pairs.
        let bound = query.utf8.reduce(1) { count, byte in byte == UInt8(ascii: "&") ? count + 1 : count }
        return withUnsafeTemporaryAllocation(of: Range<Substring.Index>.self, capacity: bound) { scratch in
            var count = 0
            var start = query.startIndex
            while start < query.endIndex {
                let end = firstIndex(of: UInt8(ascii: "&"), in: query[start...], ascii: ascii) ?? query.endIndex
                if start < end {
                    scratch.initializeElement(at: count, to: start..<end)
                    count += 1
                }
                start = end < query.endIndex ? query.index(after: end) : end
            }
            var pairs = UnsafeMutableBufferPointer(rebasing: scratch[..<count])
            defer { pairs.deinitialize() }
            var hasMarket = false
            for range in pairs where name(of: query[range], ascii: ascii) == "market" {
                if query[range].count > "market=".count { hasMarket = true }
            }
            if count > 1 {
                pairs.sort { lhs, rhs in
                    let (left, right) = (name(of: query[lhs], ascii: ascii), name(of: query[rhs], ascii: ascii))
                    return left == right ? query[lhs] < query[rhs] : left < right
                }
            }
            for (position, range) in pairs.enumerated() {
                text += position == 0 ? prefix : "&"
                text += query[range]
            }
            return hasMarket
        }
    }

    private static func name(of pair: Substring, ascii: Bool) -> Substring {
        firstIndex(of: UInt8(ascii: "="), in: pair, ascii: ascii).map { pair[..<$0] } ?? pair
    }

    private static func firstIndex(of byte: UInt8, in text: Substring, ascii: Bool) -> Substring.Index? {
        ascii ? text.firstUTF8Index(of: byte) : text.firstIndex(of: Character(Unicode.Scalar(byte)))
    }
}
