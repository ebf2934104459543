import NIOCore

/// One value per event loop of a group, for objects every request on a loop retains.
///
/// Retaining an object writes its reference count; when two loops' threads do that on every
/// request, the count's cache line moves between their cores on each write (~70 ns on the
/// benchmark VM, ~20 such moves per cache hit before this existed: `docs/benchmarks.md`). A replica
/// per loop keeps those writes on one core.
struct LoopReplicas<Value: Sendable>: Sendable {
    private let byLoop: [ObjectIdentifier: Value]
    /// For a loop outside the group (tests' embedded loops).
    private let fallback: Value

    /// `make` runs once per loop of `group`, and once more for the fallback.
    init(group: any EventLoopGroup, make: () -> Value) {
        var byLoop: [ObjectIdentifier: Value] = [:]
        for loop in group.makeIterator() { byLoop[ObjectIdentifier(loop)] = make() }
        self.byLoop = byLoop
        self.fallback = make()
    }

    func value(for loop: any EventLoop) -> Value {
        byLoop[ObjectIdentifier(loop)] ?? fallback
    }
}
