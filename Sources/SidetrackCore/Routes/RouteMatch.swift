/// The result of classifying a request: its route and the values of the route's `{param}`s.
///
/// Parameter values are slices of the path as given — still percent-encoded, never copied.
/// They are kept as inline offsets (no array), so `RouteTable.classify` does not allocate;
/// `parameters` builds the `[(name, value)]` list on demand.
public struct RouteMatch: Sendable {
    /// The matched route, or the table's `other` sentinel.
    public let route: RouteDescriptor
    /// The path that was classified (without query).
    public let path: Substring
    @usableFromInline let ranges: PathParameterRanges

    init(route: RouteDescriptor, path: Substring, ranges: PathParameterRanges = PathParameterRanges()) {
        self.route = route
        self.path = path
        self.ranges = ranges
    }

    /// Whether the request matched no route (unknown path or method, or a malformed path).
    public var isOther: Bool { route.isOther }

    /// How many path parameters were captured; equals `route.pathParameterNames.count`.
    public var parameterCount: Int { ranges.count }

    /// The raw value of the parameter at `position` (path order), or `nil` if out of range.
    public func parameterValue(at position: Int) -> Substring? {
        guard position >= 0, position < ranges.count else { return nil }
        let range = ranges[position]
        let utf8 = path.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        let upper = utf8.index(utf8.startIndex, offsetBy: range.upperBound)
        return path[lower..<upper]
    }

    /// The raw value of the parameter called `name` (as in the template, e.g. `playlist_id`).
    public func parameter(named name: some StringProtocol) -> Substring? {
        guard let position = route.pathParameterNames.firstIndex(where: { $0 == name }) else { return nil }
        return parameterValue(at: position)
    }

    /// Every parameter as `(name, value)`, in path order. Allocates; prefer the accessors above
    /// on the hot path.
    public var parameters: [(name: String, value: Substring)] {
        (0..<ranges.count).compactMap { position in
            guard position < route.pathParameterNames.count, let value = parameterValue(at: position) else {
                return nil
            }
            return (route.pathParameterNames[position], value)
        }
    }
}
