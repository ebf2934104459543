/// What a client's `Cache-Control` asks of the cache (DESIGN §3).
public enum RequestCacheDirective: Sendable, Equatable {
    /// Use the cache normally.
    case normal
    /// `no-cache` (or `max-age=0`): do not answer from cache without revalidating upstream.
    case revalidate
    /// `no-store`: bypass the cache entirely, neither read nor write.
    case bypass

    /// Parses a `Cache-Control` header value (comma-separated, case-insensitive directives).
    public init(cacheControl: some StringProtocol) {
        var result = RequestCacheDirective.normal
        for raw in cacheControl.split(separator: ",") {
            let directive = raw.trimmingSpaces().lowercased()
            if directive == "no-store" { self = .bypass; return }
            if directive == "no-cache" || directive == "max-age=0" { result = .revalidate }
        }
        self = result
    }
}
