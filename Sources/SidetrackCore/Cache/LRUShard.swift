/// One shard of `MemoryCache`: a dictionary plus an intrusive doubly linked list over an array of
/// slots, so get/set/evict are O(1) and nodes are reused rather than allocated per insert.
///
/// The read path is `@inlinable` (its state `@usableFromInline`) so that the gateway's module
/// specializes it for its stored type: unspecialized, every cache hit looked up generic metadata
/// and went through value witnesses for `Slot` (~1.5 % of a hit's CPU).
@usableFromInline
struct LRUShard<Value> {
    @usableFromInline
    struct Slot {
        @usableFromInline var key: String
        @usableFromInline var value: Value
        @usableFromInline var cost: Int
        @usableFromInline var usableUntil: Int64
        @usableFromInline var previous: Int
        @usableFromInline var next: Int
    }

    @usableFromInline var index: [String: Int] = [:]
    @usableFromInline var slots: [Slot?] = []
    @usableFromInline var free: [Int] = []
    /// Most recently used.
    @usableFromInline var head = -1
    /// Least recently used.
    @usableFromInline var tail = -1
    @usableFromInline var bytes = 0
    let budget: Int

    init(budget: Int) {
        self.budget = budget
    }

    var count: Int { index.count }

    /// The value if present and still usable at `now`; an unusable one is dropped and reported.
    @inlinable
    mutating func get(_ key: String, now: Int64, evicted: inout [CacheEvictionReason: Int]) -> Value? {
        guard let position = index[key], let slot = slots[position] else { return nil }
        if slot.usableUntil <= now {
            remove(at: position)
            evicted[.expired, default: 0] += 1
            return nil
        }
        moveToFront(position)
        return slot.value
    }

    /// Stores `value`; evicts expired entries met at the cold end, then LRU entries, to fit.
    /// Returns false (and stores nothing) when `cost` alone exceeds the shard's budget.
    mutating func set(
        _ key: String, value: Value, cost: Int, usableUntil: Int64, now: Int64,
        evicted: inout [CacheEvictionReason: Int]
    ) -> Bool {
        if let existing = index[key] { remove(at: existing) }
        guard cost <= budget else { return false }
        while bytes + cost > budget, tail >= 0 {
            let reason: CacheEvictionReason = (slots[tail]?.usableUntil ?? 0) <= now ? .expired : .capacity
            remove(at: tail)
            evicted[reason, default: 0] += 1
        }
        let slot = Slot(key: key, value: value, cost: cost, usableUntil: usableUntil, previous: -1, next: head)
        let position: Int
        if let reused = free.popLast() {
            slots[reused] = slot
            position = reused
        } else {
            slots.append(slot)
            position = slots.count - 1
        }
        if head >= 0 { slots[head]?.previous = position }
        head = position
        if tail < 0 { tail = position }
        index[key] = position
        bytes += cost
        return true
    }

    @discardableResult
    mutating func remove(_ key: String) -> Bool {
        guard let position = index[key] else { return false }
        remove(at: position)
        return true
    }

    /// Removes every entry whose value matches; returns how many.
    mutating func removeAll(where matches: (Value) -> Bool) -> Int {
        let doomed = index.values.filter { slots[$0].map { matches($0.value) } ?? false }
        for position in doomed { remove(at: position) }
        return doomed.count
    }

    /// Every value, most recently used first (stats and tests).
    func values() -> [Value] {
        var result: [Value] = []
        var position = head
        while position >= 0, let slot = slots[position] {
            result.append(slot.value)
            position = slot.next
        }
        return result
    }

    @inlinable
    mutating func remove(at position: Int) {
        guard let slot = slots[position] else { return }
        if slot.previous >= 0 { slots[slot.previous]?.next = slot.next } else { head = slot.next }
        if slot.next >= 0 { slots[slot.next]?.previous = slot.previous } else { tail = slot.previous }
        index.removeValue(forKey: slot.key)
        bytes -= slot.cost
        slots[position] = nil
        free.append(position)
    }

    @inlinable
    mutating func moveToFront(_ position: Int) {
        guard position != head, let slot = slots[position] else { return }
        if slot.previous >= 0 { slots[slot.previous]?.next = slot.next }
        if slot.next >= 0 { slots[slot.next]?.previous = slot.previous } else { tail = slot.previous }
        slots[position]?.previous = -1
        slots[position]?.next = head
        if head >= 0 { slots[head]?.previous = position }
        head = position
    }
}
