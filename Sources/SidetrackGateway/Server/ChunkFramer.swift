import NIOCore

/// Chunked transfer coding for a body written part by part. A chunk's closing CRLF is held back and
/// written in front of the next chunk's size line (or the last chunk), so each chunk costs two
/// buffers in the `writev` (size line, data), not three.
struct ChunkFramer {
    private var pendingCRLF = false

    /// The size line for a non-empty chunk of `count` bytes (an empty one would end the body),
    /// written into `lines`' spare buffer when the socket is done with the last one.
    mutating func sizeLine(for count: Int, lines: inout HeadBufferRecycler, allocator: ByteBufferAllocator) -> ByteBuffer {
        var line = lines.take(allocator: allocator, capacity: 16)
        if pendingCRLF { line.writeStaticString("\r\n") }
        line.writeString(String(count, radix: 16))
        line.writeStaticString("\r\n")
        pendingCRLF = true
        lines.keep(line)
        return line
    }

    /// The last chunk, ending the body: one of two constant buffers, shared by every connection
    /// (only ever read), so ending a chunked answer allocates nothing.
    mutating func lastChunk() -> ByteBuffer {
        defer { pendingCRLF = false }
        return pendingCRLF ? Self.crlfLastChunk : Self.lastChunk
    }

    private static let lastChunk = ByteBuffer(staticString: "0\r\n\r\n")
    private static let crlfLastChunk = ByteBuffer(staticString: "\r\n0\r\n\r\n")
}
