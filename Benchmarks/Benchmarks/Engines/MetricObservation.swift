import Benchmark
import SidetrackCore
import SidetrackObservability

/// What `RequestObserver` records per request: `GatewayMetrics.observeServer` (one histogram
/// observation, one counter increment), with the route labels the gateway builds from the table.
/// A hit's series (`cache="hit"`) is created on first use, so the warm-up creates it.
func metricObservationBenchmarks() {
    let table = RouteTable.spotify
    let labels =
        table.routes.map { RouteLabel(route: $0.template, methods: [$0.method]) }
        + [RouteLabel(route: table.other.template, methods: ["GET", "POST", "PUT", "DELETE"])]
    let metrics = GatewayMetrics(routes: labels, version: "bench", commit: "bench")
    let track = table.classify(method: "GET", path: "/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh").route.index
    let method = "GET"
    Benchmark("GatewayMetrics.observeServer hit") { benchmark in
        for _ in benchmark.scaledIterations {
            metrics.observeServer(route: track, method: method, status: 200, cache: .hit, seconds: 0.000_8)
        }
    }
}
