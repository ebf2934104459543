import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// AsyncHTTPClient's delegate for one attempt of an `UpstreamExchange`. A retry is a new attempt
/// with a new delegate, so a late callback of an abandoned attempt (a cancelled task reporting
/// its error, say) is recognised by its number and dropped instead of confusing the next one.
final class UpstreamAttempt: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void

    private let exchange: UpstreamExchange
    let number: Int

    init(exchange: UpstreamExchange, number: Int) {
        self.exchange = exchange
        self.number = number
    }

    private var isCurrent: Bool { exchange.currentAttempt == number }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        guard isCurrent else { return task.eventLoop.makeSucceededVoidFuture() }
        return exchange.attemptReceivedHead(head)
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard isCurrent else { return task.eventLoop.makeSucceededVoidFuture() }
        return exchange.attemptReceivedBodyPart(buffer)
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        guard isCurrent else { return }
        exchange.attemptFinished()
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        guard isCurrent else { return }
        exchange.attemptFailed(error)
    }
}
