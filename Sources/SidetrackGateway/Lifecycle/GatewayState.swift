import Atomics

/// Process-wide readiness facts the probes report: cheap atomics, read on every probe and request.
public final class GatewayState: Sendable {
    private let listenersBound = ManagedAtomic(false)
    private let draining = ManagedAtomic(false)
    private let inFlight = ManagedAtomic(0)
    /// Nanoseconds on the monotonic clock when the gateway was created (for uptime).
    public let startedAtNanos: UInt64

    public init(now: UInt64) {
        self.startedAtNanos = now
    }

    public var isReady: Bool { listenersBound.load(ordering: .relaxed) && !isDraining }
    public var isDraining: Bool { draining.load(ordering: .relaxed) }
    public var inFlightRequests: Int { inFlight.load(ordering: .relaxed) }

    func markListenersBound() { listenersBound.store(true, ordering: .relaxed) }
    /// From here on `/ready` answers 503, so Kubernetes stops sending new traffic.
    public func beginDraining() { draining.store(true, ordering: .relaxed) }
    func requestStarted() { inFlight.wrappingIncrement(ordering: .relaxed) }
    func requestFinished() { inFlight.wrappingDecrement(ordering: .relaxed) }
}
