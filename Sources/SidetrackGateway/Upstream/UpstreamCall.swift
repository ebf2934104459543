import NIOCore

/// One call of `UpstreamHTTPClient`: waiting for a connection, then running on one, then done.
///
/// Event-loop confined (the caller's loop, which is also the connection's: no hops). The caller
/// keeps it to `cancel()`; the pool keeps it while it waits; the connection while it runs.
final class UpstreamCall: NIOScheduledCallbackHandler, @unchecked Sendable {
    let request: UpstreamRequest
    let connectTimeout: TimeAmount
    private(set) var delegate: (any UpstreamResponseDelegate)?
    /// A scheduled callback, not a `scheduleTask`: no promise, future or closure per call.
    private var deadlineTimer: NIOScheduledCallback?
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

    func startDeadline(_ deadline: NIODeadline, on loop: any EventLoop) {
        deadlineTimer = try? loop.scheduleCallback(at: deadline, handler: self)
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        deadlineTimer = nil
        fail(UpstreamClientError.deadlineExceeded)
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
        deadlineTimer?.cancel()
        deadlineTimer = nil
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
        deadlineTimer?.cancel()
        deadlineTimer = nil
        runningOn = nil
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamFinished()
    }
}
