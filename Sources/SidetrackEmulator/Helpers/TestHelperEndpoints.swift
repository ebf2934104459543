/// Helpers under `/v1/emulator/` for the gateway's own tests (not Spotify paths; no token needed).
struct TestHelperEndpoints {
    /// Largest document `GET /v1/emulator/large` streams (1 GiB).
    static let maxLargeBytes = 1 << 30

    /// `GET /v1/emulator/large?bytes=N`
    func large(_ request: EmulatorRequest) throws(SpotifyAPIError) -> EmulatorResponse {
        guard let text = request.query["bytes"], let count = Int(text), count >= 0, count <= Self.maxLargeBytes else {
            throw .badRequest("bytes must be an integer between 0 and \(Self.maxLargeBytes)")
        }
        return EmulatorResponse(status: .ok, headers: EmulatorResponse.apiHeaders(), body: .largeJSON(byteCount: count))
    }

    /// `PUT|POST /v1/emulator/echo` — size and SHA-256 of the body the server read.
    func echo(_ request: EmulatorRequest) -> EmulatorResponse {
        let digest = request.digest ?? BodyDigest(byteCount: 0, sha256Hex: "")
        return .json("{\"bytes\":\(digest.byteCount),\"sha256\":\"\(digest.sha256Hex)\"}")
    }

    /// `GET /v1/emulator/headers` — the request headers as received: lower-cased names,
    /// repeated headers joined with `, `.
    func headers(_ request: EmulatorRequest) -> EmulatorResponse {
        var merged: [String: String] = [:]
        var order: [String] = []
        for (name, value) in request.headers {
            let key = name.lowercased()
            if let existing = merged[key] {
                merged[key] = existing + ", " + value
            } else {
                merged[key] = value
                order.append(key)
            }
        }
        let fields = order.map { "\(JSONText.quote($0)):\(JSONText.quote(merged[$0] ?? ""))" }
        return .json("{" + fields.joined(separator: ",") + "}")
    }
}
