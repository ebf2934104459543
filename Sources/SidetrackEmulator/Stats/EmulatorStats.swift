/// Requests the emulator has answered since start (or the last reset), `/_emulator/*` excluded.
public struct EmulatorStats: Sendable, Equatable {
    /// All counted requests.
    public var totalRequests: Int
    /// Counts per `"METHOD path"` (path as sent, without the query), e.g. `"GET /v1/tracks/abc"`.
    public var requests: [String: Int]

    public init(totalRequests: Int = 0, requests: [String: Int] = [:]) {
        self.totalRequests = totalRequests
        self.requests = requests
    }

    /// The count for one method and path, zero when never seen.
    public func count(_ method: String, _ path: String) -> Int {
        requests["\(method) \(path)"] ?? 0
    }

    /// `{"total":N,"requests":{"GET /v1/...":n,...}}`, keys sorted.
    var json: String {
        let entries = requests.keys.sorted().map { "\(JSONText.quote($0)):\(requests[$0] ?? 0)" }
        return "{\"total\":\(totalRequests),\"requests\":{\(entries.joined(separator: ","))}}"
    }
}
