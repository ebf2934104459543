import NIOCore
import NIOHTTP1
import NIOPosix
import SidetrackCore
import SidetrackObservability

/// Maps what the upstream client and NIO throw to the gateway's bounded causes and metric outcomes.
enum UpstreamErrorClassifier {
    static func classify(_ error: any Error) -> (GatewayError, UpstreamOutcome) {
        if let error = error as? GatewayError { return (error, .error) }
        if let clientError = error as? UpstreamClientError {
            switch clientError {
            case .deadlineExceeded: return (.upstreamTimeout, .timeout)
            case .remoteConnectionClosed, .cancelled, .shutDown: return (.upstreamUnreachable, .unreachable)
            }
        }
        if error is HTTPParserError {
            return (.upstreamProtocol, .error)
        }
        if case ChannelError.connectTimeout = error {
            return (.upstreamTimeout, .timeout)
        }
        if error is NIOConnectionError || error is IOError || error is ChannelError {
            return (.upstreamUnreachable, .unreachable)
        }
        // TLS failures (untrusted certificate, handshake): the upstream is not usable from here.
        return (.upstreamUnreachable, .unreachable)
    }
}
