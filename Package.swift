// swift-tools-version: 6.2
import PackageDescription

// Module boundaries follow real dependency boundaries (STYLE §4):
// - SidetrackCore: engines that know nothing of sockets or HTTP libraries (route table, ids, errors, link rewriting).
// - SidetrackConfig: configuration model, YAML/env/flag layering and validation.
// - SidetrackObservability: Prometheus registry, JSON logging, process metrics.
// - SidetrackEmulator: the built-in fake Spotify (NIO), for tests, demos and benchmarks.
// - SidetrackGateway: the data plane and admin listener (NIO, its own upstream client, lifecycle).
// - sidetrack: the command-line entry point.
let package = Package(
    name: "sidetrack",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sidetrack", targets: ["sidetrack"]),
        .library(name: "SidetrackCore", targets: ["SidetrackCore"]),
        .library(name: "SidetrackGateway", targets: ["SidetrackGateway"]),
        .library(name: "SidetrackEmulator", targets: ["SidetrackEmulator"]),
        // For Benchmarks/ (the metric-observation benchmark); the gateway uses it as a target.
        .library(name: "SidetrackObservability", targets: ["SidetrackObservability"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        // OTLP/HTTP only: the default traits add gRPC and minutes of build (DESIGN §6).
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        .target(
            name: "SidetrackCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "SidetrackConfig",
            dependencies: [
                "SidetrackCore",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "SidetrackObservability",
            dependencies: [
                "SidetrackCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "SidetrackEmulator",
            dependencies: [
                "SidetrackObservability",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "SidetrackGateway",
            dependencies: [
                "SidetrackCore",
                "SidetrackConfig",
                "SidetrackObservability",
                "SidetrackDiskCache",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
            ]
        ),
        // The persistent SQLite cache tier: its own module because GRDB (and system SQLite) starts here,
        // and because it knows nothing of HTTP, keys or tokens — the gateway hands it opaque entries.
        .target(
            name: "SidetrackDiskCache",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "sidetrack",
            dependencies: [
                "SidetrackGateway",
                "SidetrackEmulator",
                "SidetrackConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "SidetrackCoreTests", dependencies: ["SidetrackCore"]),
        .testTarget(name: "SidetrackConfigTests", dependencies: ["SidetrackConfig"]),
        .testTarget(name: "SidetrackObservabilityTests", dependencies: ["SidetrackObservability"]),
        .testTarget(
            name: "SidetrackDiskCacheTests",
            dependencies: [
                "SidetrackDiskCache",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "SidetrackEmulatorTests",
            dependencies: [
                "SidetrackEmulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(
            name: "SidetrackGatewayTests",
            dependencies: [
                "SidetrackGateway",
                "SidetrackEmulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
