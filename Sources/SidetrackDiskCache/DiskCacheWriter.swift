import ServiceLifecycle

/// The disk tier's batch writer, as a `Service` for the gateway's `ServiceGroup`.
///
/// A separate type from `DiskCacheStore` so the store stays a plain, synchronous object that request
/// code and tests can use without a running service (tests call `flush()` instead). Run exactly one
/// writer per store.
///
/// `run()` drains the store's queue every `batchInterval`, or sooner when `batchSize` operations are
/// queued, each drain one transaction that also deletes expired entries and enforces the byte bound.
/// On graceful shutdown it writes what is left and returns. Start it before the listeners and let it
/// stop after them (the `ServiceGroup` order), so the last answers cached during drain are written.
public struct DiskCacheWriter: Service {
    private let store: DiskCacheStore
    private let batchInterval: Duration

    public init(store: DiskCacheStore, batchInterval: Duration = .milliseconds(50)) {
        self.store = store
        self.batchInterval = batchInterval
    }

    public func run() async {
        await withDiscardingTaskGroup { group in
            // The ticker rings the same doorbell as a full queue, so one loop handles both causes.
            group.addTask { [store, batchInterval] in
                while true {
                    do {
                        try await Task.sleep(for: batchInterval)
                    } catch {
                        return  // cancelled: the loop below has ended
                    }
                    store.doorbell.ring()
                }
            }
            for await _ in store.doorbell.rings.cancelOnGracefulShutdown() {
                await store.drain(force: false)
            }
            group.cancelAll()
        }
        // Reached on graceful shutdown (and on cancellation, where `drain` falls back to a synchronous
        // write): whatever is still queued is written now.
        await store.flush()
    }
}
