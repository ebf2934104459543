import Foundation
import Testing

@testable import SidetrackObservability

@Suite("LogSink")
struct LogSinkTests {
    @Test("lines come out in order, newline-terminated, after flush")
    func flushOrdering() {
        let output = CollectedOutput()
        let sink = LogSink(capacityBytes: 1 << 20) { output.append($0) }
        for index in 0..<1000 { sink.write(Array("line \(index)".utf8)) }
        sink.write(bytes: "last".utf8)
        #expect(sink.flush(timeout: .seconds(10)))
        let lines = output.lines
        #expect(lines.count == 1001)
        #expect(lines.first == "line 0")
        #expect(lines[999] == "line 999")
        #expect(lines.last == "last")
        #expect(sink.droppedLineCount == 0)
    }

    @Test("when the buffer is full, lines are dropped and counted; nothing is reordered")
    func dropWhenFull() {
        let output = CollectedOutput()
        let writerEntered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let firstBatch = FirstCall()
        // 10-byte lines ("line-XXXX" + newline); room for 5 while the writer is stuck.
        let sink = LogSink(capacityBytes: 50) { batch in
            if firstBatch.take() {
                writerEntered.signal()
                _ = release.wait(timeout: .now() + 10)
            }
            output.append(batch)
        }
        sink.write(Array("line-0000".utf8))
        #expect(writerEntered.wait(timeout: .now() + 10) == .success)
        for index in 1...20 { sink.write(Array(String(format: "line-%04d", index).utf8)) }
        #expect(sink.droppedLineCount == 15)
        release.signal()
        #expect(sink.flush(timeout: .seconds(10)))
        #expect(output.lines == (0...5).map { String(format: "line-%04d", $0) })
        sink.write(Array("after".utf8))
        #expect(sink.flush(timeout: .seconds(10)))
        #expect(output.lines.last == "after")
        #expect(sink.droppedLineCount == 15)
    }

    @Test("lines given as borrowed bytes: in order with the others, dropped whole when they overflow")
    func borrowedLines() {
        let output = CollectedOutput()
        let writerEntered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let firstBatch = FirstCall()
        let sink = LogSink(capacityBytes: 50) { batch in
            if firstBatch.take() {
                writerEntered.signal()
                _ = release.wait(timeout: .now() + 10)
            }
            output.append(batch)
        }
        Self.write("line-0000", to: sink)
        #expect(writerEntered.wait(timeout: .now() + 10) == .success)
        // The writer holds the first batch: 50 bytes of room. 30 + 1 fit; the 25-byte line does not.
        Self.write(String(repeating: "a", count: 30), to: sink)
        Self.write(String(repeating: "b", count: 25), to: sink)
        sink.write(Array("line-0002".utf8))
        #expect(sink.droppedLineCount == 1)
        release.signal()
        #expect(sink.flush(timeout: .seconds(10)))
        #expect(output.lines == ["line-0000", String(repeating: "a", count: 30), "line-0002"])
        sink.shutdown()
        Self.write("after shutdown", to: sink)
        #expect(sink.droppedLineCount == 2)
    }

    private static func write(_ text: String, to sink: LogSink) {
        Array(text.utf8).withUnsafeBufferPointer { sink.write(line: $0) }
    }

    @Test("a buffer grown by a burst is given back after it is written; a normal one is reused")
    func burstBufferIsReleased() {
        var grown = [UInt8](repeating: 0x61, count: 300 * 1024)
        LogSink.recycle(&grown, keeping: 64 * 1024)
        #expect(grown.isEmpty)
        #expect(grown.capacity >= 64 * 1024 && grown.capacity < 128 * 1024)

        var normal = [UInt8]()
        normal.reserveCapacity(64 * 1024)
        normal.append(contentsOf: Array(repeating: 0x61, count: 1000))
        let capacity = normal.capacity
        LogSink.recycle(&normal, keeping: 64 * 1024)
        #expect(normal.isEmpty)
        #expect(normal.capacity == capacity)
    }

    @Test("a line larger than the whole buffer is dropped, and writes after shutdown are counted")
    func oversizeAndShutdown() {
        let output = CollectedOutput()
        let sink = LogSink(capacityBytes: 8) { output.append($0) }
        sink.write(Array(repeating: UInt8(ascii: "x"), count: 8))
        sink.write(Array("ok".utf8))
        sink.shutdown()
        sink.write(Array("late".utf8))
        #expect(output.lines == ["ok"])
        #expect(sink.droppedLineCount == 2)
    }

    @Test("file descriptor output writes every line to the descriptor")
    func fileDescriptorOutput() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let sink = LogSink(fileDescriptor: fds[1], capacityBytes: 4096)
        sink.write(Array(#"{"msg":"a"}"#.utf8))
        sink.write(Array(#"{"msg":"b"}"#.utf8))
        #expect(sink.flush(timeout: .seconds(10)))
        close(fds[1])
        var received = [UInt8](repeating: 0, count: 256)
        let count = read(fds[0], &received, received.count)
        #expect(String(decoding: received.prefix(max(0, count)), as: UTF8.self) == "{\"msg\":\"a\"}\n{\"msg\":\"b\"}\n")
    }
}

/// True exactly once.
final class FirstCall: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var taken = false

    func take() -> Bool {
        self.lock.lock()
        defer { self.lock.unlock() }
        if self.taken { return false }
        self.taken = true
        return true
    }
}
