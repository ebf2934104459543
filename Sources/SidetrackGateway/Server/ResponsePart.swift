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
    /// A streamed answer's head already written as bytes (status line, fields with their framing
    /// field, blank line) — a proxied answer's, made from the upstream's head in one pass by
    /// `UpstreamExchange` — and how its body parts go out (`ResponseEncoder.framing`). `closes`:
    /// the head says `Connection: close`.
    case streamHead(head: ByteBuffer, framing: BodyFraming, closes: Bool)

    /// How a streamed answer's body parts are framed on the wire.
    enum BodyFraming {
        /// As they are: the head has a `Content-Length`, or the body runs to the close (HTTP/1.0).
        case asIs
        /// As chunks; the head says `Transfer-Encoding: chunked`.
        case chunked
        /// Not at all: no body may follow (an answer to `HEAD`, a 204 or 304).
        case noBody
    }
}
