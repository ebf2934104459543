/// The queue between request threads and the batch writer, and the overlay that gives read-your-writes.
///
/// A value type held in the store's `Mutex`: every method is short and allocation-light, so request
/// threads hold the lock only briefly. Each operation gets a sequence number. The writer `take`s the
/// queued operations, commits them, then calls `committed(through:)`; only then does the overlay
/// forget them — so between taking and committing, readers still see the queued state rather than a
/// disk that does not have it yet.
struct PendingWrites: Sendable {
    enum Operation: Sendable {
        case put(PersistedEntry)
        case remove(key: String)
        case removeMany(EntryRemoval)
    }

    /// What a reader learns before (or instead of) going to disk.
    enum Lookup {
        /// The newest queued state of the key: an entry, or `nil` for a queued removal.
        case queued(PersistedEntry?)
        /// Nothing queued for the key: read the disk, then drop the row if a queued removal matches it.
        case disk(removals: [EntryRemoval])
    }

    struct Batch: Sendable {
        var operations: [Operation]
        var lastSequence: UInt64
    }

    private var queue: [(sequence: UInt64, operation: Operation)] = []
    private var overlay: [String: (sequence: UInt64, entry: PersistedEntry?)] = [:]
    private var removals: [(sequence: UInt64, removal: EntryRemoval)] = []
    private var nextSequence: UInt64 = 1
    /// Body and header bytes of queued puts, to bound memory when the writer falls behind.
    private(set) var queuedBytes = 0

    var count: Int { queue.count }
    var isEmpty: Bool { queue.isEmpty }

    mutating func put(_ entry: PersistedEntry) {
        let sequence = advance()
        queue.append((sequence, .put(entry)))
        overlay[entry.key] = (sequence, entry)
        queuedBytes += entry.byteCount
    }

    mutating func remove(key: String) {
        let sequence = advance()
        // A queued put of the same key is now pointless: drop it rather than write and delete.
        dropQueuedPuts { $0.key == key }
        queue.append((sequence, .remove(key: key)))
        overlay[key] = (sequence, nil)
    }

    mutating func removeMany(_ removal: EntryRemoval) {
        let sequence = advance()
        if removal == .all {
            // Nothing queued before a full purge matters any more.
            queue.removeAll(keepingCapacity: true)
            queuedBytes = 0
        } else {
            dropQueuedPuts(where: removal.matches)
        }
        // Queued puts that the removal covers disappear from the overlay; queued key removals stay
        // (they still say "absent"), and rows on disk are filtered through `removals` until committed.
        overlay = overlay.filter { _, value in value.entry.map { !removal.matches($0) } ?? true }
        queue.append((sequence, .removeMany(removal)))
        removals.append((sequence, removal))
    }

    func lookup(_ key: String) -> Lookup {
        if let queued = overlay[key] {
            return .queued(queued.entry)
        }
        return .disk(removals: removals.map(\.removal))
    }

    /// Hands every queued operation to the writer. The overlay keeps answering until `committed`.
    mutating func take() -> Batch? {
        guard let last = queue.last?.sequence else { return nil }
        let operations = queue.map(\.operation)
        queue.removeAll(keepingCapacity: true)
        queuedBytes = 0
        return Batch(operations: operations, lastSequence: last)
    }

    /// Puts a batch that could not be written back at the front of the queue (the write was cancelled),
    /// so nothing is lost and order is kept.
    mutating func requeue(_ batch: Batch) {
        var restored: [(sequence: UInt64, operation: Operation)] = []
        restored.reserveCapacity(batch.operations.count + queue.count)
        // Sequence numbers only order overlay/removal cleanup; reusing the batch's last one is enough.
        for operation in batch.operations {
            restored.append((batch.lastSequence, operation))
            if case .put(let entry) = operation { queuedBytes += entry.byteCount }
        }
        restored.append(contentsOf: queue)
        queue = restored
    }

    /// The batch ending at `sequence` is on disk: forget overlay entries and removals it covered,
    /// keeping anything queued after it.
    mutating func committed(through sequence: UInt64) {
        overlay = overlay.filter { $0.value.sequence > sequence }
        removals.removeAll { $0.sequence <= sequence }
    }

    /// Drops everything (the tier failed, nothing queued can be written any more).
    mutating func removeAll() {
        self = PendingWrites()
    }

    private mutating func advance() -> UInt64 {
        defer { nextSequence += 1 }
        return nextSequence
    }

    private mutating func dropQueuedPuts(where shouldDrop: (PersistedEntry) -> Bool) {
        queue.removeAll { item in
            guard case .put(let entry) = item.operation, shouldDrop(entry) else { return false }
            queuedBytes -= entry.byteCount
            return true
        }
    }
}

extension PendingWrites {
    /// Whether queued operations change what the disk says about `entry` (its key is queued, or a
    /// queued removal covers it).
    func shadows(_ entry: PersistedEntry) -> Bool {
        if case .queued = lookup(entry.key) { return true }
        return removals.contains { $0.removal.matches(entry) }
    }
}
