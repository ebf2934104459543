import NIOCore
import NIOHTTP1

/// Parses one response head (status line and field section, RFC 9112 §4 and §5) from the front of
/// a buffer, for `UpstreamResponseDecoder`.
struct ResponseHeadParser: MessageHeadParser {
    /// Heads and trailers larger than this are refused (Spotify's are a few KiB).
    var maxHeadBytes: Int { 64 * 1024 }
    var maxTrailerBytes: Int { maxHeadBytes }
    /// The fields the connection's last response had (each field's name and value in order).
    private var texts = FieldTextMemo()
    /// The last head and its field array, reused for the next head once the exchange that read the
    /// last one has let go of it (copy-on-write copies what is still held; see `RequestHeadParser`).
    private var lastHead: HTTPResponseHead?
    private var lastFields: [(String, String)] = []

    /// Parses a response head. Its framing is what the fields say (RFC 9112 §6.3): neither
    /// `Transfer-Encoding` nor `Content-Length` means the body runs to the connection's close; the
    /// decoder weighs it against the request's method and the status.
    mutating func parseHead(_ bytes: UnsafeRawBufferPointer) -> Result<(HTTPResponseHead, BodyDecoder.Framing), HTTPParserError> {
        // Status line: HTTP-version SP status-code SP [reason-phrase] CRLF (the second SP is
        // sometimes left out with an empty reason; accepted).
        guard bytes.count >= 14, UnsafeRawBufferPointer(rebasing: bytes[..<7]).elementsEqual("HTTP/1.".utf8),
              bytes[8] == UInt8(ascii: " ")
        else { return .failure(.invalidVersion) }
        let version: HTTPVersion
        switch bytes[7] {
        case UInt8(ascii: "1"): version = .http1_1
        case UInt8(ascii: "0"): version = .http1_0
        default: return .failure(.invalidVersion)
        }
        var code = 0
        for index in 9..<12 {
            let byte = bytes[index]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return .failure(.invalidStatus) }
            code = code * 10 + Int(byte - UInt8(ascii: "0"))
        }
        guard code >= 100 else { return .failure(.invalidStatus) }
        var index = 12
        if bytes[index] == UInt8(ascii: " ") {
            index += 1
            while index < bytes.count, HeadSyntax.isValueByte(bytes[index]) { index += 1 }
        }
        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\r"), bytes[index + 1] == UInt8(ascii: "\n") else {
            return .failure(.invalidStatus)
        }
        index += 2

        var reused = lastHead.take()
        reused?.headers = HTTPHeaders()  // its reference to the field array, which is reused below
        var headers: [(String, String)] = []
        swap(&headers, &lastFields)
        headers.removeAll(keepingCapacity: true)
        headers.reserveCapacity(16)
        var contentLength: Int?
        var chunked = false
        var otherCoding = false
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
                // Only the last coding decides the framing (RFC 9112 §6.3); earlier fields' codings
                // come first.
                let lastComma = value.lastIndex(of: UInt8(ascii: ","))
                var last = lastComma.map { UnsafeRawBufferPointer(rebasing: value[($0 + 1)...]) } ?? value
                while let first = last.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                    last = UnsafeRawBufferPointer(rebasing: last.dropFirst())
                }
                if HeadSyntax.equalsLowercase(last, "chunked") {
                    chunked = true
                    otherCoding = false
                } else {
                    chunked = false
                    otherCoding = true
                }
            }
            let slot = 2 * headers.count
            headers.append((texts.text(name, slot: slot), texts.text(value, slot: slot + 1)))
            index = field.next
        }
        let status = HTTPResponseStatus(statusCode: code)
        let head: HTTPResponseHead
        if var reused = reused.take() {  // (taken: a copy would leave the storage shared)
            reused.version = version
            reused.status = status
            reused.headers = HTTPHeaders(headers)
            head = reused
        } else {
            head = HTTPResponseHead(version: version, status: status, headers: HTTPHeaders(headers))
        }
        lastHead = head
        lastFields = headers
        // Transfer-Encoding overrides Content-Length; a coding other than a final `chunked` means
        // the body runs to the close.
        if chunked { return .success((head, .chunked)) }
        if otherCoding { return .success((head, .untilClose)) }
        return .success((head, contentLength.map { .length($0) } ?? .untilClose))
    }
}
