import Benchmark
import SidetrackCore

/// `CacheKeyBuilder.key` (with `QueryNormalizer`) as the gateway calls it on every cacheable GET:
/// a shared catalog read with a query, and a private `/v1/me` read keyed by the token identity.
func cacheKeyBenchmarks() {
    let table = RouteTable.spotify
    let builder = CacheKeyBuilder(sharing: .market)
    // 64 hex digits, as `ClientIdentifier.tokenIdentity` returns.
    let identity = String(repeating: "3f9a0c7e", count: 8)
    let requests: [(name: String, path: String, query: String, language: String?)] = [
        ("catalog with query", "/v1/albums/4aawyAB9vmqN3uQ7FjRGTy/tracks", "offset=20&limit=10&market=SE", "sv-SE"),
        ("private /v1/me", "/v1/me/player", "", nil),
    ]
    for request in requests {
        let match = table.classify(method: "GET", path: request.path)
        let input = CacheKeyBuilder.Request(
            route: match.route, path: match.path, query: request.query[...],
            acceptLanguage: request.language.map { $0[...] }, linkBase: "http://127.0.0.1:8080", gzip: true,
            tokenIdentity: identity)
        Benchmark("CacheKeyBuilder.key \(request.name)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(builder.key(for: input))
            }
        }
    }
}
