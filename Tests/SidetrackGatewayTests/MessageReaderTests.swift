import NIOCore
import NIOHTTP1
import Testing
@testable import SidetrackGateway

/// `MessageReader`, the half both HTTP/1 decoders share, driven directly: events in order, reads
/// that arrive while events are being fired, the owner's say over bodies, and the connection's end.
@Suite struct MessageReaderTests {
    let allocator = ByteBufferAllocator()

    /// Drains `reader`, describing each event; `during` runs after the first event, as a handler
    /// fired by it might.
    static func drain<P: MessageHeadParser>(
        _ reader: inout MessageReader<P>, allocator: ByteBufferAllocator,
        framing: (P.Framing) -> BodyDecoder.Framing? = { _ in nil }, during: (inout MessageReader<P>) -> Void = { _ in }
    ) -> [String] {
        var seen: [String] = []
        while let event = reader.next(allocator: allocator) {
            if case .head(_, let headFraming) = event { reader.startBody(framing(headFraming)) }
            seen.append(describe(event))
            if seen.count == 1 { during(&reader) }
        }
        return seen
    }

    static func describe<P: MessageHeadParser>(_ event: MessageReader<P>.Event?) -> String {
        switch event {
        case .head: "head"
        case .body(let slice): "body(\(String(buffer: slice)))"
        case .end: "end"
        case .failure(let error): "failure(\(error))"
        case nil: "nothing"
        }
    }

    @Test func aReadArrivingWhileEventsAreFiredIsDecodedAfterTheOnesBeforeIt() {
        var reader = MessageReader(RequestHeadParser(maxHeaderBytes: 1024))
        let first = reader.append(ByteBuffer(string: "GET /a HTTP/1.1\r\n\r\nPUT /b HTTP/1.1\r\nContent-Length: 4\r\n\r\nab"))
        #expect(first)
        let seen = Self.drain(&reader, allocator: allocator, framing: { $0 }) { reader in
            // The owner's loop is running, so this read only joins the bytes kept.
            let joined = reader.append(ByteBuffer(string: "cdGET /c HTTP/1.1\r\n\r\n"))
            #expect(!joined)
        }
        #expect(seen == ["head", "end", "head", "body(ab)", "body(cd)", "end", "head", "end"])
        #expect(Self.drain(&reader, allocator: allocator).isEmpty)
        let later = reader.append(ByteBuffer(string: "GET /d HTTP/1.1\r\n\r\n"))
        #expect(later)
        #expect(Self.drain(&reader, allocator: allocator) == ["head", "end"])
    }

    /// A head the owner frames no body for is not followed by its end: the reader reads the next
    /// head, as for a 1xx response before the final one.
    @Test func aHeadLeftUnframedIsFollowedByAnotherHead() {
        var reader = MessageReader(ResponseHeadParser())
        let accepted = reader.append(ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
        #expect(accepted)
        var seen: [String] = []
        while let event = reader.next(allocator: allocator) {
            switch event {
            case .head(let head, let framing):
                seen.append("head(\(head.status.code))")
                if head.status.code >= 200 { reader.startBody(framing) }
            case .body(let slice): seen.append("body(\(String(buffer: slice)))")
            case .end: seen.append("end")
            case .failure(let error): seen.append("failure(\(error))")
            }
        }
        #expect(seen == ["head(100)", "head(200)", "body(ok)", "end"])
    }

    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\n\r\nto the close", ["head", "body(to the close)"], "end"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\ncut", ["head", "body(cut)"], "failure(\(HTTPParserError.invalidEOFState))"),
        ("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", ["head", "end"], "nothing"),
        ("HTTP/1.1 200 OK\r\nContent-Le", [], "failure(\(HTTPParserError.invalidEOFState))"),
    ])
    func theConnectionsEndEndsOrCutsTheMessage(response: String, before: [String], atClose: String) {
        var reader = MessageReader(ResponseHeadParser())
        let accepted = reader.append(ByteBuffer(string: response))
        #expect(accepted)
        #expect(Self.drain(&reader, allocator: allocator, framing: { $0 }) == before)
        #expect(Self.describe(reader.inputClosed()) == atClose)
    }

    @Test func afterARefusalTheInputIsIgnored() {
        var reader = MessageReader(RequestHeadParser(maxHeaderBytes: 1024))
        let accepted = reader.append(ByteBuffer(string: "GET /a HTTP/1.1\r\nBad Field: x\r\n\r\n"))
        #expect(accepted)
        #expect(Self.drain(&reader, allocator: allocator) == ["failure(\(HTTPParserError.invalidHeaderToken))"])
        let ignored = reader.append(ByteBuffer(string: "GET /b HTTP/1.1\r\n\r\n"))
        #expect(!ignored)
        #expect(Self.drain(&reader, allocator: allocator).isEmpty)
        #expect(Self.describe(reader.inputClosed()) == "nothing")
    }
}
