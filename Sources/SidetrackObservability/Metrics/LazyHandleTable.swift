import Synchronization

/// A fixed-size table of metric handles, each created at most once on first use.
///
/// Hot-path lookups are a pointer offset plus one acquiring atomic load — no lock, no hashing,
/// no allocation. A missing handle is created by the caller's closure and published with a
/// single compare-and-swap; if two threads race, both get the winner's handle (the Prometheus
/// registry also returns the same object for the same labels, so nothing is double counted).
///
/// Later metric families (cache, breaker, rate limit) can reuse this: give every bounded label
/// combination a dense integer index and keep one table per family.
public final class LazyHandleTable<Handle: AnyObject & Sendable>: @unchecked Sendable {
    // @unchecked: the slots are atomics, initialised in `init` and torn down in `deinit` only.
    private let slots: UnsafeMutablePointer<AtomicLazyReference<Handle>>

    /// Number of slots.
    public let count: Int

    /// Creates a table of `count` empty slots.
    public init(count: Int) {
        self.count = max(0, count)
        self.slots = .allocate(capacity: self.count)
        for index in 0..<self.count {
            (self.slots + index).initialize(to: AtomicLazyReference())
        }
    }

    deinit {
        self.slots.deinitialize(count: self.count)
        self.slots.deallocate()
    }

    /// The handle at `index` if it has been created; `nil` for an empty or out-of-range slot.
    @inline(__always)
    public func existing(at index: Int) -> Handle? {
        guard index >= 0, index < self.count else { return nil }
        return self.slots[index].load()
    }

    /// The handle at `index`, created with `make` on first use. Out-of-range indexes are a
    /// programming error upstream; they get a fresh, unstored handle rather than a crash.
    @inline(__always)
    public func handle(at index: Int, orMake make: () -> Handle) -> Handle {
        guard index >= 0, index < self.count else { return make() }
        if let existing = self.slots[index].load() { return existing }
        return self.slots[index].storeIfNil(make())
    }
}
