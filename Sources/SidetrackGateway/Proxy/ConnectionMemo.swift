import NIOCore
import SidetrackCore

/// What one keep-alive connection's requests nearly always repeat, derived once per connection
/// and value instead of once per request. Lives on the connection's event loop only.
struct ConnectionMemo {
    /// The bearer token's identity.
    var tokens = TokenIdentityMemo()
    /// The link base built from the `Host` header.
    var publicBase = PublicBaseMemo()
    /// Whether the token is trusted for shared cache entries.
    var trust = TrustMemo()
    /// The link rewriter for the link base.
    var links = LinkRewriterMemo()
}

/// The link rewriter for the last link base, copied for each upstream answer: its pattern and
/// replacement bytes are made once per connection and base instead of per answer (three
/// allocations each). The prefix is the gateway's setting, the same for every request.
struct LinkRewriterMemo {
    private var publicBase: String?
    private var rewriter: LinkRewriter?

    mutating func rewriter(linkPrefix: String, publicBase: String) -> LinkRewriter {
        if let rewriter, publicBase == self.publicBase { return rewriter }
        let made = LinkRewriter(linkPrefix: linkPrefix, publicBase: publicBase)
        self.publicBase = publicBase
        rewriter = made
        return made
    }
}

/// The last token identity's trust grant (`TokenTrust.Grant`): a hit then checks trust with one
/// atomic load instead of a global lock and a hash of the 64-character identity (~0.9 % of a hit,
/// and the one lock every hit on every loop took). A 401 or the table's bound withdrawing trust
/// voids every grant at once; an untrusted token is asked about again on each request, since its
/// first 2xx upstream makes it trusted.
struct TrustMemo {
    private var identity: String?
    private var grant: TokenTrust.Grant?

    mutating func isTrusted(_ identity: String, now: Int64, by trust: TokenTrust) -> Bool {
        if let grant, identity == self.identity, trust.honours(grant, now: now) { return true }
        grant = trust.grant(identity, now: now)
        self.identity = identity
        return grant != nil
    }
}

/// The last `Host` value's link base (`http://` + host, or the address the connection reached when
/// the host is missing or unsafe). Checking the value and building the string was ~0.6 % of a cache hit.
struct PublicBaseMemo {
    private var host: String?
    private var base: String?
    /// `http://` + the address this connection reached (set when it opens): the fallback base,
    /// right where the configured listen address is not (port 0, or a wildcard host).
    var connectionBase: String?

    /// The base for a connection that reached `address`; nil when it has no IP address and port.
    static func connectionBase(_ address: SocketAddress?) -> String? {
        guard let address, let ip = address.ipAddress, let port = address.port else { return nil }
        if case .v6 = address { return "http://[\(ip)]:\(port)" }
        return "http://\(ip):\(port)"
    }

    /// The base for `host`: the one made last time when `host` is the same, else `make(host)`.
    mutating func base(forHost host: String?, make: (String?) -> String) -> String {
        if let base, host == self.host { return base }
        let made = make(host)
        self.host = host
        base = made
        return made
    }
}
