/// A queued deletion of many entries at once: what invalidation and purges ask for.
///
/// The same predicate is applied twice: in Swift, to queued puts and to rows read from disk while the
/// deletion is still queued (so a purge is visible at once), and in SQL when the batch is written.
/// Both sides compare paths byte for byte (SQLite's `BINARY` collation), never with Swift's
/// Unicode-equivalence `hasPrefix`, so they always agree.
enum EntryRemoval: Sendable, Equatable {
    /// Which scopes a prefix removal touches. Mirrors the `String??` of the public API.
    enum ScopeFilter: Sendable, Equatable {
        case any
        case sharedOnly
        case identity(String)
    }

    case pathPrefix(String, ScopeFilter)
    case route(String)
    case all

    init(pathPrefix: String, scope: String??) {
        switch scope {
        case .none: self = .pathPrefix(pathPrefix, .any)
        case .some(.none): self = .pathPrefix(pathPrefix, .sharedOnly)
        case .some(.some(let identity)): self = .pathPrefix(pathPrefix, .identity(identity))
        }
    }

    func matches(_ entry: PersistedEntry) -> Bool {
        switch self {
        case .all:
            return true
        case .route(let route):
            return entry.route.utf8.elementsEqual(route.utf8)
        case .pathPrefix(let prefix, let scope):
            guard entry.path.utf8.starts(with: prefix.utf8) else { return false }
            switch scope {
            case .any: return true
            case .sharedOnly: return entry.scope == nil
            case .identity(let identity): return entry.scope.map { $0.utf8.elementsEqual(identity.utf8) } ?? false
            }
        }
    }

    /// The smallest string greater than every string that starts with `prefix`, so a prefix match can be
    /// the index range `path >= prefix AND path < bound`. UTF-8 orders bytes as code points are ordered,
    /// so bumping the last scalar is enough; `nil` when there is no such bound (empty prefix, or a prefix
    /// of only U+10FFFF), in which case every path at or after `prefix` matches.
    static func upperBound(forPrefix prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if next == 0xD800 { next = 0xE000 }  // skip the surrogate range, which has no scalars
            if let bumped = Unicode.Scalar(next) {
                scalars.append(bumped)
                var result = ""
                result.unicodeScalars.append(contentsOf: scalars)
                return result
            }
        }
        return nil
    }
}
