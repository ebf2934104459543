import Benchmark
import SidetrackCore

/// `MemoryCache.get` hits on a warmed cache: the bench's 100 hot track keys in turn, each a full
/// key as `CacheKeyBuilder` makes it (so hashing and comparing cost what they cost in the gateway).
func memoryCacheBenchmarks() {
    let cache = MemoryCache<[UInt8]>(budget: 64 << 20)
    let keys = (0..<100).map { number in
        "GET /v1/tracks/benchhot\(String(number + 1000).dropFirst())?market=US|lang=-|gz|http://127.0.0.1:8080|shared"
    }
    let body = [UInt8](repeating: 0x7b, count: 2048)
    for key in keys {
        cache.set(key, value: body, cost: body.count + key.utf8.count, usableUntil: .max, now: 0)
    }
    Benchmark("MemoryCache.get hit") { benchmark in
        var next = 0
        for _ in benchmark.scaledIterations {
            blackHole(cache.get(keys[next], now: 1))
            next = next == keys.count - 1 ? 0 : next + 1
        }
    }
}
