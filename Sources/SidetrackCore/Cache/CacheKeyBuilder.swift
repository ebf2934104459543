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

    /// What a request contributes to its key. Noncopyable, lent to the key functions: as a
    /// copyable value it was copied once per cacheable request (6 retains and 6 releases).
    public struct Request: ~Copyable {
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
    ///
    /// Whether `key(for:)` makes a key: a cacheable route and a bearer token.
    public func canKey(_ request: borrowing Request) -> Bool {
        request.route.isCacheable && request.tokenIdentity != nil
    }

    /// Runs on every cacheable request, hits included: the key text is one allocation, and the
    /// key's path is a slice of it.
    public func key(for request: borrowing Request) -> CacheKey? {
        guard canKey(request), let identity = request.tokenIdentity else { return nil }
        let path = Self.trimmingTrailingSlash(request.path)
        return bytewiseKey(request, path: path, identity: identity) ?? stringKey(request, path: path, identity: identity)
    }

    /// The key of a request whose query and `Accept-Language` are ASCII (every real one: a query
    /// is percent-encoded), written as bytes straight into the key's storage with the query's
    /// pairs sorted as byte ranges. Appending the parts to a `String` one by one, the pairs
    /// sorted as `Substring`s, was 5 % of a cache hit's CPU. nil otherwise (`stringKey` decides).
    func bytewiseKey(_ request: borrowing Request, path: Substring, identity: String) -> CacheKey? {
        let language = request.acceptLanguage ?? ""
        guard language.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        // The closures below capture these, not `request`: capturing it copied the whole struct
        // (a retain and a release per field) on every key.
        let shareable = request.route.scope == .shared
        let linkBase = request.linkBase
        let gzip = request.gzip
        var query = request.query
        return query.withUTF8 { query -> CacheKey? in
            guard query.allSatisfy({ $0 < 0x80 }) else { return nil }
            return QueryNormalizer.withSortedPairs(query) { pairs, hasMarket in
                let scope: String? = shareable && (hasMarket || sharing == .always) ? nil : identity
                var pathEnd = 0
                let capacity =
                    path.utf8.count + query.count + language.utf8.count + linkBase.utf8.count
                    + max(identity.utf8.count, "shared".utf8.count) + 24
                let text = String(unsafeUninitializedCapacity: capacity) { room in
                    var out = ByteWriter(room)
                    out.write("GET ")
                    Self.write(path, to: &out)
                    pathEnd = out.count
                    for (position, pair) in pairs.enumerated() {
                        out.write(position == 0 ? UInt8(ascii: "?") : UInt8(ascii: "&"))
                        out.write(UnsafeBufferPointer(rebasing: query[pair]))
                    }
                    out.write("|lang=")
                    if language.isEmpty { out.write(UInt8(ascii: "-")) }
                    for byte in language.utf8 where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "|") {
                        let isUpper = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
                        out.write(isUpper ? byte | 0x20 : byte)
                    }
                    out.write(gzip ? "|gz|" : "|id|")
                    Self.write(linkBase, to: &out)
                    out.write(UInt8(ascii: "|"))
                    Self.write(scope ?? "shared", to: &out)
                    precondition(!out.overflowed, "CacheKeyBuilder: key longer than its reserved capacity")
                    return out.count
                }
                let utf8 = text.utf8
                let pathSlice = text[utf8.index(utf8.startIndex, offsetBy: 4)..<utf8.index(utf8.startIndex, offsetBy: pathEnd)]
                return CacheKey(text: text, pathSlice: pathSlice, scope: scope)
            }
        }
    }

    private static func write(_ text: some StringProtocol, to out: inout ByteWriter) {
        if text.utf8.withContiguousStorageIfAvailable({ out.write($0) }) == nil {
            for byte in text.utf8 { out.write(byte) }
        }
    }

    /// The key built as a `String`, Character-aware: what decides for a non-ASCII query or
    /// language (where a `&` may be part of a larger Character), and the reference
    /// `bytewiseKey` is tested against.
    func stringKey(_ request: borrowing Request, path: Substring, identity: String) -> CacheKey {
        var text = "GET "
        // Room for every part (separators: 16 bytes), so no append below reallocates.
        text.reserveCapacity(
            path.utf8.count + request.query.utf8.count + (request.acceptLanguage?.utf8.count ?? 1)
                + request.linkBase.utf8.count + max(identity.utf8.count, "shared".utf8.count) + 24)
        text += path
        let pathEnd = text.utf8.count
        let hasMarket = QueryNormalizer.append(request.query, to: &text, prefix: "?")
        let shared = request.route.scope == .shared && (hasMarket || sharing == .always)
        let scope: String? = shared ? nil : identity
        text += "|lang="
        Self.appendLanguage(request.acceptLanguage, to: &text)
        text += request.gzip ? "|gz|" : "|id|"
        text += request.linkBase
        text += "|"
        text += scope ?? "shared"
        let utf8 = text.utf8
        let pathSlice = text[utf8.index(utf8.startIndex, offsetBy: 4)..<utf8.index(utf8.startIndex, offsetBy: pathEnd)]
        return CacheKey(text: text, pathSlice: pathSlice, scope: scope)
    }

    static func trimmingTrailingSlash(_ path: Substring) -> Substring {
        // Byte-wise: `hasSuffix` and `dropLast` walk Characters (grapheme breaking) on every
        // cacheable request. A last byte `/` after an ASCII byte is a last Character `/`; only a
        // non-ASCII byte before it can join it into a larger Character, so decide those as before.
        let bytes = path.utf8
        guard bytes.count > 1, bytes.last == UInt8(ascii: "/") else { return path }
        let slash = bytes.index(before: bytes.endIndex)
        guard bytes[bytes.index(before: slash)] < 0x80 else { return path.hasSuffix("/") ? path.dropLast() : path }
        return path[..<slash]
    }

    /// Appends `language(value)` to `text`; ASCII (every real `Accept-Language`) byte by byte,
    /// without the two intermediate strings `language` makes.
    static func appendLanguage(_ value: Substring?, to text: inout String) {
        guard let value, !value.isEmpty else {
            text += "-"
            return
        }
        guard value.utf8.allSatisfy({ $0 < 0x80 }) else {
            text += language(value)
            return
        }
        for byte in value.utf8 where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "|") {
            let isUpper = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
            text.unicodeScalars.append(Unicode.Scalar(isUpper ? byte | 0x20 : byte))
        }
    }

    /// `Accept-Language` as sent, lowercased, spaces removed; `-` when absent.
    static func language(_ value: Substring?) -> String {
        guard let value, !value.isEmpty else { return "-" }
        return String(value.lowercased().filter { $0 != " " && $0 != "|" })
    }
}
