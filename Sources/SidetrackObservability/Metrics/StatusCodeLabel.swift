/// The `code` label of `sidetrack_http_server_requests_total`.
///
/// Codes Sidetrack and Spotify actually answer with get a dense index (so the counter is found
/// by array index); anything else falls back to a locked dictionary on a rare path.
enum StatusCodeLabel {
    /// Codes with a dense index.
    static let indexed: [Int] = [
        200, 201, 202, 204, 206, 301, 302, 304, 307, 308,
        400, 401, 403, 404, 405, 406, 408, 409, 411, 413, 414, 415, 429, 431,
        500, 501, 502, 503, 504,
    ]
    /// Codes created at zero at start-up for every route × method.
    static let precreated: [Int] = [200, 400, 401, 404, 429, 500, 502, 503, 504]

    private static let lookup: [Int8] = {
        var table = [Int8](repeating: -1, count: 600)
        for (index, code) in indexed.enumerated() { table[code] = Int8(index) }
        return table
    }()

    /// Dense index of `status`, or `nil` when it has none.
    @inline(__always)
    static func index(of status: Int) -> Int? {
        guard status >= 0, status < 600 else { return nil }
        let index = lookup[status]
        return index >= 0 ? Int(index) : nil
    }

    /// Label text; codes outside 100…599 are not HTTP statuses and collapse to one value.
    static func label(_ status: Int) -> String {
        (100..<600).contains(status) ? String(status) : "invalid"
    }
}
