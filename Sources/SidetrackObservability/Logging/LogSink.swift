import Foundation  // Thread and NSCondition for the writer thread; no formatting happens here.

/// Where log lines go: a bounded in-memory buffer drained by one dedicated background thread.
///
/// Why: a NIO event loop must never block on `stdout` (a slow pipe or a paused `kubectl logs`
/// would stall every request on that loop). ``write(_:)`` only copies the line into the buffer
/// under a short lock. When the buffer is full the line is dropped and counted
/// (``droppedLineCount``, exported as `sidetrack_log_lines_dropped_total`) — losing a log line
/// beats adding latency. Memory is bounded by twice `capacityBytes` (the buffer being filled
/// plus the batch being written).
public final class LogSink: Sendable {
    private let state: LogSinkState

    /// A sink writing to a file descriptor (standard output by default).
    /// - Parameters:
    ///   - fileDescriptor: where lines are written; not closed by the sink.
    ///   - capacityBytes: buffered bytes beyond which new lines are dropped.
    public convenience init(fileDescriptor: Int32 = 1, capacityBytes: Int = 4 << 20) {
        self.init(capacityBytes: capacityBytes, output: .fileDescriptor(fileDescriptor))
    }

    /// A sink handing each written batch (whole lines, each ending in `\n`) to `output` on the
    /// writer thread. Meant for tests and for embedding.
    public convenience init(capacityBytes: Int, output: @escaping @Sendable ([UInt8]) -> Void) {
        self.init(capacityBytes: capacityBytes, output: .closure(output))
    }

    private init(capacityBytes: Int, output: LogSinkState.Output) {
        self.state = LogSinkState(capacityBytes: max(1, capacityBytes), output: output)
        let state = self.state
        let thread = Thread { state.runWriter() }
        thread.name = "sidetrack-log-writer"
        thread.start()
    }

    deinit {
        // The writer drains what is buffered, then exits; it keeps `state` alive until then.
        self.state.requestStop()
    }

    /// Queues one line; the sink appends the newline. Never blocks on output.
    public func write(_ line: [UInt8]) {
        self.state.enqueue(line)
    }

    /// Queues one line given as bytes the caller owns (an access line encoded on the stack); the
    /// sink copies them and appends the newline.
    public func write(line: UnsafeBufferPointer<UInt8>) {
        self.state.enqueue(line)
    }

    /// Queues one line given as any byte sequence; the sink appends the newline.
    public func write(bytes: some Sequence<UInt8>) {
        self.state.enqueue(Array(bytes))
    }

    /// Blocks until every line queued before the call has been handed to the output, or
    /// `timeout` passes. Used at shutdown. Returns `false` on timeout.
    @discardableResult
    public func flush(timeout: Duration = .seconds(10)) -> Bool {
        self.state.flush(timeout: timeout)
    }

    /// Flushes, then stops the writer thread. Lines written afterwards are dropped and counted.
    public func shutdown(timeout: Duration = .seconds(10)) {
        self.state.flush(timeout: timeout)
        self.state.requestStop()
    }

    /// Lines dropped so far (buffer full, output failed, or written after shutdown).
    public var droppedLineCount: UInt64 {
        self.state.droppedLineCount
    }

    /// Empties a written batch for reuse as the next buffer; one grown past twice `keeping` bytes by
    /// a burst is replaced by a fresh one of `keeping`, so the spike's memory goes back to malloc.
    static func recycle(_ batch: inout [UInt8], keeping: Int) {
        if batch.capacity > 2 * keeping {
            batch = []
            batch.reserveCapacity(keeping)
        } else {
            batch.removeAll(keepingCapacity: true)
        }
    }
}

/// The shared state between writers and the writer thread, guarded by one `NSCondition`.
private final class LogSinkState: @unchecked Sendable {
    // @unchecked: every mutable field is only touched with `condition` locked.
    enum Output: Sendable {
        case fileDescriptor(Int32)
        case closure(@Sendable ([UInt8]) -> Void)
    }

    private let condition = NSCondition()
    private let capacityBytes: Int
    private let output: Output
    private var pending: [UInt8] = []
    private var pendingLines = 0
    private var acceptedLines: UInt64 = 0
    private var finishedLines: UInt64 = 0
    private var dropped: UInt64 = 0
    private var stopping = false
    private var writerExited = false

    init(capacityBytes: Int, output: Output) {
        self.capacityBytes = capacityBytes
        self.output = output
        self.pending.reserveCapacity(self.retainedCapacity)
    }

    /// What each of the two buffers keeps between batches. A burst (the writer thread starved while
    /// lines kept coming, as on a CPU-starved pod) grows them towards `capacityBytes`; without
    /// giving that back, one busy moment stays resident for the life of the process (up to
    /// 2 × 4 MiB by default).
    private var retainedCapacity: Int { min(self.capacityBytes, 64 * 1024) }

    func enqueue(_ line: [UInt8]) {
        line.withUnsafeBufferPointer { self.enqueue($0) }
    }

    func enqueue(_ line: UnsafeBufferPointer<UInt8>) {
        self.condition.lock()
        defer { self.condition.unlock() }
        guard !self.stopping, self.pending.count + line.count + 1 <= self.capacityBytes else {
            self.dropped += 1
            return
        }
        // Only an empty buffer can have a sleeping writer; skip the wake-up otherwise.
        let writerMayBeWaiting = self.pending.isEmpty
        self.pending.append(contentsOf: line)
        self.pending.append(UInt8(ascii: "\n"))
        self.pendingLines += 1
        self.acceptedLines += 1
        if writerMayBeWaiting { self.condition.broadcast() }
    }

    var droppedLineCount: UInt64 {
        self.condition.lock()
        defer { self.condition.unlock() }
        return self.dropped
    }

    @discardableResult
    func flush(timeout: Duration) -> Bool {
        let deadline = Date(timeIntervalSinceNow: Double(timeout.components.seconds)
            + Double(timeout.components.attoseconds) / 1e18)
        self.condition.lock()
        defer { self.condition.unlock() }
        let target = self.acceptedLines
        while self.finishedLines < target, !self.writerExited {
            if !self.condition.wait(until: deadline) { return self.finishedLines >= target }
        }
        return self.finishedLines >= target
    }

    func requestStop() {
        self.condition.lock()
        self.stopping = true
        self.condition.broadcast()
        self.condition.unlock()
    }

    /// The writer thread's loop: swap the filled buffer for the spare one, write it unlocked.
    func runWriter() {
        var batch = [UInt8]()
        batch.reserveCapacity(self.retainedCapacity)
        while true {
            self.condition.lock()
            while self.pending.isEmpty, !self.stopping { self.condition.wait() }
            if !self.stopping {
                // Woken by the first line after a quiet spell: let the lines of the next couple of
                // milliseconds join it, so a busy gateway pays one wake-up and one write(2) per batch
                // rather than per request (these were a visible share of a cache hit's CPU).
                _ = self.condition.wait(until: Date(timeIntervalSinceNow: Self.batchWindowSeconds))
            }
            if self.pending.isEmpty {
                self.writerExited = true
                self.condition.broadcast()
                self.condition.unlock()
                return
            }
            swap(&batch, &self.pending)
            let lines = self.pendingLines
            self.pendingLines = 0
            self.condition.unlock()

            let delivered = self.deliver(batch)
            LogSink.recycle(&batch, keeping: self.retainedCapacity)

            self.condition.lock()
            self.finishedLines += UInt64(lines)
            if !delivered { self.dropped += UInt64(lines) }
            self.condition.broadcast()
            self.condition.unlock()
        }
    }

    /// How long the writer lets lines gather after the first one; also the most a line waits.
    static let batchWindowSeconds = 0.002

    private func deliver(_ batch: [UInt8]) -> Bool {
        switch self.output {
        case .closure(let output):
            output(batch)
            return true
        case .fileDescriptor(let fd):
            return FileDescriptorWriter.writeAll(batch, to: fd)
        }
    }
}
