import NIOCore
import NIOHTTP1
import SidetrackCore

/// One request for `UpstreamHTTPClient`: the origin, the head as it goes on the wire (origin-form
/// target; `Host` and body framing are added by the client) and the body.
struct UpstreamRequest {
    var endpoint: UpstreamEndpoint
    var method: HTTPMethod
    /// Path and query, `/v1/tracks/…?market=US`.
    var target: String
    /// A client's fields to forward, written by the encoder in one pass; nil for none.
    var forwarded: ForwardedFields?
    /// Fields of the gateway's own, written after the forwarded ones and replacing any of theirs
    /// by the same name (`traceparent` from tracing, a revalidation's `If-None-Match`).
    var headers: HTTPHeaders
    var body: UpstreamRequestBody?
}

/// A client request's fields as they go upstream (`HeaderPolicy.writeUpstreamRequestFields`): its
/// own less the hop-by-hop and replaced ones, then the request id and `X-Forwarded-*`. Kept as the
/// client's `HTTPHeaders` plus these few values, and turned into bytes by `UpstreamRequestEncoder`
/// directly: no list of forwarded fields copied per request.
struct ForwardedFields {
    var client: HTTPHeaders
    var requestID: CorrelationID
    /// For `X-Forwarded-For`; nil when there is none (a background refresh).
    var peerAddress: String?
    /// `Accept-Encoding: gzip` replaces the client's (Sidetrack must be able to decode a body to
    /// rewrite its links); false: none is sent.
    var acceptsGzip: Bool
    /// A cacheable answer is fetched whole: the client's `If-None-Match` and `If-Modified-Since`
    /// are answered by the gateway, not sent.
    var dropsValidators: Bool
}

/// A request body: a whole buffer (replayable, so a request on a pooled connection that the server
/// had already closed is sent again on a fresh one), or the client's body streamed as it arrives.
enum UpstreamRequestBody {
    case buffer(ByteBuffer)
    /// `length` nil: sent chunked.
    case stream(RequestBodyStream, length: Int?)
}

/// Receives one call's answer, on the loop the call was made on, one event at a time. A part
/// handler returns nil when it has taken the part (the next one may follow at once) or a future
/// the next event waits for (back-pressure: e.g. until the client socket can take more); exactly
/// one of `finished`/`failed` ends the call.
protocol UpstreamResponseDelegate: AnyObject {
    func upstreamReceivedHead(_ head: HTTPResponseHead) -> EventLoopFuture<Void>?
    func upstreamReceivedBodyPart(_ buffer: ByteBuffer) -> EventLoopFuture<Void>?
    /// The parts of one socket read (or of one held-back batch) have been handed over: the moment
    /// to flush what was written for them, so a small answer leaves in one `writev`.
    func upstreamPartsDelivered()
    func upstreamFinished()
    func upstreamFailed(_ error: any Error)
}

/// Why a call failed, when it was not a socket or TLS error of its own.
enum UpstreamClientError: Error, Equatable {
    /// The call's deadline passed before its answer was complete.
    case deadlineExceeded
    /// The connection closed before the answer was complete.
    case remoteConnectionClosed
    /// The caller cancelled the call.
    case cancelled
    /// The client is shut down.
    case shutDown
}
