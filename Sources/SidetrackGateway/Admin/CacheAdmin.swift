import Foundation
import NIOHTTP1

/// `GET /cache/stats` and `POST /cache/purge?key=…|route=…|prefix=…` on the admin listener.
///
/// Purge changes what users get, so when the admin listener is not on loopback it needs
/// `Authorization: Bearer <admin.token>` (DESIGN §4); on loopback only the pod itself can reach it.
struct CacheAdmin: Sendable {
    let cache: ResponseCache?
    let adminToken: String?
    let adminOnLoopback: Bool

    static func handles(_ path: Substring) -> Bool { path == "/cache/stats" || path == "/cache/purge" }

    func response(_ head: HTTPRequestHead, path: Substring) -> LocalResponse {
        guard let cache else { return .json(.notFound, Array(#"{"error":"the cache is disabled"}"#.utf8)) }
        switch (path, head.method) {
        case ("/cache/stats", .GET), ("/cache/stats", .HEAD):
            return .json(.ok, cache.statsJSON())
        case ("/cache/purge", .POST):
            guard isAuthorized(head.headers) else {
                return .json(.unauthorized, Array(#"{"error":"purge needs Authorization: Bearer <admin.token>"}"#.utf8))
            }
            let query = Self.query(head.uri)
            let selectors = ["key", "route", "prefix"].compactMap { name in query[name].map { (name, $0) } }
            guard selectors.count == 1, let (name, value) = selectors.first, !value.isEmpty else {
                return .json(.badRequest, Array(#"{"error":"give exactly one of key=, route= or prefix= (URL-encoded)"}"#.utf8))
            }
            if name == "prefix", !value.hasPrefix("/") {
                return .json(.badRequest, Array(#"{"error":"prefix must be a path starting with /"}"#.utf8))
            }
            let removed = cache.purge(
                key: name == "key" ? value : nil, route: name == "route" ? value : nil,
                pathPrefix: name == "prefix" ? value : nil)
            return .json(.ok, Array("{\"removed\":\(removed)}".utf8))
        default:
            var response = LocalResponse.text(.methodNotAllowed, "method not allowed\n")
            response.headers.add(name: "allow", value: path == "/cache/purge" ? "POST" : "GET, HEAD")
            return response
        }
    }

    private func isAuthorized(_ headers: HTTPHeaders) -> Bool {
        guard !adminOnLoopback else { return true }
        guard let adminToken else { return false }
        return headers.first(name: "authorization") == "Bearer " + adminToken
    }

    /// `a=1&b=x%2Fy` → decoded pairs (`+` as space, as forms do).
    static func query(_ uri: String) -> [String: String] {
        guard let mark = uri.firstIndex(of: "?") else { return [:] }
        var result: [String: String] = [:]
        for pair in uri[uri.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            result[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }
}
