/// Writes bytes through a pointer into room made beforehand (an access line on the stack, a cache
/// key inside its string's storage).
///
/// An access line is some sixty small appends. On an `Array` each is a call that checks the
/// buffer's uniqueness and capacity, and those calls were most of the line's encoding cost. Here a
/// write is a compare and a store. Nothing is ever written past the room: a write that does not fit
/// is dropped and marks the writer `overflowed`, and the caller either tries again with more room
/// or (sized for the worst case) traps.
public struct ByteWriter {
    @usableFromInline let start: UnsafeMutablePointer<UInt8>
    @usableFromInline var cursor: UnsafeMutablePointer<UInt8>
    @usableFromInline let end: UnsafeMutablePointer<UInt8>
    @usableFromInline var overflowFlag = false

    /// A write did not fit; what was written is incomplete.
    @inlinable
    public var overflowed: Bool { overflowFlag }

    public init(_ room: UnsafeMutableBufferPointer<UInt8>) {
        // A zero-byte room may have no base address; the writer then refuses every write.
        let base = room.baseAddress ?? UnsafeMutablePointer(bitPattern: 1)!
        start = base
        cursor = base
        end = base + room.count
    }

    /// Bytes written so far.
    @inlinable
    public var count: Int { cursor - start }

    @inlinable @inline(__always)
    public mutating func write(_ byte: UInt8) {
        guard cursor < end else {
            overflowFlag = true
            return
        }
        cursor.initialize(to: byte)
        cursor += 1
    }

    @inlinable @inline(__always)
    public mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        guard end - cursor >= bytes.count else {
            overflowFlag = true
            return
        }
        cursor.initialize(from: base, count: bytes.count)
        cursor += bytes.count
    }

    @inlinable @inline(__always)
    public mutating func write(_ literal: StaticString) {
        write(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
