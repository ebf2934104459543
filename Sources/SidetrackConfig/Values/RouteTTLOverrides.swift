import SidetrackCore

/// Freshness lifetimes set per route, overriding the route's TTL class (DESIGN §3: "all
/// configurable per route"). Keyed by route template; only routes the table marks cacheable may be
/// named, so configuration can shorten or lengthen caching but never cache a mutation or the token
/// endpoint. `0s` turns caching off for that route.
///
/// Written as a YAML mapping under `cache.route_ttl`, or in the environment as
/// `TEMPLATE=DURATION` pairs separated by commas (templates contain neither).
public struct RouteTTLOverrides: Sendable, Equatable {
    public private(set) var values: [String: Duration] = [:]

    public init(_ values: [String: Duration] = [:]) {
        self.values = values
    }

    public subscript(template: String) -> Duration? { values[template] }

    /// The longest TTL accepted, as for `cache.ttl.<class>`.
    static let maximum = Duration.seconds(30 * 86_400)

    /// Parses `TEMPLATE=DURATION[,TEMPLATE=DURATION…]`; empty text is no overrides. `nil` when a
    /// pair is malformed, names a template that is not a cacheable route, repeats a template, or
    /// has a duration outside 0s…30d.
    static func parse(_ text: String, routes: RouteTable = .spotify) -> Self? {
        let cacheable = Set(routes.routes.filter(\.isCacheable).map(\.template))
        var values: [String: Duration] = [:]
        for pair in text.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            let template = String(parts[0].trimmingSpaces), durationText = String(parts[1].trimmingSpaces)
            guard cacheable.contains(template), values[template] == nil,
                  let duration = DurationText.parse(durationText),
                  duration <= maximum
            else { return nil }
            values[template] = duration
        }
        return Self(values)
    }

    /// The text form `parse` reads, sorted by template.
    var text: String {
        values.sorted { $0.key < $1.key }.map { "\($0.key)=\(DurationText.format($0.value))" }.joined(separator: ",")
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
