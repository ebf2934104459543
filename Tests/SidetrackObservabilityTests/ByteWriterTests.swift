import SidetrackCore
import Testing

@testable import SidetrackObservability

@Suite("ByteWriter")
struct ByteWriterTests {
    @Test("bytes, runs and literals land in order; only what was written is appended")
    func writesInOrder() {
        var out = Array("ab".utf8)
        out.appendWriting(maxBytes: 64) { writer in
            writer.write(UInt8(ascii: "c"))
            Array("de".utf8).withUnsafeBufferPointer { writer.write($0) }
            writer.write(UnsafeBufferPointer(start: nil, count: 0))
            writer.write("fgh")
            #expect(writer.count == 6)
        }
        #expect(String(decoding: out, as: UTF8.self) == "abcdefgh")
    }

    @Test("a room filled exactly, and an empty one left empty")
    func exactRoom() {
        var out: [UInt8] = []
        out.appendWriting(maxBytes: 3) { $0.write("xyz") }
        out.appendWriting(maxBytes: 0) { #expect($0.count == 0) }
        #expect(out == Array("xyz".utf8))
    }

    @Test("a write that does not fit is dropped whole and marks the writer")
    func overflowIsDroppedAndMarked() {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4) { room in
            var writer = ByteWriter(room)
            writer.write("abc")
            writer.write("de")
            #expect(writer.overflowed)
            #expect(writer.count == 3)
            writer.write(UInt8(ascii: "f"))
            writer.write(UInt8(ascii: "g"))
            #expect(writer.count == 4)
            #expect(String(decoding: UnsafeBufferPointer(rebasing: room[..<writer.count]), as: UTF8.self) == "abcf")
        }
    }

    @Test("JSON strings, numbers and timestamps written through the writer match the array forms")
    func sameAsArrayForms() {
        let text = "a\"b\\c\n\u{1}é"
        var viaWriter: [UInt8] = []
        viaWriter.appendWriting(maxBytes: JSONBytes.maxStringBytes(text) + 2 * JSONBytes.maxNumberBytes + LogTimestamp.encodedBytes) {
            JSONBytes.writeString(text, to: &$0)
            JSONBytes.writeInt(-42, to: &$0)
            JSONBytes.writeFixed3(.nan, to: &$0)
            LogTimestamp(millisecondsSinceEpoch: 0).write(to: &$0)
        }
        #expect(String(decoding: viaWriter, as: UTF8.self) == #""a\"b\\c\n\u0001é"-420.0001970-01-01T00:00:00.000Z"#)
    }
}
