/// Header-name comparisons on the request path without lower-casing into new strings or hashing:
/// every proxied request sorts each of its headers (and its answer's) into forwarded or not.
public enum HeaderName {
    /// Whether `name` equals `lowercase` (a lower-case ASCII literal), ignoring ASCII case.
    @inlinable
    public static func equals(_ name: String, _ lowercase: StaticString) -> Bool {
        let count = lowercase.utf8CodeUnitCount
        guard name.utf8.count == count else { return false }
        let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: count)
        var index = 0
        for byte in name.utf8 {
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            if folded != expected[index] { return false }
            index += 1
        }
        return true
    }
}
