import NIOCore

/// The deadlines of one event loop's upstream calls, in a min-heap of the loop's own with one NIO
/// timer for the earliest.
///
/// Why: a timer per call — scheduled when it starts, cancelled when it ends, nearly always long
/// before it fires — took the loop's task lock twice per pass-through request, and the cancel
/// searched NIO's whole task heap (~1.7 % of a pass-through request). Here a call joins and
/// leaves the heap without a lock (the loop is the only user) and the timer is left alone when the
/// earliest call ends early: it fires at most once per call period, finds whatever is due, and is
/// set again for the earliest call left. It is moved only when a call due sooner than it joins.
final class CallDeadlines: NIOScheduledCallbackHandler, @unchecked Sendable {
    // @unchecked: used only on `loop`.
    private let loop: any EventLoop
    /// Ordered by `deadline`; each call knows its position (`deadlineSlot`).
    private var heap: [UpstreamCall] = []
    private var timer: NIOScheduledCallback?
    private var timerAt: NIODeadline?
    /// Due calls are being failed: calls joining meanwhile (retries) wait for the timer to be set
    /// once they are done, for the earliest deadline left.
    private var firing = false

    init(loop: any EventLoop) {
        self.loop = loop
    }

    /// Calls with a deadline still to come (tests).
    var count: Int { heap.count }

    /// Fails `call` with `deadlineExceeded` at its `deadline` unless it leaves first (`remove`).
    func add(_ call: UpstreamCall) {
        call.deadlineSlot = heap.count
        heap.append(call)
        siftUp(heap.count - 1)
        if firing { return }
        if let timerAt, timerAt <= call.deadline { return }
        setTimer(at: call.deadline)
    }

    /// `call` ended; nothing happens at its deadline. No-op for a call not in the heap.
    func remove(_ call: UpstreamCall) {
        guard let slot = call.deadlineSlot, slot < heap.count, heap[slot] === call else { return }
        call.deadlineSlot = nil
        let last = heap.removeLast()
        guard slot < heap.count else { return }
        heap[slot] = last
        last.deadlineSlot = slot
        siftDown(siftUp(slot))
    }

    func handleScheduledCallback(eventLoop: some EventLoop) {
        timer = nil
        timerAt = nil
        let now = loop.now
        // Failing a call may start another (a retry joins the heap): take each due call off first.
        firing = true
        while let first = heap.first, first.deadline <= now {
            remove(first)
            first.fail(UpstreamClientError.deadlineExceeded)
        }
        firing = false
        if let first = heap.first { setTimer(at: first.deadline) }
    }

    private func setTimer(at deadline: NIODeadline) {
        timer?.cancel()
        // A loop shutting down refuses the timer: no time is then recorded for it either.
        timer = try? loop.scheduleCallback(at: deadline, handler: self)
        timerAt = timer == nil ? nil : deadline
    }

    /// Moves the call at `index` towards the root while it is due sooner; returns where it ends.
    @discardableResult
    private func siftUp(_ index: Int) -> Int {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            swapAt(child, parent)
            child = parent
        }
        return child
    }

    private func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            let right = left + 1
            let sooner = right < heap.count && heap[right].deadline < heap[left].deadline ? right : left
            guard heap[sooner].deadline < heap[parent].deadline else { return }
            swapAt(parent, sooner)
            parent = sooner
        }
    }

    private func swapAt(_ a: Int, _ b: Int) {
        heap.swapAt(a, b)
        heap[a].deadlineSlot = a
        heap[b].deadlineSlot = b
    }
}
