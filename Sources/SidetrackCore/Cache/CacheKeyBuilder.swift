/// Derives the cache key of a request (DESIGN §3).
///
/// Identity part:
/// - user-private routes: the token identity, always;
/// - shared (catalog) routes: shared across tokens when the query names a `market` or sharing
///   is configured `always`; otherwise the token identity, since the token's country can change
///   the answer.
/// A request without a token gets no key at all: it is never answered from cache.
public struct CacheKeyBuilder: Sendable {
    public let sharing: CatalogSharing

    public init(sharing: CatalogSharing) {
        self.sharing = sharing
    }

    /// What a request contributes to its key.
    public struct Request {
        public var route: RouteDescriptor
        public var path: Substring
        public var query: Substring
        public var acceptLanguage: Substring?
        /// The base URL links in the body were rewritten to: part of what the body is.
        public var linkBase: String
        /// Whether the stored body is gzip (clients that accept it) or identity.
        public var gzip: Bool
        /// HMAC identity of the bearer token; nil when the request carried none.
        public var tokenIdentity: String?

        public init(
            route: RouteDescriptor, path: Substring, query: Substring, acceptLanguage: Substring?,
            linkBase: String, gzip: Bool, tokenIdentity: String?
        ) {
            self.route = route
            self.path = path
            self.query = query
            self.acceptLanguage = acceptLanguage
            self.linkBase = linkBase
            self.gzip = gzip
            self.tokenIdentity = tokenIdentity
        }
    }

    /// The key, or nil when the request must not be answered from or stored in the cache.
    public func key(for request: Request) -> CacheKey? {
        guard request.route.isCacheable, let identity = request.tokenIdentity else { return nil }
        let path = Self.trimmingTrailingSlash(request.path)
        let (query, hasMarket) = QueryNormalizer.normalize(request.query)
        let shared = request.route.scope == .shared && (hasMarket || sharing == .always)
        let scope: String? = shared ? nil : identity
        var text = "GET "
        text.reserveCapacity(path.utf8.count + query.utf8.count + request.linkBase.utf8.count + 96)
        text += path
        if !query.isEmpty {
            text += "?"
            text += query
        }
        text += "|lang="
        text += Self.language(request.acceptLanguage)
        text += request.gzip ? "|gz|" : "|id|"
        text += request.linkBase
        text += "|"
        text += scope ?? "shared"
        return CacheKey(text: text, path: String(path), scope: scope)
    }

    static func trimmingTrailingSlash(_ path: Substring) -> Substring {
        path.count > 1 && path.hasSuffix("/") ? path.dropLast() : path
    }

    /// `Accept-Language` as sent, lowercased, spaces removed; `-` when absent.
    static func language(_ value: Substring?) -> String {
        guard let value, !value.isEmpty else { return "-" }
        return String(value.lowercased().filter { $0 != " " && $0 != "|" })
    }
}
