import NIOCore
import NIOHTTP1
import SidetrackCore

/// Writes an upstream connection's requests as bytes: NIO's `HTTPRequestEncoder` and
/// `NIOHTTPRequestHeadersValidator` in one handler (the checks are `HTTPFieldCheck`'s), plus the two
/// fields every request gets from its connection — `Host`, and the framing of its body — written
/// here rather than added to a copy of the request's headers.
///
/// Sits below `UpstreamResponseDecoder`, which learns each request's method (to know which answers,
/// to `HEAD`, have no body) from the head going by or, for heads handed over by `send(_:)`, from the
/// connection (`expectAnswer(to:)`).
final class UpstreamRequestEncoder: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = IOData

    /// How the next request's body is framed; `UpstreamConnection` sets it before writing the head.
    enum Framing {
        /// No body and no framing field (`GET`, `DELETE`, …).
        case none
        case length(Int)
        case chunked
    }

    private let hostHeader: String
    var nextFraming = Framing.none
    /// The client's fields the next request forwards (`UpstreamRequest.forwarded`), written
    /// before the head's own; `UpstreamConnection` sets it before writing the head.
    var nextForwarded: ForwardedFields?
    private var chunked = false
    private var framer = ChunkFramer()
    /// Spare buffers for request heads and chunk size lines, reused once the socket has taken their
    /// bytes (the connection is kept alive for request after request; see `HeadBufferRecycler`).
    private var heads = HeadBufferRecycler()
    private var sizeLines = HeadBufferRecycler()

    /// This handler's own context, for requests handed over directly (`send(_:)`).
    private var ownContext: ChannelHandlerContext?
    /// The channel's allocator, read once (`context.channel.allocator` retains and releases the
    /// channel and its event loop on every call; Sidetrack never changes a channel's allocator).
    private var allocator = ByteBufferAllocator()

    init(hostHeader: String) {
        self.hostHeader = hostHeader
    }

    func handlerAdded(context: ChannelHandlerContext) {
        ownContext = context
        allocator = context.channel.allocator
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        ownContext = nil
    }

    /// Writes a request head handed over by the connection above, not flushed: what a `write` of
    /// `.head` through the pipeline does, without the `NIOAny` wrapping, the walk past the response
    /// decoder and the cast back. False when this handler is not in a pipeline (the caller then
    /// writes through its context).
    func send(_ head: HTTPRequestHead) -> Bool {
        guard let context = ownContext else { return false }
        writeHead(head, context: context, promise: nil)
        return true
    }

    /// Ends a request handed over by `send(_:)` and flushes: the last chunk of a chunked body,
    /// nothing otherwise. False when this handler is not in a pipeline.
    func sendEnd() -> Bool {
        guard let context = ownContext else { return false }
        writeEnd(context: context, promise: nil)
        context.flush()
        return true
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            writeHead(head, context: context, promise: promise)
        case .body(let body):
            if chunked, body.readableBytes > 0 {
                let size = framer.sizeLine(for: body.readableBytes, lines: &sizeLines, allocator: allocator)
                context.write(wrapOutboundOut(.byteBuffer(size)), promise: nil)
            }
            context.write(wrapOutboundOut(body), promise: promise)
        case .end:
            writeEnd(context: context, promise: promise)
        }
    }

    private func writeHead(_ head: HTTPRequestHead, context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        guard let bytes = encode(head, allocator: allocator) else {
            promise?.fail(HTTPParserError.invalidHeaderToken)
            context.fireErrorCaught(HTTPParserError.invalidHeaderToken)
            return
        }
        context.write(wrapOutboundOut(.byteBuffer(bytes)), promise: promise)
    }

    private func writeEnd(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        if chunked {
            context.write(wrapOutboundOut(.byteBuffer(framer.lastChunk())), promise: promise)
        } else if let promise {
            // Nothing to write, but the promise must not complete before what was written.
            context.write(wrapOutboundOut(.byteBuffer(allocator.buffer(capacity: 0))), promise: promise)
        }
        chunked = false
    }

    /// The head as bytes, or nil when a part of it could end the head early or smuggle a request.
    private func encode(_ head: HTTPRequestHead, allocator: ByteBufferAllocator) -> ByteBuffer? {
        let method = head.method.rawValue
        // A method is a token, like a field name.
        guard HTTPFieldCheck.isValidTarget(head.uri), HTTPFieldCheck.isValidName(method),
            HTTPFieldCheck.isValidValue(hostHeader)
        else { return nil }
        var buffer = heads.take(allocator: allocator)
        buffer.writeString(method)
        buffer.writeStaticString(" ")
        buffer.writeString(head.uri)
        buffer.writeStaticString(head.version == .http1_0 ? " HTTP/1.0\r\nhost: " : " HTTP/1.1\r\nhost: ")
        buffer.writeString(hostHeader)
        buffer.writeStaticString("\r\n")
        if let forwarded = nextForwarded.take() {
            // Straight from the client's head into bytes; the head's own fields follow and win.
            let written = HeaderPolicy.writeUpstreamRequestFields(
                forwarded, replacedBy: head.headers,
                field: { name, value in Self.write(name, value, into: &buffer) },
                requestID: { id in Self.write(requestID: id, into: &buffer) })
            guard written else { return nil }
        }
        for (name, value) in head.headers {
            guard Self.write(name, value, into: &buffer) else { return nil }
        }
        chunked = false
        framer = ChunkFramer()
        switch nextFraming {
        case .none:
            break
        case .length(let length):
            buffer.writeStaticString("content-length: ")
            buffer.writeString(String(length))
            buffer.writeStaticString("\r\n")
        case .chunked:
            buffer.writeStaticString("transfer-encoding: chunked\r\n")
            chunked = true
        }
        nextFraming = .none
        buffer.writeStaticString("\r\n")
        heads.keep(buffer)
        return buffer
    }

    /// One field, checked first; false (nothing written) when it could end the head early.
    private static func write(_ name: String, _ value: String, into buffer: inout ByteBuffer) -> Bool {
        guard HTTPFieldCheck.isValidName(name), HTTPFieldCheck.isValidValue(value) else { return false }
        buffer.writeString(name)
        buffer.writeStaticString(": ")
        buffer.writeString(value)
        buffer.writeStaticString("\r\n")
        return true
    }

    /// `X-Request-ID`: a generated id's 32 hex digits straight into the head (no `String`); a
    /// caller's id, well-formed by `RequestID.isWellFormed`, is checked like any value.
    private static func write(requestID id: CorrelationID, into buffer: inout ByteBuffer) -> Bool {
        guard id.isGenerated else { return write("x-request-id", id.description, into: &buffer) }
        buffer.writeStaticString("x-request-id: ")
        id.withUTF8 { _ = buffer.writeBytes($0) }
        buffer.writeStaticString("\r\n")
        return true
    }
}
