import NIOCore
import NIOHTTP1

/// One kind of HTTP/1 message head, a request's (`RequestHeadParser`) or a response's
/// (`ResponseHeadParser`); `parse` finds a whole head in a buffer and hands it to `parseHead`.
protocol MessageHeadParser {
    associatedtype Head
    /// What the head says about its body.
    associatedtype Framing
    /// The largest head accepted, its blank line included.
    var maxHeadBytes: Int { get }
    /// The largest trailer section accepted after a chunked body.
    var maxTrailerBytes: Int { get }
    /// Parses one whole head: `bytes` run to just past its blank line. Mutating: a parser may keep
    /// what the connection's heads repeat (`FieldTextMemo`).
    mutating func parseHead(_ bytes: UnsafeRawBufferPointer) -> Result<(Head, Framing), HTTPParserError>
    /// Drops what may come before a head (empty lines before a request); true if it dropped any.
    func skipPreamble(_ buffer: inout ByteBuffer) -> Bool
}

enum HeadParse<Head, Framing> {
    case needMore
    case head(Head, Framing)
    case failure(HTTPParserError)
}

extension MessageHeadParser {
    func skipPreamble(_ buffer: inout ByteBuffer) -> Bool { false }

    /// Parses one head from the front of `buffer`, consuming it only when it is whole and valid.
    ///
    /// - Parameter scanned: how many bytes earlier calls already searched for the head's end, so a
    ///   head arriving a byte at a time is scanned once, not once per byte. Reset on success.
    mutating func parse(_ buffer: inout ByteBuffer, scanned: inout Int) -> HeadParse<Head, Framing> {
        if skipPreamble(&buffer) { scanned = 0 }
        let limit = maxHeadBytes
        let result: (HeadParse<Head, Framing>, consumed: Int) = buffer.withUnsafeReadableBytes { bytes in
            let end: Int
            switch HeadSyntax.headEnd(bytes, from: max(0, scanned - 3)) {
            case .found(let index): end = index
            case .invalid: return (.failure(.invalidConstant), 0)
            case .notYet:
                scanned = bytes.count
                return (bytes.count > limit ? .failure(.headerOverflow) : .needMore, 0)
            }
            guard end <= limit else { return (.failure(.headerOverflow), 0) }
            switch parseHead(UnsafeRawBufferPointer(rebasing: bytes[..<end])) {
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
}
