/// Estimates of what values cost on the heap, for the memory tier's budget: glibc malloc adds a
/// 16-byte header and rounds each allocation up to 16 bytes; Swift's native objects start with a
/// 16-byte header, and strings and arrays with 32 bytes of storage header.
enum HeapSize {
    /// One malloc'd block holding `payload` bytes.
    static func allocation(_ payload: Int) -> Int {
        (payload + 16 + 15) & ~15
    }

    /// A string's storage; strings of up to 15 UTF-8 bytes live inline and cost nothing extra.
    static func string(_ value: String?) -> Int {
        guard let value else { return 0 }
        let count = value.utf8.count
        return count <= 15 ? 0 : allocation(32 + count + 1)
    }

    /// An array's storage of `count` elements of `stride` bytes each.
    static func array(count: Int, stride: Int) -> Int {
        count == 0 ? 0 : allocation(32 + count * stride)
    }

    /// A NIO `ByteBuffer`'s storage object plus its byte allocation.
    static func buffer(capacity: Int) -> Int {
        allocation(64) + allocation(capacity)
    }
}
