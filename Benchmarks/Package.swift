// swift-tools-version: 6.2
import PackageDescription

// Micro-benchmarks of the engines on the request path (issue 7), apart from the root package so
// that `swift build` and `swift test` there never build the benchmark framework.
// Run from this folder: `swift package benchmark` (or `make bench-engines` from the root).
let package = Package(
    name: "SidetrackBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, because a path dependency is otherwise named after its folder (a worktree, a clone).
        .package(name: "sidetrack", path: ".."),
        // MallocInterposer: malloc counts without jemalloc, which this machine lacks.
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "Engines",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SidetrackCore", package: "sidetrack"),
                .product(name: "SidetrackObservability", package: "sidetrack"),
            ],
            path: "Benchmarks/Engines",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        // SwiftNIO's own cost per keep-alive request, with no gateway work: the floor under
        // Sidetrack's hit path (bench/run-floor.sh).
        .executableTarget(
            name: "nio-floor",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/NIOFloor"
        ),
    ],
    swiftLanguageModes: [.v6]
)
