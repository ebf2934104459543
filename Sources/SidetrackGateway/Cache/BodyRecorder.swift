import NIOCore

/// Keeps a copy of the body as the client receives it, so a complete answer can be stored and
/// shared with coalesced followers. Gives up (and frees the copy) past `limit` bytes: big answers
/// stream through uncached rather than holding memory.
struct BodyRecorder {
    private(set) var body: ByteBuffer
    private let limit: Int
    private(set) var overflowed = false

    init(limit: Int, allocator: ByteBufferAllocator, expected: Int?) {
        self.limit = limit
        body = allocator.buffer(capacity: min(expected ?? 4096, limit))
    }

    mutating func append(_ chunk: ByteBuffer) {
        guard !overflowed else { return }
        guard body.readableBytes + chunk.readableBytes <= limit else {
            overflowed = true
            body = ByteBuffer()
            return
        }
        var copy = chunk
        body.writeBuffer(&copy)
    }
}
