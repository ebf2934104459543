import Benchmark
import SidetrackCore
import SidetrackObservability

/// What `RequestObserver` writes per request besides the metrics: a cache hit's access line,
/// built as a record and encoded on the stack (`withEncodedBytes`), the sink's copy left out.
func accessLineBenchmarks() {
    var ids = RequestIDGenerator()
    let route = "/v1/tracks/{id}"
    let client = "tok:" + String(repeating: "7f", count: 32)
    let path: Substring = "/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh"
    Benchmark("AccessLogRecord hit line") { benchmark in
        var total = 0
        for _ in benchmark.scaledIterations {
            let record = AccessLogRecord(
                requestID: ids.next(), method: "GET", route: route, path: path, status: 200, durationMs: 0.412,
                cache: .hit, client: client, bytesOut: 2402)
            record.withEncodedBytes { total &+= $0.count }
        }
        blackHole(total)
    }
}
