import NIOCore

/// One connection's spare response-head buffer. The head written for the last answer is back to a
/// single owner (this) once the socket has taken its bytes, so the next answer's head reuses that
/// storage: two allocations fewer per answer (the storage object and its bytes) on a keep-alive
/// connection. A head still queued behind a full socket is shared, and `ByteBuffer.clear()` then
/// allocates afresh, as before.
struct HeadBufferRecycler {
    private var spare: ByteBuffer?

    /// Heads this big are not kept: one odd answer should not pin its memory for the connection's life.
    static let maxKeptCapacity = 16 * 1024

    /// A buffer to write the next head into: the spare when there is one, else a new one.
    mutating func take(allocator: @autoclosure () -> ByteBufferAllocator, capacity: Int = 512) -> ByteBuffer {
        guard var buffer = spare.take() else { return allocator().buffer(capacity: capacity) }
        buffer.clear()
        return buffer
    }

    /// Keeps a finished head (which is also being written) to reuse once the write is done.
    mutating func keep(_ head: ByteBuffer) {
        spare = head.capacity <= Self.maxKeptCapacity ? head : nil
    }
}
