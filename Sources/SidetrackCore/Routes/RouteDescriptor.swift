/// One row of the route table: an operation of the Spotify API and the policy derived for it.
///
/// Rows are generated from `routes.tsv` by `scripts/generate-routes.py`; see `RouteTable` for
/// how the TTL class and group are derived.
public struct RouteDescriptor: Sendable, Hashable {
    /// Position in the table; stable for a given table, used to index per-route metric handles.
    /// The `other` sentinel has `index == routes.count`, so handle arrays have `count + 1` slots.
    public let index: Int
    /// `GET`, `PUT`, `POST` or `DELETE`.
    public let method: String
    /// The path template, e.g. `/v1/albums/{id}/tracks`; also the `route` metric label.
    public let template: String
    /// The spec's operationId, e.g. `get-an-albums-tracks`.
    public let operationID: String
    public let scope: RouteScope
    /// POST/PUT/DELETE.
    public let isMutation: Bool
    /// Marked `deprecated: true` in the OpenAPI description.
    public let isDeprecated: Bool
    /// OAuth scopes the operation lists (informational).
    public let oauthScopes: [String]
    /// The first OpenAPI tag (`Albums`, `Player`, …).
    public let tag: String
    public let upstream: UpstreamKind
    /// Whether repeating the request has no extra effect (GET/PUT/DELETE), so it may be retried.
    public let isIdempotent: Bool
    public let ttlClass: TTLClass
    public let group: RouteGroup
    /// Names of the `{param}` segments of `template`, in path order.
    public let pathParameterNames: [String]

    public init(
        index: Int,
        method: String,
        template: String,
        operationID: String,
        scope: RouteScope,
        isMutation: Bool,
        isDeprecated: Bool,
        oauthScopes: [String],
        tag: String,
        upstream: UpstreamKind,
        isIdempotent: Bool,
        ttlClass: TTLClass,
        group: RouteGroup
    ) {
        self.index = index
        self.method = method
        self.template = template
        self.operationID = operationID
        self.scope = scope
        self.isMutation = isMutation
        self.isDeprecated = isDeprecated
        self.oauthScopes = oauthScopes
        self.tag = tag
        self.upstream = upstream
        self.isIdempotent = isIdempotent
        self.ttlClass = ttlClass
        self.group = group
        self.pathParameterNames = template.split(separator: "/").compactMap { segment in
            guard segment.first == "{", segment.last == "}", segment.count > 2 else { return nil }
            return String(segment.dropFirst().dropLast())
        }
    }

    /// Whether answers may be cached: a GET whose TTL class is not `never`.
    public var isCacheable: Bool { method == "GET" && ttlClass != .never }

    /// Whether this is the sentinel for paths and methods the table does not know.
    public var isOther: Bool { template == RouteDescriptor.otherTemplate }

    /// The `route` label of unknown paths: one value, so label cardinality stays bounded.
    public static let otherTemplate = "other"

    /// The sentinel for unknown requests in a table of `count` routes: proxied uncached,
    /// never retried, grouped as `other`.
    public static func other(index: Int) -> RouteDescriptor {
        RouteDescriptor(
            index: index, method: "", template: otherTemplate, operationID: "other",
            scope: .userPrivate, isMutation: false, isDeprecated: false, oauthScopes: [],
            tag: "", upstream: .api, isIdempotent: false, ttlClass: .never, group: .other
        )
    }

    /// The sentinel of `RouteTable.spotify` (`index == SpotifyRoutes.all.count`).
    public static let other = RouteDescriptor.other(index: SpotifyRoutes.all.count)
}
