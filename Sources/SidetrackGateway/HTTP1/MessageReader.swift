import NIOCore
import NIOHTTP1

/// What the two HTTP/1 decoders (`RequestSequencer`'s, `UpstreamResponseDecoder`) share: the bytes
/// kept between reads, and their split into heads, body slices and ends.
///
/// It fires nothing itself: `next` returns one event at a time and its owner fires each on the
/// pipeline between calls. A part fired can lead back to a read; `append` then keeps those bytes
/// for the owner's loop, which is still running, instead of starting a second one.
struct MessageReader<Parser: MessageHeadParser> {
    enum Event {
        /// A head; the owner says next what body follows it (`startBody`).
        case head(Parser.Head, Parser.Framing)
        case body(ByteBuffer)
        case end
        /// The input is refused; everything after it is ignored.
        case failure(HTTPParserError)
    }

    private enum State {
        case head
        case body(BodyDecoder)
        /// A message without a body: its end is the next event.
        case bodiless
        case failed
    }

    private(set) var parser: Parser
    private var state = State.head
    /// Bytes read and not yet decoded; nil when none, so the usual whole-message read is decoded
    /// straight from the buffer the channel read into.
    private var buffer: ByteBuffer?
    /// Bytes read while the owner was firing events from `buffer`.
    private var arrived: ByteBuffer?
    private var decoding = false
    /// How much of an incomplete head was already searched for its end.
    private var scannedHeadBytes = 0

    init(_ parser: Parser) {
        self.parser = parser
    }

    /// Takes in a read. True when the caller should now call `next` until it returns nil; false
    /// when the input was refused earlier, or when a caller further up the stack is doing that.
    mutating func append(_ incoming: ByteBuffer) -> Bool {
        var incoming = incoming
        if case .failed = state { return false }
        if decoding {
            if arrived == nil { arrived = incoming } else { arrived!.writeBuffer(&incoming) }
            return false
        }
        if buffer == nil { buffer = incoming } else { buffer!.writeBuffer(&incoming) }
        decoding = true
        return true
    }

    /// The next event, or nil when more bytes are needed (or the input was refused).
    mutating func next(allocator: ByteBufferAllocator) -> Event? {
        while decoding {
            if let event = decodeNext() { return event }
            if case .failed = state { break }
            let more = arrived
            arrived = nil
            buffer = UndecodedBytes.keep(&buffer!, then: more, allocator: allocator)
            if more == nil { break }
        }
        decoding = false
        return nil
    }

    /// Frames the body after the head just returned; nil for none, and the message's end is the
    /// next event. Not called, the reader expects another head (the final one after a 1xx).
    mutating func startBody(_ framing: BodyDecoder.Framing?) {
        if let framing {
            state = .body(BodyDecoder(framing, maxTrailerBytes: parser.maxTrailerBytes))
        } else {
            state = .bodiless
        }
    }

    /// The connection's input has ended: the end of a body that runs to the close, a refusal
    /// (`invalidEOFState`) for a message cut short, or nil between messages.
    mutating func inputClosed() -> Event? {
        switch state {
        case .body(let body) where body.endsAtClose:
            state = .head
            return .end
        case .bodiless:
            state = .head
            return .end
        case .body:
            return fail(.invalidEOFState)
        case .head:
            if let buffer, buffer.readableBytes > 0 { return fail(.invalidEOFState) }
            return nil
        case .failed:
            return nil
        }
    }

    /// Decodes from `buffer` up to the next event; nil when it needs more bytes or has failed.
    private mutating func decodeNext() -> Event? {
        while true {
            switch state {
            case .failed:
                return nil
            case .bodiless:
                state = .head
                return .end
            case .head:
                guard buffer!.readableBytes > 0 else { return nil }
                switch parser.parse(&buffer!, scanned: &scannedHeadBytes) {
                case .needMore: return nil
                case .head(let head, let framing): return .head(head, framing)
                case .failure(let error): return fail(error)
                }
            case .body(var body):
                // Called with no bytes left too: a fixed-length body that ended with the read ends now.
                let step = body.next(&buffer!)
                state = .body(body)
                switch step {
                case .needMore: return nil
                case .framing: continue
                case .body(let slice): return .body(slice)
                case .end:
                    state = .head
                    return .end
                case .failure(let error): return fail(error)
                }
            }
        }
    }

    private mutating func fail(_ error: HTTPParserError) -> Event {
        state = .failed
        buffer = nil
        arrived = nil
        return .failure(error)
    }
}
