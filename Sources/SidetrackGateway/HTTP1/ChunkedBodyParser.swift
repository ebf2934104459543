import NIOCore
import NIOHTTP1

/// The chunked transfer coding's framing lines (RFC 9112 §7.1), for `BodyDecoder`: chunk-size
/// lines and the trailer section. Chunk data itself is sliced by the decoder.
enum ChunkedBodyParser {
    /// "\r\n" read as a big-endian `UInt16`.
    static let crlf: UInt16 = 0x0D0A
    /// The longest chunk-size line accepted, extensions included.
    static let sizeLineLimit = 1024

    enum SizeLine {
        case needMore
        case size(Int)
        case failure(HTTPParserError)
    }

    /// `chunk-size [chunk-ext] CRLF`: 1 to 15 hex digits; extensions are checked for control
    /// characters and ignored. Consumed only when whole.
    static func sizeLine(_ buffer: inout ByteBuffer) -> SizeLine {
        let result: (SizeLine, consumed: Int) = buffer.withUnsafeReadableBytes { bytes in
            let window = min(bytes.count, sizeLineLimit)
            guard let lf = bytes[..<window].firstIndex(of: UInt8(ascii: "\n")) else {
                return (bytes.count >= sizeLineLimit ? .failure(.invalidChunkSize) : .needMore, 0)
            }
            guard lf > 0, bytes[lf - 1] == UInt8(ascii: "\r") else { return (.failure(.invalidChunkSize), 0) }
            var size = 0
            var index = 0
            while index < lf - 1, let digit = hexValue(bytes[index]) {
                guard index < 15 else { return (.failure(.invalidChunkSize), 0) }
                size = size << 4 | digit
                index += 1
            }
            guard index > 0 else { return (.failure(.invalidChunkSize), 0) }
            // chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS value ] ): whitespace, then ";" and text.
            while index < lf - 1, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
            if index < lf - 1 {
                guard bytes[index] == UInt8(ascii: ";"),
                      bytes[index..<(lf - 1)].allSatisfy(HeadSyntax.isValueByte)
                else { return (.failure(.invalidChunkSize), 0) }
            }
            return (.size(size), lf + 1)
        }
        buffer.moveReaderIndex(forwardBy: result.consumed)
        return result.0
    }

    enum TrailerLine {
        case needMore
        /// One trailer field of this many bytes, skipped.
        case line(Int)
        /// The blank line that ends the message.
        case end
        case failure(HTTPParserError)
    }

    /// One line of the trailer section; fields are checked like header fields, then dropped
    /// (nothing in Sidetrack reads request trailers, and they are not forwarded).
    static func trailerLine(_ buffer: inout ByteBuffer) -> TrailerLine {
        let result: (TrailerLine, consumed: Int) = buffer.withUnsafeReadableBytes { bytes in
            guard let lf = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
                if let first = bytes.first, first != UInt8(ascii: "\r"), !HTTPFieldCheck.isTokenByte(first) {
                    return (.failure(.invalidHeaderToken), 0)
                }
                return (.needMore, 0)
            }
            if lf == 1, bytes[0] == UInt8(ascii: "\r") { return (.end, 2) }
            switch HeadSyntax.parseField(UnsafeRawBufferPointer(rebasing: bytes[...lf]), at: 0) {
            case .success(let field): return (.line(field.next), field.next)
            case .failure(let error): return (.failure(error), 0)
            }
        }
        buffer.moveReaderIndex(forwardBy: result.consumed)
        return result.0
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
