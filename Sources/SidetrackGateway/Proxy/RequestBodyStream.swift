import NIOCore

/// Carries a client's request body to the upstream connection with back-pressure.
///
/// Event-loop confined (the client channel's loop, which is also the upstream request's loop).
/// Chunks that arrive before the upstream connection is ready queue here; once more than
/// `highWatermark` bytes are queued or in flight, `shouldPauseReading` tells the handler to stop
/// reading from the client socket until the upstream has taken them.
final class RequestBodyStream: @unchecked Sendable {
    private let eventLoop: any EventLoop
    /// Writes one part upstream; its future completes when the connection has taken it.
    typealias Writer = (ByteBuffer) -> EventLoopFuture<Void>
    private var writer: Writer?
    private var pending = CircularBuffer<ByteBuffer>()
    private var pendingBytes = 0
    private var inFlightBytes = 0
    private var ended = false
    private var failure: (any Error)?
    private var completed = false
    /// Created when the upstream connection asks for the body: a stream that is never sent (the
    /// request was refused first) must not leave a promise behind.
    private var done: EventLoopPromise<Void>?
    /// Called when the stream has room again, so the handler resumes reading.
    var onWritable: (() -> Void)?
    private(set) var receivedBytes = 0
    static let highWatermark = 256 * 1024
    /// A copy of the body for a retry, kept only for requests that may be retried and only up to
    /// `replayLimit` bytes (Spotify's JSON bodies are small; an image upload is not replayed).
    private var copy: ByteBuffer?
    static let replayLimit = 64 * 1024

    init(eventLoop: any EventLoop, keepsCopyForRetry: Bool = false) {
        self.eventLoop = eventLoop
        if keepsCopyForRetry { copy = ByteBuffer() }
    }

    /// The whole body again, for a retry: nil unless a copy was kept, the body has ended and it
    /// stayed within `replayLimit`.
    var replayableBody: ByteBuffer? {
        guard ended, let copy, copy.readableBytes == receivedBytes else { return nil }
        return copy
    }

    var shouldPauseReading: Bool { pendingBytes + inFlightBytes >= Self.highWatermark }

    /// Starts sending through `writer` (the upstream connection, once it is ready); the future
    /// completes when the whole body has been written, or fails with the stream.
    func start(writer: @escaping Writer) -> EventLoopFuture<Void> {
        eventLoop.preconditionInEventLoop()
        // Already failed (client gone, body too large): do not hold the writer (see below).
        guard !completed else {
            return eventLoop.makeFailedFuture(failure ?? ChannelError.ioOnClosedChannel)
        }
        let done = eventLoop.makePromise(of: Void.self)
        self.done = done
        self.writer = writer
        pump()
        return done.futureResult
    }

    func append(_ buffer: ByteBuffer) {
        guard !completed || copy != nil else { return }
        receivedBytes += buffer.readableBytes
        if copy != nil {
            if receivedBytes <= Self.replayLimit { copy!.writeImmutableBuffer(buffer) } else { copy = nil }
        }
        guard !completed else { return }
        pending.append(buffer)
        pendingBytes += buffer.readableBytes
        pump()
    }

    func end() {
        ended = true
        pump()
    }

    /// Ends the stream with an error (client went away, body too large): the upstream request fails.
    func fail(_ error: any Error) {
        guard !completed else { return }
        completed = true
        pending.removeAll()
        writer = nil
        failure = error
        done?.fail(error)
        done = nil
    }

    private func pump() {
        guard let writer, !completed else { return }
        while let buffer = pending.popFirst() {
            let size = buffer.readableBytes
            pendingBytes -= size
            inFlightBytes += size
            writer(buffer).whenComplete { result in
                self.inFlightBytes -= size
                switch result {
                case .success:
                    if !self.shouldPauseReading { self.onWritable?() }
                    self.completeIfDone()
                case .failure(let error):
                    self.fail(error)
                }
            }
        }
        completeIfDone()
    }

    private func completeIfDone() {
        guard ended, !completed, pending.isEmpty, inFlightBytes == 0 else { return }
        completed = true
        // The writer holds the upstream connection, whose call holds this stream: keeping it would
        // leak the whole request (call, delegate, exchange, buffers) once per body.
        writer = nil
        done?.succeed(())
        done = nil
    }
}
