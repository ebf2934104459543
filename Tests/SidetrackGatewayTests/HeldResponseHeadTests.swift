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
        let kept1 = held.append(ByteBuffer(string: "{\"a\":"))
        #expect(kept1)
        let kept2 = held.append(ByteBuffer(string: "1}"))
        #expect(kept2)
        let (head, framing, body) = Self.parts(held.release(complete: true))
        #expect(head == "HTTP/1.1 200 OK\r\nx-cache: BYPASS\r\ncontent-length: 7\r\n\r\n{\"a\":1}")
        #expect(framing == .asIs)
        #expect(body == nil)
    }

    @Test func anAnswerStillComingIsChunkedWithItsBodySoFarAsAPart() {
        var held = Self.held(.chunked)
        let kept3 = held.append(ByteBuffer(string: "{\"a\":"))
        #expect(kept3)
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

    @Test func aKnownLengthIsLeftAloneAndItsBodyInlined() {
        var small = Self.held(.asIs)
        let kept4 = small.append(ByteBuffer(string: "ok"))
        #expect(kept4)
        let (head, framing, body) = Self.parts(small.release(complete: false))
        #expect(head == "HTTP/1.1 200 OK\r\nx-cache: BYPASS\r\n\r\nok")
        #expect(framing == .asIs)
        #expect(body == nil)
    }

    /// Past the inline limit nothing more is held: the caller releases the head and writes the part
    /// itself, so a large body is never copied.
    @Test func aBodyPastTheLimitIsNotHeld() {
        let limit = ChannelHandlerContext.inlineBodyLimit
        var held = Self.held(.chunked)
        let kept5 = held.append(ByteBuffer(repeating: UInt8(ascii: "x"), count: limit - 1))
        #expect(kept5)
        let kept6 = held.append(ByteBuffer(string: "yz"))
        #expect(!kept6)
        let (head, framing, body) = Self.parts(held.release(complete: false))
        #expect(head.hasSuffix("transfer-encoding: chunked\r\n\r\n"))
        #expect(framing == .chunked)
        #expect(body == String(repeating: "x", count: limit - 1))

        var large = Self.held(.asIs)
        let kept7 = large.append(ByteBuffer(repeating: UInt8(ascii: "x"), count: limit + 1))
        #expect(!kept7)
        let released = Self.parts(large.release(complete: false))
        #expect(released.head == "HTTP/1.1 200 OK\r\nx-cache: BYPASS\r\n\r\n")
        #expect(released.body == nil)
    }

    @Test func aHeadWithoutBodyIsReleasedAlone() {
        var held = Self.held(.noBody)
        let (head, framing, body) = Self.parts(held.release(complete: true))
        #expect(head == "HTTP/1.1 200 OK\r\nx-cache: BYPASS\r\n\r\n")
        #expect(framing == .noBody)
        #expect(body == nil)
    }
}
