extension Bulkhead {
    /// The bulkhead's bookkeeping as a value; it returns waiters for the caller to resume
    /// instead of calling them, so no callback ever runs under the lock.
    ///
    /// Invariant: callers are queued only while every slot is taken, and a release with a
    /// queue hands its slot straight to the oldest waiter — so a slot is never idle while
    /// someone waits, and never lost.
    public struct StateMachine<Waiter> {
        public let maxConcurrent: Int
        public let maxQueue: Int
        public private(set) var inFlight = 0
        /// FIFO from `head`; resumed or cancelled entries before `head` are compacted away.
        private var queue: [(id: UInt64, waiter: Waiter?)] = []
        private var head = 0
        private var nextID: UInt64 = 0

        public init(configuration: Configuration) {
            maxConcurrent = max(1, configuration.maxConcurrent)
            maxQueue = max(0, configuration.maxQueue)
        }

        public var queued: Int { queue.count - head }

        public var isFull: Bool { inFlight >= maxConcurrent && queued >= maxQueue }

        public mutating func acquire(waiter: @autoclosure () -> Waiter) -> AcquireResult {
            if inFlight < maxConcurrent {
                inFlight += 1
                return .acquired
            }
            guard queued < maxQueue else { return .rejected }
            nextID &+= 1
            queue.append((nextID, waiter()))
            return .queued(ticket: Ticket(id: nextID))
        }

        /// The waiter now owning the released slot, or nil if the slot went back to the pool.
        public mutating func release() -> Waiter? {
            guard head < queue.count else {
                inFlight = max(0, inFlight - 1)
                return nil
            }
            let waiter = queue[head].waiter
            queue[head].waiter = nil
            head += 1
            compact()
            return waiter
        }

        public mutating func cancel(_ ticket: Ticket) -> Bool {
            guard let position = queue[head...].firstIndex(where: { $0.id == ticket.id }) else { return false }
            queue.remove(at: position)
            compact()
            return true
        }

        public mutating func removeAllQueued() -> [Waiter] {
            let waiters = queue[head...].compactMap(\.waiter)
            queue.removeAll(keepingCapacity: true)
            head = 0
            return waiters
        }

        private mutating func compact() {
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 32, head * 2 >= queue.count {
                queue.removeFirst(head)
                head = 0
            }
        }
    }
}
