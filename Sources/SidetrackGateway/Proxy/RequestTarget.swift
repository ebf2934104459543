/// The path and query parts of an origin-form request target, split at its first `?`. Runs on
/// every request (stage 1 and the cache key), so the split is found byte-wise.
enum RequestTarget {
    /// What follows the first `?` of a request target (empty without one).
    static func query(of pathAndQuery: Substring) -> Substring {
        query(of: pathAndQuery, afterPath: path(of: pathAndQuery))
    }

    /// The query, given the path `path(of:)` cut from the same target (a slice of it): the query
    /// starts one byte after the path ends, so the `?` is not searched for a second time. That `?`
    /// is a Character of its own, so the byte after it begins a Character.
    static func query(of pathAndQuery: Substring, afterPath path: Substring) -> Substring {
        guard path.endIndex < pathAndQuery.endIndex else { return "" }
        return pathAndQuery[pathAndQuery.utf8.index(after: path.endIndex)...]
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
