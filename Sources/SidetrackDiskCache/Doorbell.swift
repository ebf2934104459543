/// Wakes the batch writer early when enough operations are queued.
///
/// An `AsyncStream` that buffers at most one ring: ringing is a cheap, non-blocking call from request
/// threads, and many rings before the writer wakes collapse into one drain.
struct Doorbell: Sendable {
    let rings: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (rings, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func ring() {
        continuation.yield()
    }
}
