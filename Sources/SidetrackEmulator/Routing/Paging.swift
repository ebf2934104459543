/// A Spotify `limit`/`offset` window and the paging object it renders to.
struct Paging: Equatable {
    var limit: Int
    var offset: Int

    /// Reads `limit` and `offset` from a query, applying Spotify's defaults and bounds.
    /// - Throws: `SpotifyAPIError` 400 for a limit outside `1...maxLimit` or a negative offset.
    static func parse(_ query: QueryParameters, defaultLimit: Int = 20, maxLimit: Int = 50) throws(SpotifyAPIError) -> Paging {
        var paging = Paging(limit: defaultLimit, offset: 0)
        if let text = query["limit"] {
            guard let limit = Int(text), (1...maxLimit).contains(limit) else {
                throw .badRequest("Invalid limit")
            }
            paging.limit = limit
        }
        if let text = query["offset"] {
            guard let offset = Int(text), offset >= 0, offset <= 100_000 else {
                throw .badRequest("Invalid offset")
            }
            paging.offset = offset
        }
        return paging
    }

    /// The item indices this window covers in a collection of `total` items.
    func indices(total: Int) -> Range<Int> {
        let start = min(offset, total)
        return start..<min(start + limit, total)
    }

    /// The paging object, with links exactly as Spotify writes them
    /// (`{base}?offset=N&limit=M{extraQuery}`).
    func render(base: String, extraQuery: String, total: Int, items: [String]) -> String {
        func link(_ offset: Int) -> String { "\"\(base)?offset=\(offset)&limit=\(limit)\(extraQuery)\"" }
        let next = offset + limit < total ? link(offset + limit) : "null"
        let previous = offset > 0 ? link(max(0, offset - limit)) : "null"
        return "{\"href\":\(link(offset)),\"items\":[\(items.joined(separator: ","))],\"limit\":\(limit),"
            + "\"next\":\(next),\"offset\":\(offset),\"previous\":\(previous),\"total\":\(total)}"
    }
}
