/// A segment trie over route templates, built once; matching walks the path's UTF-8 bytes.
///
/// Literal children are tried before the parameter child, backtracking if the literal branch
/// finds no route for the method, so literal segments win over `{param}` segments.
struct RouteTrie: Sendable {
    private struct LiteralEdge: Sendable {
        let bytes: [UInt8]
        let child: Int
    }

    private struct Node: Sendable {
        var literals: [LiteralEdge] = []
        var parameterChild: Int?
        /// Route index per `RouteMethod.rawValue`, -1 where the template lacks that method.
        var routeByMethod: [Int] = Array(repeating: -1, count: RouteMethod.allCases.count)
    }

    private var nodes = [Node()]

    init(routes: [RouteDescriptor]) throws(RouteTableError) {
        for (position, route) in routes.enumerated() {
            guard route.index == position else { throw .badIndex(route, expected: position) }
            guard let method = RouteMethod(route.method) else { throw .badMethod(route) }
            try insert(route, method: method)
        }
    }

    private mutating func insert(_ route: RouteDescriptor, method: RouteMethod) throws(RouteTableError) {
        let template = route.template.utf8
        guard template.first == UInt8(ascii: "/") else { throw .badTemplate(route, "must start with '/'") }
        var node = 0
        var parameterCount = 0
        for segment in template.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            guard !segment.isEmpty else { throw .badTemplate(route, "has an empty segment") }
            if segment.first == UInt8(ascii: "{") {
                guard segment.count > 2, segment.last == UInt8(ascii: "}") else {
                    throw .badTemplate(route, "has a malformed {parameter}")
                }
                parameterCount += 1
                guard parameterCount <= PathParameterRanges.capacity else {
                    throw .badTemplate(route, "has more than \(PathParameterRanges.capacity) parameters")
                }
                node = parameterChild(of: node)
            } else {
                node = literalChild(of: node, bytes: Array(segment))
            }
        }
        guard nodes[node].routeByMethod[method.rawValue] < 0 else { throw .duplicate(route) }
        nodes[node].routeByMethod[method.rawValue] = route.index
    }

    private mutating func parameterChild(of node: Int) -> Int {
        if let child = nodes[node].parameterChild { return child }
        nodes.append(Node())
        nodes[node].parameterChild = nodes.count - 1
        return nodes.count - 1
    }

    private mutating func literalChild(of node: Int, bytes: [UInt8]) -> Int {
        if let edge = nodes[node].literals.first(where: { $0.bytes == bytes }) { return edge.child }
        nodes.append(Node())
        nodes[node].literals.append(LiteralEdge(bytes: bytes, child: nodes.count - 1))
        return nodes.count - 1
    }

    /// The route index for `method` and the already validated `path` bytes `[1, end)` (after the
    /// leading slash, without a trailing slash), capturing parameter ranges; nil if none.
    func find(
        method: RouteMethod,
        path: UnsafeBufferPointer<UInt8>,
        end: Int,
        parameters: inout PathParameterRanges
    ) -> Int? {
        find(node: 0, method: method, path: path, start: 1, end: end, parameters: &parameters)
    }

    private func find(
        node: Int,
        method: RouteMethod,
        path: UnsafeBufferPointer<UInt8>,
        start: Int,
        end: Int,
        parameters: inout PathParameterRanges
    ) -> Int? {
        if start > end {
            let route = nodes[node].routeByMethod[method.rawValue]
            return route >= 0 ? route : nil
        }
        var segmentEnd = start
        while segmentEnd < end, path[segmentEnd] != UInt8(ascii: "/") { segmentEnd += 1 }
        let next = segmentEnd + 1
        for edge in nodes[node].literals where Self.equal(edge.bytes, path, start..<segmentEnd) {
            if let route = find(node: edge.child, method: method, path: path, start: next, end: end, parameters: &parameters) {
                return route
            }
            break  // literal edges are unique: no other can match this segment
        }
        if let child = nodes[node].parameterChild {
            let saved = parameters.count
            parameters.append(start..<segmentEnd)
            if let route = find(node: child, method: method, path: path, start: next, end: end, parameters: &parameters) {
                return route
            }
            parameters.truncate(to: saved)
        }
        return nil
    }

    private static func equal(_ literal: [UInt8], _ path: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard literal.count == range.count else { return false }
        var offset = range.lowerBound
        for byte in literal {
            guard path[offset] == byte else { return false }
            offset += 1
        }
        return true
    }
}
