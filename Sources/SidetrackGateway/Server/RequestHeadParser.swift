import NIOCore
import NIOHTTP1

/// Parses one request head (request line and field section, RFC 9112 §3 and §5) from the front of
/// a buffer, for `RequestDecoder`. Consumes the head only when it is whole and valid.
enum RequestHeadParser {
    /// How the message's body is framed (RFC 9112 §6.3).
    enum Framing: Equatable {
        case none
        case length(Int)
        case chunked
    }

    enum Result {
        case needMore
        case head(HTTPRequestHead, Framing)
        case failure(HTTPParserError)
    }

    /// - Parameter scanned: how many bytes earlier calls already searched for the head's end, so a
    ///   head arriving a byte at a time is scanned once, not once per byte. Reset on success.
    static func parse(_ buffer: inout ByteBuffer, maxHeaderBytes: Int, scanned: inout Int) -> Result {
        // A server SHOULD ignore empty lines before a request line (RFC 9112 §2.2).
        while buffer.readableBytes >= 2, buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) == ChunkedBodyParser.crlf {
            buffer.moveReaderIndex(forwardBy: 2)
            scanned = 0
        }
        let limit = maxHeaderBytes + RequestDecoder.requestLineAllowance
        let result: (Result, consumed: Int) = buffer.withUnsafeReadableBytes { bytes in
            let end: Int
            switch headEnd(bytes, from: max(0, scanned - 3)) {
            case .found(let index): end = index
            case .invalid: return (.failure(.invalidConstant), 0)
            case .notYet:
                scanned = bytes.count
                return (bytes.count > limit ? .failure(.headerOverflow) : .needMore, 0)
            }
            guard end <= limit else { return (.failure(.headerOverflow), 0) }
            switch parseHead(UnsafeRawBufferPointer(rebasing: bytes[..<end]), maxHeaderBytes: maxHeaderBytes) {
            case .success(let parsed): return (.head(parsed.0, parsed.1), end)
            case .failure(let error): return (.failure(error), 0)
            }
        }
        if result.consumed > 0 {
            buffer.moveReaderIndex(forwardBy: result.consumed)
            scanned = 0
        }
        return result.0
    }

    enum HeadEnd {
        case found(Int)
        case notYet
        /// A line ended in a bare LF, or the head does not start like a request line: failing at
        /// once beats waiting for a blank line that a client speaking something else never sends.
        case invalid
    }

    /// Where the head ends (just past its blank line, `CRLF CRLF`), searching from `start`.
    static func headEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> HeadEnd {
        // (A lone CR may be the start of one more empty line before the request line.)
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

    private static func parseHead(
        _ bytes: UnsafeRawBufferPointer, maxHeaderBytes: Int
    ) -> Swift.Result<(HTTPRequestHead, Framing), HTTPParserError> {
        // Request line: method SP request-target SP HTTP-version CRLF.
        var index = 0
        while index < bytes.count, HTTPFieldCheck.isTokenByte(bytes[index]) { index += 1 }
        guard index > 0, index < bytes.count, bytes[index] == UInt8(ascii: " ") else { return .failure(.invalidMethod) }
        let method = self.method(UnsafeRawBufferPointer(rebasing: bytes[..<index]))
        let targetStart = index + 1
        index = targetStart
        while index < bytes.count, isTargetByte(bytes[index]) { index += 1 }
        guard index > targetStart, index < bytes.count, bytes[index] == UInt8(ascii: " ") else { return .failure(.invalidURL) }
        let uri = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[targetStart..<index]), as: UTF8.self)
        let versionStart = index + 1
        guard versionStart + 10 <= bytes.count, bytes[versionStart + 8] == UInt8(ascii: "\r"), bytes[versionStart + 9] == UInt8(ascii: "\n")
        else { return .failure(.invalidVersion) }
        let version: HTTPVersion
        let versionBytes = UnsafeRawBufferPointer(rebasing: bytes[versionStart..<versionStart + 8])
        if versionBytes.elementsEqual("HTTP/1.1".utf8) {
            version = .http1_1
        } else if versionBytes.elementsEqual("HTTP/1.0".utf8) {
            version = .http1_0
        } else {
            return .failure(.invalidVersion)
        }
        let fieldsStart = versionStart + 10
        guard bytes.count - fieldsStart <= maxHeaderBytes else { return .failure(.headerOverflow) }

        // Field lines: field-name ":" OWS field-value OWS CRLF, up to the blank line.
        var headers: [(String, String)] = []
        headers.reserveCapacity(8)
        var contentLength: Int?
        var transferEncoding: [UInt8]?
        index = fieldsStart
        while index + 2 <= bytes.count, bytes[index] != UInt8(ascii: "\r") {
            guard case .success(let field) = parseField(bytes, at: index) else { return .failure(.invalidHeaderToken) }
            let name = UnsafeRawBufferPointer(rebasing: bytes[field.name])
            let value = UnsafeRawBufferPointer(rebasing: bytes[field.value])
            if equalsLowercase(name, "content-length") {
                guard let length = decimal(value), contentLength == nil || contentLength == length else {
                    return .failure(.invalidContentLength)
                }
                contentLength = length
            } else if equalsLowercase(name, "transfer-encoding") {
                transferEncoding = (transferEncoding.map { $0 + Array(", ".utf8) } ?? []) + Array(value)
            }
            headers.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
            index = field.next
        }
        let head = HTTPRequestHead(version: version, method: method, uri: uri, headers: HTTPHeaders(headers))

        // Body framing (RFC 9112 §6.3): only `chunked` alone is understood; with a length as well
        // (or on HTTP/1.0) the message is refused rather than guessed, the request-smuggling case.
        if let transferEncoding {
            guard contentLength == nil else { return .failure(.unexpectedContentLength) }
            // (NIO's error type has no case for a transfer coding; `invalidConstant` is llhttp's.)
            guard version == .http1_1, transferEncoding.withUnsafeBytes({ equalsLowercase($0, "chunked") })
            else { return .failure(.invalidConstant) }
            return .success((head, .chunked))
        }
        return .success((head, contentLength.map { $0 > 0 ? .length($0) : .none } ?? .none))
    }

    /// One field line starting at `start`: the name and the value without surrounding whitespace,
    /// and where the next line starts.
    static func parseField(
        _ bytes: UnsafeRawBufferPointer, at start: Int
    ) -> Swift.Result<(name: Range<Int>, value: Range<Int>, next: Int), HTTPParserError> {
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

    /// The methods every client sends, without building a `String` to look them up.
    private static func method(_ bytes: UnsafeRawBufferPointer) -> HTTPMethod {
        switch bytes.count {
        case 3 where bytes.elementsEqual("GET".utf8): .GET
        case 3 where bytes.elementsEqual("PUT".utf8): .PUT
        case 4 where bytes.elementsEqual("HEAD".utf8): .HEAD
        case 4 where bytes.elementsEqual("POST".utf8): .POST
        case 6 where bytes.elementsEqual("DELETE".utf8): .DELETE
        default: HTTPMethod(rawValue: String(decoding: bytes, as: UTF8.self))
        }
    }

    /// A request target has no whitespace or control character (RFC 9112 §3.2).
    @inline(__always)
    private static func isTargetByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte != 0x7F
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
