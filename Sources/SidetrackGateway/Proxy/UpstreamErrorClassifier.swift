import AsyncHTTPClient
import NIOCore
import NIOPosix
import SidetrackCore
import SidetrackObservability

/// Maps what AsyncHTTPClient and NIO throw to the gateway's bounded causes and metric outcomes.
enum UpstreamErrorClassifier {
    private static let timeouts: [HTTPClientError] = [
        .connectTimeout, .readTimeout, .writeTimeout, .deadlineExceeded, .getConnectionFromPoolTimeout,
        .tlsHandshakeTimeout,
    ]

    static func classify(_ error: any Error) -> (GatewayError, UpstreamOutcome) {
        if let error = error as? GatewayError { return (error, .error) }
        if let clientError = error as? HTTPClientError {
            if timeouts.contains(clientError) { return (.upstreamTimeout, .timeout) }
            if clientError == .remoteConnectionClosed || clientError == .cancelled {
                return (.upstreamUnreachable, .unreachable)
            }
            return (.upstreamProtocol, .error)
        }
        if case ChannelError.connectTimeout = error {
            return (.upstreamTimeout, .timeout)
        }
        if error is NIOConnectionError || error is IOError || error is ChannelError {
            return (.upstreamUnreachable, .unreachable)
        }
        return (.upstreamUnreachable, .unreachable)
    }
}
