import NIOCore
import NIOHTTP1
import Testing
@testable import SidetrackGateway

/// `HeldResponseHead`: the framing field is decided on release — a length once the answer has
/// ended, chunks while it is still coming — and a small unframed body rides in the head's buffer.
@Suite struct HeldResponseHeadTests {
    private static func held(_ framing: ResponsePart.BodyFraming) -> HeldResponseHead {
        var writer = ResponseHeadWriter(version: .http1_1, status: .ok, allocator: ByteBufferAllocator())
        writer.add("x-cache", value: "BYPASS")
        return HeldResponseHead(writer: writer, framing: framing, closes: false)
    }

    private static func parts(_ released: (head: ResponsePart, body: ResponsePart?)) -> (head: String, framing: ResponsePart.BodyFraming, body: String?) {
        guard case .streamHead(let head, let framing, _) = released.head else {
            Issue.record("not a stream head: \(released.head)")
            return ("", .noBody, nil)
        }
        var body: String?
        if case .body(.byteBuffer(let buffer)) = released.body { body = String(buffer: buffer) }
        return (String(buffer: head), framing, body)
    }

    @Test func anEndedAnswerOfUnknownLengthGetsItsLengthAndOneBuffer() {
        var held = Self.held(.chunked)
        held.append(ByteBuffer(string: "{\"a\":"))
        held.append(ByteBuffer(string: "1}"))
        let (head, framing, body) = Self.parts(held.release(complete: true))
        #expect(head == "HTTP/1.1 200 OK\r\nx-cache: BYPASS\r\ncontent-length: 7\r\n\r\n{\"a\":1}")
        #expect(framing == .asIs)
        #expect(body == nil)
    }

    @Test func anAnswerStillComingIsChunkedWithItsBodySoFarAsAPart() {
        var held = Self.held(.chunked)
        held.append(ByteBuffer(string: "{\"a\":"))
        let (head, framing, body) = Self.parts(held.release(complete: false))
        #expect(head == "HTTP/1.1 200 OK\r\nx-cache: BYPASS\r\ntransfer-encoding: chunked\r\n\r\n")
        #expect(framing == .chunked)
        #expect(body == "{\"a\":")
    }

    @Test func anEmptyEndedAnswerOfUnknownLengthSaysZero() {
        var held = Self.held(.chunked)
        let (head, framing, body) = Self.parts(held.release(complete: true))
        #expect(head.hasSuffix("content-length: 0\r\n\r\n"))
        #expect(framing == .asIs)
        #expect(body == nil)
    }

    @Test func aKnownLengthIsLeftAloneAndOnlyASmallBodyIsInlined() {
        var small = Self.held(.asIs)
        small.append(ByteBuffer(string: "ok"))
        let (head, framing, body) = Self.parts(small.release(complete: false))
        #expect(head == "HTTP/1.1 200 OK\r\nx-cache: BYPASS\r\n\r\nok")
        #expect(framing == .asIs)
        #expect(body == nil)

        let size = ChannelHandlerContext.inlineBodyLimit + 1
        var large = Self.held(.asIs)
        large.append(ByteBuffer(repeating: UInt8(ascii: "x"), count: size))
        let released = Self.parts(large.release(complete: true))
        #expect(released.head == "HTTP/1.1 200 OK\r\nx-cache: BYPASS\r\n\r\n")
        #expect(released.body?.utf8.count == size)
    }

    @Test func aHeadWithoutBodyIsReleasedAlone() {
        var held = Self.held(.noBody)
        let (head, framing, body) = Self.parts(held.release(complete: true))
        #expect(head == "HTTP/1.1 200 OK\r\nx-cache: BYPASS\r\n\r\n")
        #expect(framing == .noBody)
        #expect(body == nil)
    }
}
