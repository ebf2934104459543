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

    /// Calls `body` with the pairs of an ASCII query (without `?`) as byte ranges in canonical
    /// order (the order `append` writes them in), and whether one names a `market`.
    static func withSortedPairs<Result>(
        _ query: UnsafeBufferPointer<UInt8>, _ body: (UnsafeMutableBufferPointer<Range<Int>>, Bool) -> Result
    ) -> Result {
        // One more than the number of `&`: an upper bound on the pairs.
        let bound = query.reduce(1) { count, byte in byte == UInt8(ascii: "&") ? count + 1 : count }
        return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: bound) { scratch in
            var count = 0
            var start = 0
            while start < query.count {
                var end = start
                while end < query.count, query[end] != UInt8(ascii: "&") { end += 1 }
                if start < end {
                    scratch.initializeElement(at: count, to: start..<end)
                    count += 1
                }
                start = end + 1
            }
            var pairs = UnsafeMutableBufferPointer(rebasing: scratch[..<count])
            defer { pairs.deinitialize() }
            let marketName: StaticString = "market"
            let market = UnsafeBufferPointer(start: marketName.utf8Start, count: marketName.utf8CodeUnitCount)
            var hasMarket = false
            for pair in pairs where pair.count > market.count + 1 {
                let name = nameBytes(of: pair, in: query)
                if name.elementsEqual(market) { hasMarket = true }
            }
            if count > 1 {
                pairs.sort { lhs, rhs in
                    let (left, right) = (nameBytes(of: lhs, in: query), nameBytes(of: rhs, in: query))
                    return left.elementsEqual(right)
                        ? query[lhs].lexicographicallyPrecedes(query[rhs])
                        : left.lexicographicallyPrecedes(right)
                }
            }
            return body(pairs, hasMarket)
        }
    }

    /// A pair's name: the bytes before its first `=` (all of it without one).
    private static func nameBytes(of pair: Range<Int>, in query: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>> {
        let equals = query[pair].firstIndex(of: UInt8(ascii: "=")) ?? pair.upperBound
        return query[pair.lowerBound..<equals]
    }

    private static func name(of pair: Substring, ascii: Bool) -> Substring {
        firstIndex(of: UInt8(ascii: "="), in: pair, ascii: ascii).map { pair[..<$0] } ?? pair
    }

    private static func firstIndex(of byte: UInt8, in text: Substring, ascii: Bool) -> Substring.Index? {
        ascii ? text.firstUTF8Index(of: byte) : text.firstIndex(of: Character(Unicode.Scalar(byte)))
    }
}
