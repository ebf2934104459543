import NIOCore

/// Chunked transfer coding for a body written part by part. A chunk's closing CRLF is held back and
/// written in front of the next chunk's size line (or the last chunk), so each chunk costs two
/// buffers in the `writev` (size line, data), not three.
struct ChunkFramer {
    private var pendingCRLF = false

    /// The size line for a non-empty chunk of `count` bytes (an empty one would end the body).
    mutating func sizeLine(for count: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        var line = allocator.buffer(capacity: 16)
        if pendingCRLF { line.writeStaticString("\r\n") }
        line.writeString(String(count, radix: 16))
        line.writeStaticString("\r\n")
        pendingCRLF = true
        return line
    }

    /// The last chunk, ending the body.
    mutating func lastChunk(allocator: ByteBufferAllocator) -> ByteBuffer {
        var last = allocator.buffer(capacity: 8)
        if pendingCRLF { last.writeStaticString("\r\n") }
        last.writeStaticString("0\r\n\r\n")
        pendingCRLF = false
        return last
    }
}
