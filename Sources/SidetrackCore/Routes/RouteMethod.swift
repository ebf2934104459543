/// The HTTP methods a route can have, as a small index into per-node route slots.
enum RouteMethod: Int, CaseIterable {
    case get, put, post, delete

    /// Parses an exact (case-sensitive, as HTTP methods are) method name from its UTF-8 bytes.
    init?(_ name: some StringProtocol) {
        var utf8 = name.utf8.makeIterator()
        // Pack up to 6 ASCII bytes into an integer: one comparison per known method.
        var packed: UInt64 = 0
        var length = 0
        while let byte = utf8.next() {
            length += 1
            guard length <= 6 else { return nil }
            packed = packed << 8 | UInt64(byte)
        }
        switch packed {
        case Self.pack("GET"): self = .get
        case Self.pack("PUT"): self = .put
        case Self.pack("POST"): self = .post
        case Self.pack("DELETE"): self = .delete
        default: return nil
        }
    }

    private static func pack(_ name: StaticString) -> UInt64 {
        var packed: UInt64 = 0
        name.withUTF8Buffer { for byte in $0 { packed = packed << 8 | UInt64(byte) } }
        return packed
    }
}
