import NIOCore

/// One call of `UpstreamHTTPClient`: waiting for a connection, then running on one, then done.
///
/// Event-loop confined (the caller's loop, which is also the connection's: no hops). The caller
/// keeps it to `cancel()`; the pool keeps it while it waits; the connection while it runs.
final class UpstreamCall: @unchecked Sendable {
    let request: UpstreamRequest
    let connectTimeout: TimeAmount
    private(set) var delegate: (any UpstreamResponseDelegate)?
    /// When the call fails with `deadlineExceeded` if it has not ended (its loop's `CallDeadlines`).
    private(set) var deadline = NIODeadline.distantFuture
    /// The loop's deadlines while the call is among them, and its place there.
    private var deadlines: CallDeadlines?
    var deadlineSlot: Int?
    fileprivate(set) var isDone = false
    /// Where the call is: in a pool's queue, or on a connection.
    var waitingIn: UpstreamConnectionPool.Endpoint?
    var runningOn: UpstreamConnection?
    /// Sent once on a pooled connection that turned out closed: the one transparent resend is used.
    var resent = false

    init(request: UpstreamRequest, connectTimeout: TimeAmount, delegate: any UpstreamResponseDelegate) {
        self.request = request
        self.connectTimeout = connectTimeout
        self.delegate = delegate
    }

    func startDeadline(_ deadline: NIODeadline, in deadlines: CallDeadlines) {
        self.deadline = deadline
        self.deadlines = deadlines
        deadlines.add(self)
    }

    private func stopDeadline() {
        deadlines?.remove(self)
        deadlines = nil
    }

    /// Stops the call; the delegate hears `cancelled` (synchronously) unless it already finished.
    func cancel() {
        fail(UpstreamClientError.cancelled)
    }

    /// Ends the call with `error`: leaves the queue or aborts its connection (which cannot be reused
    /// mid-answer), then tells the delegate. No-op once done.
    func fail(_ error: any Error) {
        guard !isDone else { return }
        isDone = true
        stopDeadline()
        waitingIn?.remove(self)
        waitingIn = nil
        let connection = runningOn
        runningOn = nil
        connection?.abort(self)
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamFailed(error)
    }

    /// The whole answer was delivered.
    func succeed() {
        guard !isDone else { return }
        isDone = true
        stopDeadline()
        runningOn = nil
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamFinished()
    }
}
