/// Checks the shape of a request path before it is matched against the route table.
enum PathValidator {
    /// The end of the path's last segment (a single trailing slash excluded), or nil when the
    /// path must not match any route: no leading `/`, an empty segment (`//`, or `/` alone),
    /// or a dot segment (`.`, `..`, also percent-encoded as `%2e`) that an upstream might
    /// normalise into a different resource. A `?` or `#` ends the path (a query that slipped in).
    static func contentEnd(of path: UnsafeBufferPointer<UInt8>) -> Int? {
        var limit = 0
        while limit < path.count, path[limit] != UInt8(ascii: "?"), path[limit] != UInt8(ascii: "#") { limit += 1 }
        guard limit > 1, path[0] == UInt8(ascii: "/") else { return nil }

        var start = 1
        while true {
            var end = start
            while end < limit, path[end] != UInt8(ascii: "/") { end += 1 }
            if end == start {
                // Empty: only acceptable as the single trailing slash after a real segment.
                return end == limit && start > 1 ? start - 1 : nil
            }
            if isDotSegment(path, start..<end) { return nil }
            if end == limit { return end }
            start = end + 1
        }
    }

    private static func isDotSegment(_ path: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var dots = 0
        var offset = range.lowerBound
        while offset < range.upperBound {
            if path[offset] == UInt8(ascii: ".") {
                offset += 1
            } else if path[offset] == UInt8(ascii: "%"), offset + 2 < range.upperBound,
                path[offset + 1] == UInt8(ascii: "2"), path[offset + 2] | 0x20 == UInt8(ascii: "e")
            {
                offset += 3
            } else {
                return false
            }
            dots += 1
            if dots > 2 { return false }
        }
        return true
    }
}
