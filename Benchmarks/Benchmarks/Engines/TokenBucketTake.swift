import Benchmark
import SidetrackCore

/// The per-client limit on a cache hit: `TokenBucket.take` alone, and `ClientRateLimiter.check`
/// (lock, per-client lookup, take) as the gateway calls it. Time is injected, 1 ms per call, so
/// the bucket refills and never denies.
func tokenBucketBenchmarks() {
    Benchmark("TokenBucket.take") { benchmark in
        var bucket = TokenBucket(rate: .perSecond(1_000), burst: 100, now: 0)
        var now: Int64 = 0
        for _ in benchmark.scaledIterations {
            now += 1
            blackHole(bucket.take(now: now))
        }
    }

    let limiter = ClientRateLimiter(configuration: .init(rate: .perSecond(1_000), burst: 100))
    // `tok:` + 16 hex digits, as the gateway names a client with a token.
    let clients = (10..<60).map { number in "tok:3f9a0c7e3f9a0c\(number)" }
    Benchmark("ClientRateLimiter.check") { benchmark in
        var now: Int64 = 0
        var next = 0
        for _ in benchmark.scaledIterations {
            now += 1
            blackHole(limiter.check(clients[next], now: now))
            next = next == clients.count - 1 ? 0 : next + 1
        }
    }
}
