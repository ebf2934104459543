import NIOCore
import NIOHTTP1
import SidetrackCore

/// Writes an HTTP/1 response head as bytes: status line, header fields, blank line.
///
/// Every field is checked as NIO's `NIOHTTPResponseHeadersValidator` checks it (`HTTPFieldCheck`), so
/// nothing a tampered cache entry or an upstream holds can split a response. A head that fails is
/// not to be sent (`isValid`).
struct ResponseHeadWriter {
    private var buffer: ByteBuffer
    /// False once a field or the reason phrase failed the checks.
    private(set) var isValid = true

    init(version: HTTPVersion, status: HTTPResponseStatus, allocator: ByteBufferAllocator, capacity: Int = 512) {
        buffer = allocator.buffer(capacity: capacity)
        writeStatusLine(version: version, status: status)
    }

    /// A writer of header fields alone, without a status line (`fieldLines`): for fields encoded
    /// once and copied into many heads (`writer.add(lines:)`).
    init(fieldsWith allocator: ByteBufferAllocator) {
        buffer = allocator.buffer(capacity: 128)
    }

    /// What a `init(fieldsWith:)` writer holds: field lines, each ending in CRLF, no blank line.
    func fieldLines() -> ByteBuffer {
        buffer
    }

    /// Writes into the connection's recycled head buffer when it is free again. The buffer is
    /// taken here, not passed in: an argument is still referenced by the caller while the first
    /// bytes go in, and that first write would copy it (the allocation this exists to save).
    /// `allocator` is asked for only when there is no spare buffer (`channel.allocator` costs a
    /// retain and release of the channel and its event loop).
    init(
        version: HTTPVersion, status: HTTPResponseStatus, heads: inout HeadBufferRecycler,
        allocator: @autoclosure () -> ByteBufferAllocator
    ) {
        buffer = heads.take(allocator: allocator())
        writeStatusLine(version: version, status: status)
    }

    private mutating func writeStatusLine(version: HTTPVersion, status: HTTPResponseStatus) {
        // Nearly every answer: one write instead of two.
        if status == .ok, version.major == 1, version.minor == 1 {
            buffer.writeStaticString("HTTP/1.1 200 OK\r\n")
            return
        }
        switch (version.major, version.minor) {
        case (1, 1): buffer.writeStaticString("HTTP/1.1 ")
        case (1, 0): buffer.writeStaticString("HTTP/1.0 ")
        default:
            buffer.writeStaticString("HTTP/")
            buffer.writeString(String(version.major))
            buffer.writeStaticString(".")
            buffer.writeString(String(version.minor))
            buffer.writeStaticString(" ")
        }
        if status == .ok {
            buffer.writeStaticString("200 OK\r\n")
        } else {
            let reason = status.reasonPhrase
            isValid = HTTPFieldCheck.isValidValue(reason)
            buffer.writeString(String(status.code))
            buffer.writeStaticString(" ")
            buffer.writeString(reason)
            buffer.writeStaticString("\r\n")
        }
    }

    /// A field whose name and value both need checking (anything not spelled out in Sidetrack's code).
    /// Written piece by piece: through `writeDirect` (two `withUTF8` scopes) an upstream head's
    /// fields measured ~2 % slower on pass-through.
    mutating func add(name: String, value: String) {
        if !HTTPFieldCheck.isValidName(name) || !HTTPFieldCheck.isValidValue(value) { isValid = false }
        buffer.writeString(name)
        buffer.writeStaticString(": ")
        buffer.writeString(value)
        buffer.writeStaticString("\r\n")
    }

    /// A field named by Sidetrack; only the value is checked.
    mutating func add(_ name: StaticString, value: String) {
        if !HTTPFieldCheck.isValidValue(value) { isValid = false }
        var value = value
        value.withUTF8 { value in
            writeDirect(maxBytes: name.utf8CodeUnitCount + value.count + 4) { out in
                out.write(name)
                out.write(": ")
                out.write(value)
                out.write("\r\n")
            }
        }
    }

    /// `X-Request-ID`: a generated id's digits go straight into the head (no `String` for it);
    /// a caller's id, well-formed by `RequestID.isWellFormed`, is checked like any value.
    mutating func add(_ name: StaticString, id: CorrelationID) {
        guard id.isGenerated else {
            add(name, value: id.description)
            return
        }
        id.withUTF8 { digits in
            writeDirect(maxBytes: name.utf8CodeUnitCount + digits.count + 4) { out in
                out.write(name)
                out.write(": ")
                out.write(digits)
                out.write("\r\n")
            }
        }
    }

    /// A field named by Sidetrack with a number for its value (`Content-Length`, `Age`), its digits
    /// written straight into the head (no `String` per number).
    mutating func add(_ name: StaticString, value: Int) {
        writeDirect(maxBytes: name.utf8CodeUnitCount + 25) { out in
            out.write(name)
            out.write(": ")
            if value < 0 { out.write(UInt8(ascii: "-")) }
            DecimalDigits.withDigits(of: UInt64(value.magnitude)) { out.write($0) }
            out.write("\r\n")
        }
    }

    /// `Server-Timing: upstream;dur=M.T`: the time spent upstream in milliseconds, to a tenth,
    /// its digits written straight into the head.
    mutating func addUpstreamTiming(nanos: UInt64) {
        let tenths = (nanos + 50_000) / 100_000
        writeDirect(maxBytes: 64) { out in
            out.write("server-timing: upstream;dur=")
            DecimalDigits.withDigits(of: tenths / 10) { out.write($0) }
            out.write(UInt8(ascii: "."))
            DecimalDigits.withDigits(of: tenths % 10) { out.write($0) }
            out.write("\r\n")
        }
    }

    /// Writes a field through a `ByteWriter` straight into the buffer's free space: one call into
    /// NIO per field instead of one per piece (`writeStaticString` and `writeString` each check the
    /// buffer's uniqueness and bounds; four of them per field were ~1 % of a cache hit).
    private mutating func writeDirect(maxBytes: Int, _ body: (inout ByteWriter) -> Void) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: maxBytes) { raw in
            let room = UnsafeMutableBufferPointer(start: raw.baseAddress!.assumingMemoryBound(to: UInt8.self), count: raw.count)
            var out = ByteWriter(room)
            body(&out)
            precondition(!out.overflowed, "ResponseHeadWriter: field longer than its room")
            return out.count
        }
    }

    /// Field lines already encoded and checked (`name: value\r\n` each): a stored answer's fields.
    mutating func add(lines: ByteBuffer) {
        buffer.writeImmutableBuffer(lines)
    }

    /// Ends the head with the blank line. Mutating, not `consuming`: a consuming method wrote to a
    /// copy of `buffer` and so copied the whole head (a malloc and a memcpy per answer).
    mutating func finish() -> ByteBuffer {
        buffer.writeStaticString("\r\n")
        return buffer
    }

    /// The finished head with `body` copied behind it, in the same buffer. Written here, while
    /// the writer holds the buffer's only reference: appending to what `finish()` returned would
    /// copy the whole buffer first (the returned value and the writer's would share it).
    mutating func finish(appending body: ByteBuffer) -> ByteBuffer {
        buffer.writeStaticString("\r\n")
        buffer.writeImmutableBuffer(body)
        return buffer
    }

    /// `finish(appending:)` for a body held as bytes (a local response's).
    mutating func finish(appending body: [UInt8]) -> ByteBuffer {
        buffer.writeStaticString("\r\n")
        buffer.writeBytes(body)
        return buffer
    }

    /// `Connection: close` added to a finished head (the server began draining after it was written).
    static func closing(_ head: ByteBuffer) -> ByteBuffer {
        var head = head
        head.moveWriterIndex(to: head.writerIndex - 2)
        head.writeStaticString("connection: close\r\n\r\n")
        return head
    }
}
