import NIOCore
import Testing

@testable import SidetrackGateway

/// The chunked framing's bytes, and its buffers: size lines reuse storage only once it is free,
/// and the last chunk is a shared constant.
@Suite struct ChunkFramerTests {
    private let allocator = ByteBufferAllocator()

    @Test func sizeLinesCarryTheLastChunksCRLFAndEndWithTheLastChunk() {
        var framer = ChunkFramer()
        var lines = HeadBufferRecycler()
        #expect(String(buffer: framer.sizeLine(for: 5, lines: &lines, allocator: allocator)) == "5\r\n")
        #expect(String(buffer: framer.sizeLine(for: 255, lines: &lines, allocator: allocator)) == "\r\nff\r\n")
        #expect(String(buffer: framer.lastChunk()) == "\r\n0\r\n\r\n")
        // A body with no chunk at all ends with the bare last chunk.
        var empty = ChunkFramer()
        #expect(String(buffer: empty.lastChunk()) == "0\r\n\r\n")
    }

    @Test func aSizeLineStillQueuedIsNeverWrittenOver() {
        var framer = ChunkFramer()
        var lines = HeadBufferRecycler()
        let queued = framer.sizeLine(for: 0x1234, lines: &lines, allocator: allocator)
        let next = framer.sizeLine(for: 7, lines: &lines, allocator: allocator)
        #expect(String(buffer: queued) == "1234\r\n")
        #expect(String(buffer: next) == "\r\n7\r\n")
    }

    @Test func aSizeLineTheSocketLetGoOfLendsItsStorageToTheNext() {
        var framer = ChunkFramer()
        var lines = HeadBufferRecycler()
        var written = framer.sizeLine(for: 16, lines: &lines, allocator: allocator)
        let storage = written.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        written = ByteBuffer()  // the socket has written it and let go
        let next = framer.sizeLine(for: 17, lines: &lines, allocator: allocator)
        #expect(next.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } == storage)
        #expect(String(buffer: next) == "\r\n11\r\n")
    }
}
