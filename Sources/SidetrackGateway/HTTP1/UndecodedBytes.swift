import NIOCore

/// What the two HTTP/1 decoders (`RequestSequencer`'s, `UpstreamResponseDecoder`) keep between reads.
enum UndecodedBytes {
    /// The bytes to keep after decoding `buffer`: its undecoded rest, then `arrived` (bytes that
    /// came in while the decoded parts were being fired); nil when there are none.
    ///
    /// A rest after a decoded message is a partial head or framing line: just those bytes are
    /// copied out, not the read's whole buffer (whose body slices may still be on their way).
    /// A buffer nothing was taken from is kept as it is and later reads appended to it, so a head
    /// arriving a byte at a time is not copied once per byte.
    static func keep(_ buffer: inout ByteBuffer, then arrived: ByteBuffer?, allocator: ByteBufferAllocator) -> ByteBuffer? {
        guard buffer.readableBytes > 0 else { return arrived }
        if buffer.readerIndex > 0 {
            var rest = allocator.buffer(capacity: buffer.readableBytes + (arrived?.readableBytes ?? 0))
            rest.writeBuffer(&buffer)
            if var arrived { rest.writeBuffer(&arrived) }
            return rest
        }
        if var arrived { buffer.writeBuffer(&arrived) }
        return buffer
    }
}
