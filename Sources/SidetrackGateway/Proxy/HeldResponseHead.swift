import NIOCore

/// A streamed answer's client head, kept back with the body parts that follow it until the parts
/// of the upstream read that brought them are handed over (`UpstreamExchange.flushWritten`), which
/// is when they would have been flushed anyway: nothing reaches the client later than before.
///
/// What it buys: a small answer — head, body and end in one upstream read, the usual case — leaves
/// as one buffer in one write through the channel pipeline, where it was two to five (head, chunk
/// line, body, the rewriter's tail, last chunk), each retaining and releasing some 18 objects on
/// its way through NIO. And an answer whose length was unknown when its head came (a rewritten
/// body, a chunked upstream) but that ended within the read gets `Content-Length` instead of
/// chunked framing. Only bodies up to `ChannelHandlerContext.inlineBodyLimit` are held; a larger
/// one releases the head at once and streams as before.
struct HeldResponseHead {
    /// Every field but the framing ones, which are decided on release.
    private var writer: ResponseHeadWriter
    /// `.chunked`: the length is not known yet.
    private let framing: ResponsePart.BodyFraming
    private let closes: Bool
    private var body: ByteBuffer?

    init(writer: ResponseHeadWriter, framing: ResponsePart.BodyFraming, closes: Bool) {
        self.writer = writer
        self.framing = framing
        self.closes = closes
    }

    /// Keeps a body part until the release (the first one as it is, later ones copied behind it);
    /// false, keeping nothing, when the body would grow past `ChannelHandlerContext.inlineBodyLimit`:
    /// then the head is released and the part written after it, so a large body streams through
    /// uncopied and what is held stays small.
    mutating func append(_ part: ByteBuffer) -> Bool {
        guard (body?.readableBytes ?? 0) + part.readableBytes <= ChannelHandlerContext.inlineBodyLimit else {
            return false
        }
        if body == nil {
            body = part
        } else {
            body!.writeImmutableBuffer(part)
        }
        return true
    }

    /// The parts to write, in order: the head — with the body behind it when that goes out unframed
    /// — and the body when it is chunked. `complete`: the answer has ended, so a length not known
    /// before is now.
    /// Called on the held value in place and then dropped: on a copy (a `let` bound from it, a
    /// `consuming` call), writing the framing field would copy the whole head buffer first.
    mutating func release(complete: Bool) -> (head: ResponsePart, body: ResponsePart?) {
        var framing = framing
        if framing == .chunked {
            if complete {
                writer.add("content-length", value: body?.readableBytes ?? 0)
                framing = .asIs
            } else {
                writer.add("transfer-encoding", value: "chunked")
            }
        }
        guard let body, body.readableBytes > 0 else {
            return (.streamHead(head: writer.finish(), framing: framing, closes: closes), nil)
        }
        // Chunked parts need the encoder's chunk lines around them: only an unframed body is inlined
        // (what is held is never over the inline limit: `append`).
        if framing == .asIs {
            return (.streamHead(head: writer.finish(appending: body), framing: framing, closes: closes), nil)
        }
        return (.streamHead(head: writer.finish(), framing: framing, closes: closes), .body(.byteBuffer(body)))
    }
}
