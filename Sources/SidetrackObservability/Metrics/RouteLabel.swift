/// One row of the route table as the metrics see it: a bounded `route` label value and the
/// HTTP methods it serves. The row's position in the array passed to ``GatewayMetrics`` is the
/// route id the gateway passes on every observation.
public struct RouteLabel: Sendable, Hashable {
    /// The route template, e.g. `/v1/albums/{id}/tracks`, or `other`.
    public var route: String
    /// Methods the route serves (`GET`, `PUT`, …); series for these are created at start-up.
    public var methods: [String]

    /// Creates a route label.
    public init(route: String, methods: [String]) {
        self.route = route
        self.methods = methods
    }
}
