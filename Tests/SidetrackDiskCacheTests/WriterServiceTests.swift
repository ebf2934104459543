import Logging
import ServiceLifecycle
import Testing
@testable import SidetrackDiskCache

/// The writer as the gateway runs it: a `Service` in a `ServiceGroup`.
@Suite struct WriterServiceTests {
    @Test func gracefulShutdownFlushesWhatIsQueued() async throws {
        let fixture = try Fixture()
        // An interval and batch size that never fire during the test: only shutdown can write.
        var options = DiskCacheStore.Options()
        options.batchSize = 1_000
        let store = try fixture.open(options: options)
        let observer = try fixture.open()  // reads only what is on disk
        let writer = DiskCacheWriter(store: store, batchInterval: .seconds(3_600))
        let group = ServiceGroup(configuration: .init(services: [writer], logger: fixture.log.logger))

        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            for index in 0..<10 {
                store.put(fixture.entry("k\(index)"))
            }
            #expect(observer.get("k0") == nil)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }

        for index in 0..<10 {
            #expect(observer.get("k\(index)") != nil)
        }
        #expect(store.statistics.pendingOperations == 0)
    }

    @Test func aFullBatchWakesTheWriterBeforeItsInterval() async throws {
        let fixture = try Fixture()
        var options = DiskCacheStore.Options()
        options.batchSize = 4
        let store = try fixture.open(options: options)
        let observer = try fixture.open()
        let writer = DiskCacheWriter(store: store, batchInterval: .seconds(3_600))
        let group = ServiceGroup(configuration: .init(services: [writer], logger: fixture.log.logger))

        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            for index in 0..<4 {
                store.put(fixture.entry("k\(index)"))
            }
            let written = try await eventually { observer.get("k3") != nil }
            #expect(written)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func theIntervalWritesASmallBatch() async throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        let observer = try fixture.open()
        let writer = DiskCacheWriter(store: store, batchInterval: .milliseconds(20))
        let group = ServiceGroup(configuration: .init(services: [writer], logger: fixture.log.logger))

        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            store.put(fixture.entry("a"))
            let written = try await eventually { observer.get("a") != nil }
            #expect(written)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func cancellationStillFlushes() async throws {
        let fixture = try Fixture()
        let store = try fixture.open()
        let observer = try fixture.open()
        let writer = DiskCacheWriter(store: store, batchInterval: .seconds(3_600))

        await withTaskGroup { tasks in
            tasks.addTask { await writer.run() }
            store.put(fixture.entry("a"))
            tasks.cancelAll()
            await tasks.waitForAll()
        }
        #expect(observer.get("a") != nil)
        #expect(!store.isDegraded)
    }

    /// Many threads writing, removing and reading while the writer commits small batches underneath:
    /// every reader must see its own latest write, whether it is queued, being written, or on disk.
    @Test func readersSeeTheirOwnWritesWhileBatchesCommit() async throws {
        let fixture = try Fixture()
        var options = DiskCacheStore.Options()
        options.batchSize = 8
        let store = try fixture.open(maxBytes: 64 << 20, options: options)
        let writer = DiskCacheWriter(store: store, batchInterval: .milliseconds(1))
        let group = ServiceGroup(configuration: .init(services: [writer], logger: fixture.log.logger))

        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            let violations = await withTaskGroup(of: Int.self) { workers in
                for worker in 0..<8 {
                    workers.addTask {
                        var violations = 0
                        for round in 0..<150 {
                            let key = "w\(worker)-\(round % 10)"
                            var entry = fixture.entry(key)
                            entry.status = round
                            store.put(entry)
                            if store.get(key)?.status != round { violations += 1 }
                            if round % 7 == 0 {
                                store.remove(key: key)
                                if store.get(key) != nil { violations += 1 }
                            }
                            if round % 25 == 0 { await store.flush() }
                        }
                        return violations
                    }
                }
                return await workers.reduce(0, +)
            }
            #expect(violations == 0)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(store.statistics.pendingOperations == 0)
        #expect(!store.isDegraded)
        // What is on disk is each key's last state.
        let observer = try fixture.open()
        for worker in 0..<8 {
            for slot in 0..<10 {
                let lastRound = (0..<150).last { $0 % 10 == slot }!
                let expected: Int? = lastRound % 7 == 0 ? nil : lastRound
                #expect(observer.get("w\(worker)-\(slot)")?.status == expected)
            }
        }
    }
}
