import NIOCore
import NIOHTTP1

/// The upstream client's delegate for one attempt of an `UpstreamExchange`. A retry is a new attempt
/// with a new delegate, so a late callback of an abandoned attempt (a cancelled call reporting its
/// error, say) is recognised by its number and dropped instead of confusing the next one.
final class UpstreamAttempt: UpstreamResponseDelegate {
    private let exchange: UpstreamExchange
    let number: Int

    init(exchange: UpstreamExchange, number: Int) {
        self.exchange = exchange
        self.number = number
    }

    private var isCurrent: Bool { exchange.currentAttempt == number }

    func upstreamReceivedHead(_ head: HTTPResponseHead) -> EventLoopFuture<Void>? {
        guard isCurrent else { return nil }
        return exchange.attemptReceivedHead(head)
    }

    func upstreamReceivedBodyPart(_ buffer: ByteBuffer) -> EventLoopFuture<Void>? {
        guard isCurrent else { return nil }
        return exchange.attemptReceivedBodyPart(buffer)
    }

    func upstreamPartsDelivered() {
        guard isCurrent else { return }
        exchange.flushWritten()
    }

    func upstreamFinished() {
        guard isCurrent else { return }
        exchange.attemptFinished()
    }

    func upstreamFailed(_ error: any Error) {
        guard isCurrent else { return }
        exchange.attemptFailed(error)
    }
}
