/// Why a list of routes cannot become a `RouteTable`.
public struct RouteTableError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Human-readable cause, naming the offending route.
    public let description: String

    init(_ description: String) { self.description = description }

    static func badIndex(_ route: RouteDescriptor, expected: Int) -> RouteTableError {
        RouteTableError("route \(route.method) \(route.template) has index \(route.index), expected \(expected)")
    }

    static func badMethod(_ route: RouteDescriptor) -> RouteTableError {
        RouteTableError("route \(route.template) has method '\(route.method)'; allowed: GET, PUT, POST, DELETE")
    }

    static func badTemplate(_ route: RouteDescriptor, _ reason: String) -> RouteTableError {
        RouteTableError("route \(route.method) \(route.template): \(reason)")
    }

    static func duplicate(_ route: RouteDescriptor) -> RouteTableError {
        RouteTableError("route \(route.method) \(route.template) duplicates an earlier route of the same shape")
    }
}
