import Testing
@testable import SidetrackCore

@Suite struct MemoryCacheTests {
    @Test func keysSpreadOverShardsAndAreFoundAgain() {
        let cache = MemoryCache<Int>(budget: 1 << 20, shardCount: 16)
        for i in 0..<500 { cache.set("GET /v1/tracks/\(i)|shared", value: i, cost: 10, usableUntil: .max, now: 0) }
        for i in 0..<500 { #expect(cache.get("GET /v1/tracks/\(i)|shared", now: 1) == i) }
        #expect(cache.count == 500)
        #expect(cache.shards.filter { $0.withLock { $0.count } > 0 }.count == 16)
        #expect(cache.remove("GET /v1/tracks/7|shared"))
        #expect(cache.get("GET /v1/tracks/7|shared", now: 1) == nil)
    }

    @Test func getReturnsWhatWasSetUntilItIsUnusable() {
        let cache = MemoryCache<String>(budget: 1000, shardCount: 1)
        #expect(cache.set("k", value: "v", cost: 10, usableUntil: 100, now: 0))
        #expect(cache.get("k", now: 99) == "v")
        #expect(cache.get("k", now: 100) == nil)
        #expect(cache.count == 0)
        #expect(cache.evictionCount(.expired) == 1)
    }

    @Test func leastRecentlyUsedGoesFirstWhenOverBudget() {
        let cache = MemoryCache<Int>(budget: 30, shardCount: 1)
        cache.set("a", value: 1, cost: 10, usableUntil: .max, now: 0)
        cache.set("b", value: 2, cost: 10, usableUntil: .max, now: 0)
        cache.set("c", value: 3, cost: 10, usableUntil: .max, now: 0)
        #expect(cache.get("a", now: 1) == 1)  // a is now most recent; b is the coldest
        cache.set("d", value: 4, cost: 10, usableUntil: .max, now: 1)
        #expect(cache.get("b", now: 1) == nil)
        #expect(cache.get("a", now: 1) == 1)
        #expect(cache.get("c", now: 1) == 3)
        #expect(cache.get("d", now: 1) == 4)
        #expect(cache.bytes == 30)
        #expect(cache.evictionCount(.capacity) == 1)
    }

    @Test func replacingAKeyReplacesItsCost() {
        let cache = MemoryCache<Int>(budget: 100, shardCount: 1)
        cache.set("a", value: 1, cost: 60, usableUntil: .max, now: 0)
        cache.set("a", value: 2, cost: 20, usableUntil: .max, now: 0)
        #expect(cache.bytes == 20)
        #expect(cache.count == 1)
        #expect(cache.get("a", now: 0) == 2)
    }

    @Test func tooLargeForAShardIsNotStored() {
        let cache = MemoryCache<Int>(budget: 160, shardCount: 16)
        #expect(cache.maxEntryCost == 10)
        #expect(!cache.set("big", value: 1, cost: 11, usableUntil: .max, now: 0))
        #expect(cache.count == 0)
    }

    @Test func bytesNeverExceedTheBudgetUnderChurn() {
        let cache = MemoryCache<Int>(budget: 4096, shardCount: 4)
        var generator = SplitMix(seed: 7)
        for step in 0..<5000 {
            let key = "k\(generator.next() % 500)"
            if generator.next() % 3 == 0 {
                _ = cache.get(key, now: Int64(step))
            } else {
                cache.set(key, value: step, cost: Int(generator.next() % 200) + 1, usableUntil: Int64(step + 300), now: Int64(step))
            }
            #expect(cache.bytes <= 4096)
        }
        #expect(cache.values().count == cache.count)
    }

    @Test func removeAllWhereScansEveryShard() {
        let cache = MemoryCache<String>(budget: 10_000, shardCount: 8)
        for index in 0..<100 { cache.set("k\(index)", value: index.isMultiple(of: 2) ? "even" : "odd", cost: 1, usableUntil: .max, now: 0) }
        #expect(cache.removeAll { $0 == "even" } == 50)
        #expect(cache.count == 50)
        #expect(cache.values().allSatisfy { $0 == "odd" })
    }
}

/// A tiny deterministic generator for property-style tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
