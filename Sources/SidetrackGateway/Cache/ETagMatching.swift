import SidetrackCore

/// `If-None-Match` against an ETag, with the weak comparison RFC 9110 prescribes for it
/// (`W/"x"` equals `"x"`); `*` matches any.
enum ETagMatching {
    static func matches(_ etag: String?, ifNoneMatch values: [String]) -> Bool {
        guard let etag, !values.isEmpty else { return false }
        let ours = opaque(Substring(etag))
        return values.contains { value in
            value.split(separator: ",").contains { candidate in
                let tag = candidate.trimmingSpaces()
                return tag == "*" || opaque(tag) == ours
            }
        }
    }

    private static func opaque(_ tag: Substring) -> Substring {
        tag.hasPrefix("W/") ? tag.dropFirst(2) : tag
    }
}
