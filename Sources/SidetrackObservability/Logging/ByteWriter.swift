/// Writes bytes through a pointer into room made beforehand (`[UInt8].appendWriting`).
///
/// An access line is some sixty small appends. On an `Array` each is a call that checks the
/// buffer's uniqueness and capacity, and those calls were most of the line's encoding cost. Here a
/// write is a compare and a store. Nothing is ever written past the room: a write that does not fit
/// is dropped and marks the writer `overflowed`, and the caller either tries again with more room
/// or (sized for the worst case) traps.
struct ByteWriter {
    private let start: UnsafeMutablePointer<UInt8>
    private var cursor: UnsafeMutablePointer<UInt8>
    private let end: UnsafeMutablePointer<UInt8>
    /// A write did not fit; what was written is incomplete.
    private(set) var overflowed = false

    init(_ room: UnsafeMutableBufferPointer<UInt8>) {
        // A zero-byte room may have no base address; the writer then refuses every write.
        let base = room.baseAddress ?? UnsafeMutablePointer(bitPattern: 1)!
        start = base
        cursor = base
        end = base + room.count
    }

    /// Bytes written so far.
    var count: Int { cursor - start }

    @inline(__always)
    mutating func write(_ byte: UInt8) {
        guard cursor < end else {
            overflowed = true
            return
        }
        cursor.initialize(to: byte)
        cursor += 1
    }

    @inline(__always)
    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        guard end - cursor >= bytes.count else {
            overflowed = true
            return
        }
        cursor.initialize(from: base, count: bytes.count)
        cursor += bytes.count
    }

    @inline(__always)
    mutating func write(_ literal: StaticString) {
        write(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}

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
