extension Substring {
    /// The index of the first UTF-8 byte equal to `byte`, searched over the string's contiguous
    /// bytes (a native string's) rather than index by index through `UTF8View`'s generic path, which
    /// showed in a cache hit's profile (a request target's `?` is looked for on every request).
    /// A `String` bridged from elsewhere (no contiguous bytes) falls back to that path.
    public func firstUTF8Index(of byte: UInt8) -> Index? {
        let bytes = utf8
        if let offset = bytes.withContiguousStorageIfAvailable({ $0.firstIndex(of: byte) }) {
            return offset.map { bytes.index(bytes.startIndex, offsetBy: $0) }
        }
        return bytes.firstIndex(of: byte)
    }
}
