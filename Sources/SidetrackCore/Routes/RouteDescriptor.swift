/// One row of the route table: an operation of the Spotify API and the policy derived for it.
///
/// Rows are generated from `routes.tsv` by `scripts/generate-routes.py`; see `RouteTable` for
/// how the TTL class and group are derived.
public struct RouteDescriptor: Sendable, Hashable {
    /// The row's values. Equality and hashing are theirs (`pathParameterNames` follows from
    /// `template`, so comparing it changes nothing).
    @usableFromInline
    struct Fields: Sendable, Hashable {
        @usableFromInline let index: Int
        @usableFromInline let method: String
        @usableFromInline let template: String
        @usableFromInline let operationID: String
        @usableFromInline let scope: RouteScope
        @usableFromInline let isMutation: Bool
        @usableFromInline let isDeprecated: Bool
        @usableFromInline let oauthScopes: [String]
        @usableFromInline let tag: String
        @usableFromInline let upstream: UpstreamKind
        @usableFromInline let isIdempotent: Bool
        @usableFromInline let ttlClass: TTLClass
        @usableFromInline let group: RouteGroup
        @usableFromInline let pathParameterNames: [String]
    }

    /// The fields in one shared immutable object: a descriptor is copied into every request's
    /// route match, context and cache-key request, and copying one reference is one retain where
    /// copying the fields was six (its strings and arrays).
    @usableFromInline
    final class Storage: Sendable {
        @usableFromInline let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    @usableFromInline let storage: Storage

    /// Position in the table; stable for a given table, used to index per-route metric handles.
    /// The `other` sentinel has `index == routes.count`, so handle arrays have `count + 1` slots.
    @inlinable public var index: Int { storage.fields.index }
    /// `GET`, `PUT`, `POST` or `DELETE`.
    @inlinable public var method: String { storage.fields.method }
    /// The path template, e.g. `/v1/albums/{id}/tracks`; also the `route` metric label.
    @inlinable public var template: String { storage.fields.template }
    /// The spec's operationId, e.g. `get-an-albums-tracks`.
    @inlinable public var operationID: String { storage.fields.operationID }
    @inlinable public var scope: RouteScope { storage.fields.scope }
    /// POST/PUT/DELETE.
    @inlinable public var isMutation: Bool { storage.fields.isMutation }
    /// Marked `deprecated: true` in the OpenAPI description.
    @inlinable public var isDeprecated: Bool { storage.fields.isDeprecated }
    /// OAuth scopes the operation lists (informational).
    @inlinable public var oauthScopes: [String] { storage.fields.oauthScopes }
    /// The first OpenAPI tag (`Albums`, `Player`, …).
    @inlinable public var tag: String { storage.fields.tag }
    @inlinable public var upstream: UpstreamKind { storage.fields.upstream }
    /// Whether repeating the request has no extra effect (GET/PUT/DELETE), so it may be retried.
    @inlinable public var isIdempotent: Bool { storage.fields.isIdempotent }
    @inlinable public var ttlClass: TTLClass { storage.fields.ttlClass }
    @inlinable public var group: RouteGroup { storage.fields.group }
    /// Names of the `{param}` segments of `template`, in path order.
    @inlinable public var pathParameterNames: [String] { storage.fields.pathParameterNames }

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
        let pathParameterNames: [String] = template.split(separator: "/").compactMap { segment in
            guard segment.first == "{", segment.last == "}", segment.count > 2 else { return nil }
            return String(segment.dropFirst().dropLast())
        }
        storage = Storage(Fields(
            index: index,
            method: method,
            template: template,
            operationID: operationID,
            scope: scope,
            isMutation: isMutation,
            isDeprecated: isDeprecated,
            oauthScopes: oauthScopes,
            tag: tag,
            upstream: upstream,
            isIdempotent: isIdempotent,
            ttlClass: ttlClass,
            group: group,
            pathParameterNames: pathParameterNames))
    }

    /// An equal descriptor that shares no storage with this one (see `RouteTable.replica()`).
    public func replica() -> RouteDescriptor {
        let fields = storage.fields
        return RouteDescriptor(
            index: fields.index, method: Self.fresh(fields.method), template: Self.fresh(fields.template),
            operationID: Self.fresh(fields.operationID), scope: fields.scope, isMutation: fields.isMutation,
            isDeprecated: fields.isDeprecated, oauthScopes: fields.oauthScopes.map(Self.fresh), tag: Self.fresh(fields.tag),
            upstream: fields.upstream, isIdempotent: fields.isIdempotent, ttlClass: fields.ttlClass, group: fields.group)
    }

    /// A string with its own storage (a plain copy would share the original's buffer).
    private static func fresh(_ text: String) -> String {
        String(decoding: Array(text.utf8), as: UTF8.self)
    }

    public static func == (lhs: RouteDescriptor, rhs: RouteDescriptor) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.fields == rhs.storage.fields
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.fields)
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
