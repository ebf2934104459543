import SidetrackCore

extension Array where Element == UInt8 {
    /// Appends what `body` writes, which must be at most `maxBytes` bytes (traps otherwise): written
    /// into a temporary room (on the stack up to 1 KiB), then appended in one copy.
    @inline(__always)
    mutating func appendWriting(maxBytes: Int, _ body: (inout ByteWriter) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxBytes) { room in
            var writer = ByteWriter(room)
            body(&writer)
            precondition(!writer.overflowed, "ByteWriter: more than the \(maxBytes) bytes promised")
            append(contentsOf: UnsafeBufferPointer(rebasing: room[..<writer.count]))
        }
    }
}
