/// Header names that describe one connection, not the message (RFC 9110 §7.6.1), so a proxy must not
/// forward them. Names listed in a `Connection` header are hop-by-hop as well.
public enum HopByHopHeaders {
    public static let names: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade",
    ]

    /// Whether `name` (any case) is hop-by-hop, given the extra names a `Connection` header listed.
    /// The standard names are matched by length and bytes (no lower-cased copy, no hashing): this
    /// runs for every header of every proxied request and answer.
    public static func isHopByHop(_ name: String, connectionTokens: Set<String> = []) -> Bool {
        isStandard(name) || (!connectionTokens.isEmpty && connectionTokens.contains(name.lowercased()))
    }

    /// One of `names`, in any case.
    public static func isStandard(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2: HeaderName.equals(name, "te")
        case 7: HeaderName.equals(name, "upgrade") || HeaderName.equals(name, "trailer")
        case 10: HeaderName.equals(name, "connection") || HeaderName.equals(name, "keep-alive")
        case 16: HeaderName.equals(name, "proxy-connection")
        case 17: HeaderName.equals(name, "transfer-encoding")
        case 18: HeaderName.equals(name, "proxy-authenticate")
        case 19: HeaderName.equals(name, "proxy-authorization")
        default: false
        }
    }

    /// The lower-cased tokens of every `Connection` header value (`Connection: close, X-Foo`).
    public static func connectionTokens(_ values: [String]) -> Set<String> {
        var tokens: Set<String> = []
        for value in values {
            for token in value.split(separator: ",") {
                let trimmed = token.trimmingSpaces().lowercased()
                if !trimmed.isEmpty { tokens.insert(trimmed) }
            }
        }
        return tokens
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs (no Foundation needed).
    public func trimmingSpaces() -> Substring {
        let s = Substring(self)
        let start = s.firstIndex(where: { $0 != " " && $0 != "\t" }) ?? s.endIndex
        let end = s.lastIndex(where: { $0 != " " && $0 != "\t" }).map { s.index(after: $0) } ?? start
        return s[start..<Swift.max(start, end)]
    }
}
