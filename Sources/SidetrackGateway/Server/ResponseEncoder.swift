import NIOCore
import NIOHTTP1
import SidetrackCore

/// Turns `ResponsePart`s into bytes on the connection: the work of NIO's `HTTPResponseEncoder` and
/// `NIOHTTPResponseHeadersValidator`, done inside `RequestSequencer` (which knows the method of the
/// request being answered) instead of in two more handlers every part travels through.
///
/// Framing follows NIO's encoder: no body for answers to `HEAD`, for 1xx, 204 and 304; a
/// `Content-Length` when there is one, otherwise chunked on HTTP/1.1 and "until close" on HTTP/1.0.
struct ResponseEncoder {
    enum Failure: Error {
        /// A field of the head broke RFC 9110 (see `ResponseHeadWriter`); nothing was sent.
        case invalidHead
        /// A body part for an answer that cannot have one (to `HEAD`, or 204/304).
        case bodyNotAllowed
    }

    private var chunked = false
    private var suppressBody = false
    private var framer = ChunkFramer()
    /// Spare buffers for streamed answers' heads and chunk size lines, reused once the socket has
    /// taken their bytes (two allocations fewer each; see `HeadBufferRecycler`).
    private var heads = HeadBufferRecycler()
    private var sizeLines = HeadBufferRecycler()

    /// Writes `part` for an answer to a `method` request. Throws (writing nothing) when the head is
    /// invalid or a body is not allowed.
    mutating func write(
        _ part: ResponsePart, method: HTTPMethod, context: ChannelHandlerContext, allocator: ByteBufferAllocator,
        promise: EventLoopPromise<Void>?
    ) throws {
        switch part {
        case .head(let head):
            let bytes = try encode(head, method: method, allocator: allocator)
            context.write(NIOAny(IOData.byteBuffer(bytes)), promise: promise)
        case .body(let data):
            if suppressBody {
                guard data.readableBytes == 0 else { throw Failure.bodyNotAllowed }
                context.write(NIOAny(data), promise: promise)
            } else if chunked, data.readableBytes > 0 {
                let size = framer.sizeLine(for: data.readableBytes, lines: &sizeLines, allocator: allocator)
                context.write(NIOAny(IOData.byteBuffer(size)), promise: nil)
                context.write(NIOAny(data), promise: promise)
            } else {
                // Empty parts are not framed (an empty chunk would end the stream), only passed on
                // so that their promise completes in order.
                context.write(NIOAny(data), promise: promise)
            }
        case .end:
            if chunked {
                let last = framer.lastChunk()
                context.write(NIOAny(IOData.byteBuffer(last)), promise: promise)
            } else if let promise {
                // Nothing to write, but the promise must not complete before what was written.
                context.write(NIOAny(IOData.byteBuffer(allocator.buffer(capacity: 0))), promise: promise)
            }
            reset()
        case .streamHead(let head, let framing, _):
            reset()
            suppressBody = framing == .noBody
            chunked = framing == .chunked
            heads.keep(head)
            context.write(NIOAny(IOData.byteBuffer(head)), promise: promise)
        case .whole(let head, let body, _):
            reset()
            if let body, body.readableBytes > 0, method != .HEAD {
                context.write(NIOAny(IOData.byteBuffer(head)), promise: nil)
                context.write(NIOAny(IOData.byteBuffer(body)), promise: promise)
            } else {
                context.write(NIOAny(IOData.byteBuffer(head)), promise: promise)
            }
        }
    }

    private mutating func reset() {
        chunked = false
        suppressBody = false
        framer = ChunkFramer()
    }

    /// A writer for a streamed answer's head in this connection's spare head buffer, which the
    /// `streamHead` part gives back.
    mutating func headWriter(version: HTTPVersion, status: HTTPResponseStatus, allocator: ByteBufferAllocator) -> ResponseHeadWriter {
        ResponseHeadWriter(version: version, status: status, heads: &heads, allocator: allocator)
    }

    /// NIO's encoder's framing rules. `framesBody`: whether the head carries body framing at all
    /// (not for `CONNECT`, nor for 1xx, 204 and 304), so whether a `Content-Length` stays;
    /// `chunked`: whether it says `Transfer-Encoding: chunked` (framed, no length, HTTP/1.1);
    /// `noBody`: whether body parts must be empty (those, and any answer to `HEAD`).
    static func framing(
        method: HTTPMethod, status: HTTPResponseStatus, version: HTTPVersion, hasLength: Bool
    ) -> (framesBody: Bool, chunked: Bool, noBody: Bool) {
        let framesBody = method != .CONNECT && status.mayHaveResponseBody
        let chunked = framesBody && !hasLength && version.major == 1 && version.minor >= 1
        return (framesBody, chunked, method == .HEAD || !framesBody)
    }

    /// The head as bytes, with its framing fields corrected as NIO's encoder corrects them.
    private mutating func encode(_ head: HTTPResponseHead, method: HTTPMethod, allocator: ByteBufferAllocator) throws
        -> ByteBuffer
    {
        let code = head.status.code
        // A 1xx other than 101 is followed by the real head; the framing is decided by that one.
        let informational = code >= 100 && code < 200 && code != 101
        let (framesBody, isChunked, noBody) = Self.framing(
            method: method, status: head.status, version: head.version, hasLength: head.headers.contains(name: "content-length"))
        var writer = ResponseHeadWriter(version: head.version, status: head.status, heads: &heads, allocator: allocator)
        for (name, value) in head.headers {
            // The transfer coding is this encoder's (chunked, added below, or none); a length only
            // when there may be a body.
            if HeaderName.equals(name, "transfer-encoding") { continue }
            if !framesBody, HeaderName.equals(name, "content-length") { continue }
            writer.add(name: name, value: value)
        }
        if isChunked { writer.add("transfer-encoding", value: "chunked") }
        guard writer.isValid else { throw Failure.invalidHead }
        if !informational {
            suppressBody = noBody
            chunked = isChunked && !noBody
            framer = ChunkFramer()
        }
        let bytes = writer.finish()
        heads.keep(bytes)
        return bytes
    }
}
