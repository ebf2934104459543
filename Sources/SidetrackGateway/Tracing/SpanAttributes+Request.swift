import Tracing

extension SpanAttributes {
    /// What the server span and every client span say about the request alike: method, route
    /// template, path (never the query: its values can carry secrets), and what the cache and the
    /// route group's breaker did.
    mutating func setRequest(_ request: RequestContext) {
        self["http.request.method"] = request.method.rawValue
        self["http.route"] = request.route.template
        self["url.path"] = String(request.path)
        self["sidetrack.cache.status"] = request.cache.rawValue
        self["sidetrack.breaker.state"] = request.breaker
    }
}
