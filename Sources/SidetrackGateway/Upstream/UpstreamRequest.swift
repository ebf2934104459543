import NIOCore
import NIOHTTP1

/// One request for `UpstreamHTTPClient`: the origin, the head as it goes on the wire (origin-form
/// target; `Host` and body framing are added by the client) and the body.
struct UpstreamRequest {
    var endpoint: UpstreamEndpoint
    var method: HTTPMethod
    /// Path and query, `/v1/tracks/…?market=US`.
    var target: String
    var headers: HTTPHeaders
    var body: UpstreamRequestBody?
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
