import NIOCore
import NIOHTTP1

/// Parses one request head (request line and field section, RFC 9112 §3 and §5) from the front of
/// a buffer, for `RequestSequencer`.
struct RequestHeadParser: MessageHeadParser {
    /// The field section's limit (the `maxHeaderBytes` setting); trailers get the same.
    let maxHeaderBytes: Int
    /// The target and fields the connection's last request had (slot 0 the target, then each
    /// field's name and value).
    private var texts = FieldTextMemo()
    /// The last head and its field array, whose storage the next head reuses when the last
    /// request's handlers have let go of it (two allocations fewer per request). Copy-on-write
    /// keeps this safe: storage still shared (a pipelined request, a head kept by an exchange) is
    /// copied, not written over.
    private var lastHead: HTTPRequestHead?
    private var lastFields: [(String, String)] = []

    init(maxHeaderBytes: Int) {
        self.maxHeaderBytes = maxHeaderBytes
    }

    /// Room for the request line on top of the field section.
    static let requestLineAllowance = 8 * 1024

    var maxHeadBytes: Int { maxHeaderBytes + Self.requestLineAllowance }
    var maxTrailerBytes: Int { maxHeaderBytes }

    /// A server SHOULD ignore empty lines before a request line (RFC 9112 §2.2).
    func skipPreamble(_ buffer: inout ByteBuffer) -> Bool {
        var skipped = false
        while buffer.readableBytes >= 2, buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) == ChunkedBodyParser.crlf {
            buffer.moveReaderIndex(forwardBy: 2)
            skipped = true
        }
        return skipped
    }

    /// Parses a request head; its framing (RFC 9112 §6.3) is nil for a request without a body.
    mutating func parseHead(_ bytes: UnsafeRawBufferPointer) -> Result<(HTTPRequestHead, BodyDecoder.Framing?), HTTPParserError> {
        // Request line: method SP request-target SP HTTP-version CRLF.
        var index = 0
        while index < bytes.count, HTTPFieldCheck.isTokenByte(bytes[index]) { index += 1 }
        guard index > 0, index < bytes.count, bytes[index] == UInt8(ascii: " ") else { return .failure(.invalidMethod) }
        let method = Self.method(UnsafeRawBufferPointer(rebasing: bytes[..<index]))
        let targetStart = index + 1
        index = targetStart
        while index < bytes.count, Self.isTargetByte(bytes[index]) { index += 1 }
        guard index > targetStart, index < bytes.count, bytes[index] == UInt8(ascii: " ") else { return .failure(.invalidURL) }
        let uri = texts.text(UnsafeRawBufferPointer(rebasing: bytes[targetStart..<index]), slot: 0)
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
        var reused = lastHead.take()
        reused?.headers = HTTPHeaders()  // its reference to the field array, which is reused below
        var headers: [(String, String)] = []
        swap(&headers, &lastFields)
        headers.removeAll(keepingCapacity: true)
        headers.reserveCapacity(8)
        var contentLength: Int?
        var transferEncoding: [UInt8]?
        index = fieldsStart
        while index + 2 <= bytes.count, bytes[index] != UInt8(ascii: "\r") {
            guard case .success(let field) = HeadSyntax.parseField(bytes, at: index) else { return .failure(.invalidHeaderToken) }
            let name = UnsafeRawBufferPointer(rebasing: bytes[field.name])
            let value = UnsafeRawBufferPointer(rebasing: bytes[field.value])
            if HeadSyntax.equalsLowercase(name, "content-length") {
                guard let length = HeadSyntax.decimal(value), contentLength == nil || contentLength == length else {
                    return .failure(.invalidContentLength)
                }
                contentLength = length
            } else if HeadSyntax.equalsLowercase(name, "transfer-encoding") {
                transferEncoding = (transferEncoding.map { $0 + Array(", ".utf8) } ?? []) + Array(value)
            }
            let slot = 1 + 2 * headers.count
            headers.append((texts.text(name, slot: slot), texts.text(value, slot: slot + 1)))
            index = field.next
        }
        let head: HTTPRequestHead
        if var reused = reused.take() {  // (taken: a copy would leave the storage shared)
            reused.method = method
            reused.uri = uri
            reused.version = version
            reused.headers = HTTPHeaders(headers)
            head = reused
        } else {
            head = HTTPRequestHead(version: version, method: method, uri: uri, headers: HTTPHeaders(headers))
        }
        lastHead = head
        lastFields = headers

        // Body framing (RFC 9112 §6.3): only `chunked` alone is understood; with a length as well
        // (or on HTTP/1.0) the message is refused rather than guessed, the request-smuggling case.
        if let transferEncoding {
            guard contentLength == nil else { return .failure(.unexpectedContentLength) }
            // (NIO's error type has no case for a transfer coding; `invalidConstant` is llhttp's.)
            guard version == .http1_1, transferEncoding.withUnsafeBytes({ HeadSyntax.equalsLowercase($0, "chunked") })
            else { return .failure(.invalidConstant) }
            return .success((head, .chunked))
        }
        return .success((head, contentLength.flatMap { $0 > 0 ? .length($0) : nil }))
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
}
