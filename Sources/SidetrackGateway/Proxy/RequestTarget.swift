/// The path and query parts of an origin-form request target, split at its first `?`. Runs on
/// every request (stage 1 and the cache key), so the split is found byte-wise.
enum RequestTarget {
    /// What follows the first `?` of a request target (empty without one).
    static func query(of pathAndQuery: Substring) -> Substring {
        guard let mark = queryMark(in: pathAndQuery) else { return "" }
        return pathAndQuery[pathAndQuery.index(after: mark)...]
    }

    /// The request target without its query.
    static func path(of pathAndQuery: Substring) -> Substring {
        queryMark(in: pathAndQuery).map { pathAndQuery[..<$0] } ?? pathAndQuery
    }

    /// The first `?` that is a Character of its own. Searched byte-wise: a Character-wise search
    /// (grapheme breaking) over every target was a visible share of a cache hit. Only a non-ASCII
    /// neighbour can join `?` into a larger Character; then the search is Character-wise again.
    private static func queryMark(in target: Substring) -> Substring.Index? {
        let bytes = target.utf8
        guard let mark = target.firstUTF8Index(of: UInt8(ascii: "?")) else { return nil }
        let after = bytes.index(after: mark)
        let joinsNeighbour =
            (mark > bytes.startIndex && bytes[bytes.index(before: mark)] >= 0x80)
            || (after < bytes.endIndex && bytes[after] >= 0x80)
        return joinsNeighbour ? target.firstIndex(of: "?") : mark
    }
}
