import NIOCore
import NIOHTTP1

/// What the gateway's handlers write towards a client. `RequestSequencer` encodes it.
///
/// NIO's head/body/end parts for answers that stream (upstream responses), and `whole` for answers
/// known in full at once — cache hits, gateway errors, probes — whose head is written straight into
/// bytes by `ResponseHeadWriter`: no `HTTPHeaders` copy per answer, and one trip through the
/// pipeline instead of three.
enum ResponsePart {
    case head(HTTPResponseHead)
    case body(IOData)
    case end
    /// A whole answer. `head`: status line, header fields with their framing (`Content-Length`)
    /// and the blank line, from `ResponseHeadWriter`; `body` is sent as it is (nil for none, and
    /// for answers to `HEAD`). `closes`: the head says `Connection: close`.
    case whole(head: ByteBuffer, body: ByteBuffer?, closes: Bool)
}
