import Synchronization

/// Caps concurrent upstream calls for one route group (DESIGN §2 stage 6), so a slow group
/// (say, player calls timing out) cannot take every connection and starve catalog reads.
///
/// Past `maxConcurrent`, up to `maxQueue` callers wait in FIFO order; past that they are
/// refused at once (503 `bulkhead_full`). Waiting is callback-based so it suits NIO event loops
/// and async code alike without importing either: a queued caller's closure is called with
/// `true` when a released slot is handed to it — always outside the lock. A caller that gives up
/// (queue timeout) calls `cancel`; if that returns false the slot was already handed over, and
/// the caller owns it and must `release` it.
public final class Bulkhead: Sendable {
    public typealias Waiter = @Sendable (Bool) -> Void

    public struct Configuration: Sendable, Equatable {
        /// Default 32 calls in flight per group: well above a healthy group's need at the
        /// global 10/s rate with sub-second latency, small enough to bound a stuck group.
        public var maxConcurrent: Int
        /// Default 64 waiting callers: a short queue absorbs bursts; the caller's queue timeout
        /// bounds the wait.
        public var maxQueue: Int

        public init(maxConcurrent: Int = 32, maxQueue: Int = 64) {
            self.maxConcurrent = maxConcurrent
            self.maxQueue = maxQueue
        }
    }

    /// Identifies a queued caller to `cancel`.
    public struct Ticket: Sendable, Hashable {
        let id: UInt64
    }

    public enum AcquireResult: Sendable, Equatable {
        /// A slot is yours; `release` it when the call ends.
        case acquired
        /// Wait for the closure to be called (or `cancel` with this ticket).
        case queued(ticket: Ticket)
        /// Full: answer 503 at once. The closure will never be called.
        case rejected
    }

    /// The group this bulkhead guards; its raw value is the `group` metric label.
    public let group: RouteGroup
    private let machine: Mutex<StateMachine<Waiter>>

    public init(group: RouteGroup, configuration: Configuration = Configuration()) {
        self.group = group
        machine = Mutex(StateMachine(configuration: configuration))
    }

    /// Takes a slot, queues `waiter`, or refuses. `waiter` is called only if `.queued` is returned,
    /// and made only then: an autoclosure, so taking a free slot (nearly every call) allocates no
    /// closure context for a waiter that will never be queued.
    public func tryAcquire(waiter: @autoclosure @Sendable () -> Waiter) -> AcquireResult {
        machine.withLock { $0.acquire(waiter: waiter()) }
    }

    /// Ends a call: the slot goes to the oldest queued caller, else back to the pool.
    public func release() {
        let next = machine.withLock { $0.release() }
        next?(true)
    }

    /// Removes a queued caller. True if it was still queued (it will never be called; answer
    /// 503); false if a slot was already handed to it (it owns the slot).
    public func cancel(_ ticket: Ticket) -> Bool {
        machine.withLock { $0.cancel(ticket) }
    }

    /// Refuses every queued caller (their closures get `false`), e.g. when draining.
    public func rejectQueued() {
        let waiters = machine.withLock { $0.removeAllQueued() }
        for waiter in waiters { waiter(false) }
    }

    /// Every slot taken and the queue full: a `tryAcquire` now would be refused. Lets the gateway
    /// refuse at the front of the request path, before it sets up any upstream work.
    public var isFull: Bool { machine.withLock { $0.isFull } }

    /// Calls holding a slot (for `sidetrack_bulkhead_in_flight`).
    public var inFlight: Int { machine.withLock { $0.inFlight } }
    /// Callers waiting for a slot.
    public var queued: Int { machine.withLock { $0.queued } }
}
