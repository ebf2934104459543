import NIOCore
import Testing

@testable import SidetrackGateway

@Suite struct HeadBufferRecyclerTests {
    private let allocator = ByteBufferAllocator()

    @Test func aHeadNoLongerHeldElsewhereLendsItsStorageToTheNext() {
        var heads = HeadBufferRecycler()
        var first = heads.take(allocator: allocator)
        first.writeString("HTTP/1.1 200 OK\r\n\r\n")
        heads.keep(first)
        let firstStorage = first.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        first = ByteBuffer()  // the socket has written it and let go
        let second = heads.take(allocator: allocator)
        #expect(second.readableBytes == 0)
        #expect(second.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } == firstStorage)
    }

    @Test func aHeadStillQueuedIsNeverWrittenOver() {
        var heads = HeadBufferRecycler()
        var queued = heads.take(allocator: allocator)
        queued.writeString("HTTP/1.1 200 OK\r\n\r\n")
        heads.keep(queued)  // `queued` stands for the copy a full socket still holds
        var next = heads.take(allocator: allocator)
        next.writeString("HTTP/1.1 404 Not Found\r\n\r\n")
        #expect(String(buffer: queued) == "HTTP/1.1 200 OK\r\n\r\n")
        #expect(String(buffer: next) == "HTTP/1.1 404 Not Found\r\n\r\n")
    }

    @Test func aHugeHeadIsNotKept() {
        var heads = HeadBufferRecycler()
        var huge = heads.take(allocator: allocator)
        huge.writeRepeatingByte(0x61, count: HeadBufferRecycler.maxKeptCapacity + 1)
        heads.keep(huge)
        huge = ByteBuffer()
        #expect(heads.take(allocator: allocator).capacity < HeadBufferRecycler.maxKeptCapacity)
    }

    @Test func theWriterFillsTheRecycledStorageItselfFromEmpty() {
        var heads = HeadBufferRecycler()
        var old = heads.take(allocator: allocator)
        old.writeString("stale bytes that must not reappear")
        heads.keep(old)
        let storage = old.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        old = ByteBuffer()
        var writer = ResponseHeadWriter(version: .http1_1, status: .ok, heads: &heads, allocator: allocator)
        writer.add("age", value: 3)
        var head = writer.finish()
        // Same storage: writing the head did not copy it (the point of recycling).
        #expect(head.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } == storage)
        #expect(head.readString(length: head.readableBytes) == "HTTP/1.1 200 OK\r\nage: 3\r\n\r\n")
    }
}
