import Benchmark
import SidetrackCore

/// `RouteTable.classify` on the paths the tests and the Zipf workload use most, plus a miss.
func routeClassificationBenchmarks() {
    let table = RouteTable.spotify
    let requests: [(name: String, method: String, path: String)] = [
        ("track", "GET", "/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh"),
        ("player", "GET", "/v1/me/player"),
        ("playlist items", "POST", "/v1/playlists/3cEYpjA9oz9GiPac4AsH4n/items"),
        ("unknown path", "GET", "/v1/not-a-route/abc"),
    ]
    for request in requests {
        Benchmark("RouteTable.classify \(request.name)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(table.classify(method: request.method, path: request.path))
            }
        }
    }
}
