import Benchmark

// The engines a cache hit runs through, one benchmark per engine and input. Each iteration runs
// the operation 1,000 times (`.kilo`), so time and malloc counts read per operation.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )
    routeClassificationBenchmarks()
    cacheKeyBenchmarks()
    memoryCacheBenchmarks()
    tokenBucketBenchmarks()
    metricObservationBenchmarks()
    linkRewritingBenchmarks()
    accessLineBenchmarks()
}
