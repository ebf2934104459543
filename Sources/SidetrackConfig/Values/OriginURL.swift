/// An absolute `http`/`https` URL naming a server only — scheme, host, port — with no path,
/// query or fragment (a trailing `/` is accepted). Used for the upstreams and the public base URL.
///
/// Examples: `https://api.spotify.com`, `http://127.0.0.1:9000`, `http://[::1]:9000/`.
/// Userinfo (`https://user:pass@host`) is accepted for odd upstreams but kept as a `Secret`, and
/// `description` redacts it; build links and `Host` headers from `origin` / `hostHeader`.
public struct OriginURL: Sendable, Equatable, Hashable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Equatable, Hashable, CaseIterable {
        case http
        case https

        /// 80 for http, 443 for https.
        public var defaultPort: Int { self == .https ? 443 : 80 }
    }

    public var scheme: Scheme
    /// Lowercased hostname or IP literal, IPv6 without brackets.
    public var host: String
    /// The effective port: explicit, or the scheme's default.
    public var port: Int
    /// `user[:password]` from the URL, if any.
    public var userinfo: Secret?

    /// Creates a URL without validation; use `init?(_:)` for text from users.
    public init(scheme: Scheme, host: String, port: Int? = nil, userinfo: Secret? = nil) {
        self.scheme = scheme
        self.host = host
        self.port = port ?? scheme.defaultPort
        self.userinfo = userinfo
    }

    /// Parses `scheme://[userinfo@]host[:port][/]`; `nil` when the text is not such a URL.
    public init?(_ text: String) {
        guard let separator = text.firstRange(of: "://"),
              let scheme = Scheme(rawValue: text[..<separator.lowerBound].lowercased())
        else { return nil }
        var authority = text[separator.upperBound...]
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        // Anything that would start a path, query or fragment is refused: the upstream paths come
        // from the request, and a base path would silently be dropped or doubled.
        guard !authority.contains(where: { "/?#".contains($0) }) else { return nil }
        var userinfo: Secret?
        if let at = authority.lastIndex(of: "@") {
            userinfo = Secret(String(authority[..<at]))
            authority = authority[authority.index(after: at)...]
        }
        let host: String
        var port = scheme.defaultPort
        if authority.hasPrefix("["), authority.hasSuffix("]") {
            // `[v6]` without a port: the scheme's default.
            let literal = String(authority.dropFirst().dropLast())
            guard HostSyntax.isIPv6(literal) else { return nil }
            host = literal
        } else if authority.hasPrefix("[") || authority.contains(":") {
            guard let parsed = HostSyntax.splitHostPort(String(authority)),
                  let explicit = HostSyntax.port(parsed.port, allowZero: false)
            else { return nil }
            host = parsed.host
            port = explicit
        } else {
            guard let valid = HostSyntax.validHost(String(authority)) else { return nil }
            host = valid
        }
        self.init(scheme: scheme, host: host, port: port, userinfo: userinfo)
    }

    /// `host` or `host:port` (port only when not the scheme's default), brackets around IPv6.
    public var hostHeader: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return port == scheme.defaultPort ? bracketed : "\(bracketed):\(port)"
    }

    /// `scheme://host[:port]` without userinfo or trailing slash: the form to put in links.
    public var origin: String { "\(scheme.rawValue)://\(hostHeader)" }

    /// The URL with any userinfo replaced by `<redacted>`; safe to log.
    public var description: String {
        userinfo == nil ? origin : "\(scheme.rawValue)://\(Secret.placeholder)@\(hostHeader)"
    }
}

/// The upstreams are origin URLs; the name reads better at the call sites that dial Spotify.
public typealias UpstreamURL = OriginURL
