import NIOConcurrencyHelpers
import NIOCore

/// The emulator's current fault, switchable at run time from tests (or over HTTP with
/// `POST/DELETE /_emulator/faults`). Thread-safe.
public final class FaultInjector: Sendable {
    private let current = NIOLockedValueBox<Fault?>(nil)
    /// Requests parked by a `held` fault, each waiting for its promise.
    private let parked = NIOLockedValueBox<[EventLoopPromise<Void>]>([])

    public init() {}

    /// The active fault, nil when the emulator behaves.
    public var fault: Fault? {
        get { current.withLockedValue { $0 } }
        set { current.withLockedValue { $0 = newValue } }
    }

    /// Activates `fault`, replacing any other.
    public func set(_ fault: Fault) {
        self.fault = fault
    }

    /// Removes the active fault.
    public func clear() {
        fault = nil
    }

    /// The fault that applies to a request for `path`, counting it against `remaining`
    /// (the fault clears itself once its count is used up).
    func consume(path: String) -> Fault? {
        current.withLockedValue { current in
            guard var fault = current, fault.matches(path: path) else { return nil }
            if let remaining = fault.remaining {
                guard remaining > 0 else {
                    current = nil
                    return nil
                }
                fault.remaining = remaining - 1
                current = remaining - 1 > 0 ? fault : nil
            }
            return fault
        }
    }

    /// How many requests a `held` fault is holding right now.
    public var heldCount: Int {
        parked.withLockedValue { $0.count }
    }

    /// Lets every held request go on (to its latency, then its answer). Returns how many.
    @discardableResult
    public func releaseHeld() -> Int {
        let released = parked.withLockedValue { parked in
            defer { parked = [] }
            return parked
        }
        for promise in released { promise.succeed() }
        return released.count
    }

    /// Parks a request; the future completes on `eventLoop` when `releaseHeld()` is called.
    func hold(on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        parked.withLockedValue { $0.append(promise) }
        return promise.futureResult
    }
}
