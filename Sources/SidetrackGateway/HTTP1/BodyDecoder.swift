import NIOCore
import NIOHTTP1

/// The body of one HTTP/1 message after its head, framed by a length, the chunked coding, or the
/// connection's close (RFC 9112 §6–7), for `MessageReader`. Body bytes come out as slices of the
/// buffer read, never copied.
struct BodyDecoder {
    enum Framing: Equatable {
        case length(Int)
        case chunked
        case untilClose
    }

    enum Step {
        /// Nothing more can be decoded until more bytes arrive.
        case needMore
        /// A framing line was consumed; go on.
        case framing
        case body(ByteBuffer)
        /// The message is complete.
        case end
        case failure(HTTPParserError)
    }

    private enum State {
        case fixed(remaining: Int)
        case untilClose
        case chunkSize
        case chunkData(remaining: Int)
        case chunkEnd
        case trailers(bytes: Int)
    }

    private var state: State
    /// How many bytes of trailer fields are allowed (they are checked, then dropped).
    private let maxTrailerBytes: Int

    init(_ framing: Framing, maxTrailerBytes: Int) {
        switch framing {
        case .length(let length): state = .fixed(remaining: length)
        case .chunked: state = .chunkSize
        case .untilClose: state = .untilClose
        }
        self.maxTrailerBytes = maxTrailerBytes
    }

    /// Whether the body ends with the connection (so a close completes it rather than cutting it).
    var endsAtClose: Bool {
        if case .untilClose = state { return true }
        return false
    }

    mutating func next(_ buffer: inout ByteBuffer) -> Step {
        switch state {
        case .fixed(let remaining):
            if remaining == 0 { return .end }
            guard buffer.readableBytes > 0 else { return .needMore }
            let slice = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
            state = .fixed(remaining: remaining - slice.readableBytes)
            return .body(slice)
        case .untilClose:
            guard buffer.readableBytes > 0 else { return .needMore }
            return .body(buffer.readSlice(length: buffer.readableBytes)!)
        case .chunkSize:
            switch ChunkedBodyParser.sizeLine(&buffer) {
            case .needMore: return .needMore
            case .failure(let error): return .failure(error)
            case .size(0): state = .trailers(bytes: 0)
            case .size(let size): state = .chunkData(remaining: size)
            }
            return .framing
        case .chunkData(let remaining):
            guard buffer.readableBytes > 0 else { return .needMore }
            let slice = buffer.readSlice(length: min(remaining, buffer.readableBytes))!
            let left = remaining - slice.readableBytes
            state = left == 0 ? .chunkEnd : .chunkData(remaining: left)
            return .body(slice)
        case .chunkEnd:
            guard buffer.readableBytes >= 2 else { return .needMore }
            guard buffer.readInteger(as: UInt16.self) == ChunkedBodyParser.crlf else { return .failure(.invalidChunkSize) }
            state = .chunkSize
            return .framing
        case .trailers(let bytes):
            switch ChunkedBodyParser.trailerLine(&buffer) {
            case .needMore:
                return bytes + buffer.readableBytes > maxTrailerBytes ? .failure(.headerOverflow) : .needMore
            case .failure(let error):
                return .failure(error)
            case .line(let length):
                guard bytes + length <= maxTrailerBytes else { return .failure(.headerOverflow) }
                state = .trailers(bytes: bytes + length)
                return .framing
            case .end:
                return .end
            }
        }
    }
}
