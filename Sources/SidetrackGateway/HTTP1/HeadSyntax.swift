import NIOHTTP1

/// Byte-level rules of an HTTP/1 head (RFC 9112 §2, §5) that request heads, response heads and
/// chunked trailers share.
enum HeadSyntax {
    enum HeadEnd {
        case found(Int)
        case notYet
        /// A line ended in a bare LF, or the head does not start with a token: failing at once
        /// beats waiting for a blank line that a peer speaking something else never sends.
        case invalid
    }

    /// Where the head ends (just past its blank line, `CRLF CRLF`), searching from `start`.
    static func headEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> HeadEnd {
        // (A lone CR may be the start of one more empty line before a request line.)
        if let first = bytes.first, !HTTPFieldCheck.isTokenByte(first), !(first == UInt8(ascii: "\r") && bytes.count == 1) {
            return .invalid
        }
        var index = max(start, 1)
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                guard bytes[index - 1] == UInt8(ascii: "\r") else { return .invalid }
                // Every LF before this one was checked to follow a CR, so LF at index-2 is a CRLF.
                if index >= 3, bytes[index - 2] == UInt8(ascii: "\n") { return .found(index + 1) }
            }
            index += 1
        }
        return .notYet
    }

    /// One field line starting at `start`: the name and the value without surrounding whitespace,
    /// and where the next line starts.
    static func parseField(
        _ bytes: UnsafeRawBufferPointer, at start: Int
    ) -> Result<(name: Range<Int>, value: Range<Int>, next: Int), HTTPParserError> {
        var index = start
        // No whitespace before the colon, and no obs-fold (a line starting with SP or HTAB).
        while index < bytes.count, HTTPFieldCheck.isTokenByte(bytes[index]) { index += 1 }
        guard index > start, index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return .failure(.invalidHeaderToken) }
        let name = start..<index
        index += 1
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
        let valueStart = index
        var valueEnd = index
        while index < bytes.count, isValueByte(bytes[index]) {
            index += 1
            if bytes[index - 1] != UInt8(ascii: " "), bytes[index - 1] != UInt8(ascii: "\t") { valueEnd = index }
        }
        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\r"), bytes[index + 1] == UInt8(ascii: "\n") else {
            return .failure(.invalidHeaderToken)
        }
        return .success((name, valueStart..<valueEnd, index + 2))
    }

    /// field-vchar, SP and HTAB (obs-text included); no CR, LF, NUL or other control character.
    @inline(__always)
    static func isValueByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\t") || (byte >= 0x20 && byte != 0x7F)
    }

    /// Whether `bytes` equals the lower-case ASCII `name` in any case.
    static func equalsLowercase(_ bytes: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        guard bytes.count == name.utf8CodeUnitCount else { return false }
        let expected = name.utf8Start
        for index in 0..<bytes.count {
            let byte = bytes[index]
            let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            if lower != expected[index] { return false }
        }
        return true
    }

    /// A `Content-Length` value: 1 to 18 decimal digits, nothing else.
    static func decimal(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard (1...18).contains(bytes.count) else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
