/// A listening address: an IPv4 address, a bracketed IPv6 address or a hostname, and a port.
///
/// Written `127.0.0.1:8080`, `[::1]:8080` or `localhost:8080`. Port `0` asks the operating
/// system for an ephemeral port (tests use it).
public struct HostPort: Sendable, Equatable, Hashable, LosslessStringConvertible {
    /// The host without brackets: `127.0.0.1`, `::1`, `localhost`.
    public var host: String
    /// 0…65535; 0 means "any free port".
    public var port: Int

    /// Creates an address without validation; use `init?(_:)` for text from users.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; `nil` when the text is not a valid address.
    public init?(_ description: String) {
        guard let parsed = HostSyntax.splitHostPort(description),
              let port = HostSyntax.port(parsed.port, allowZero: true)
        else { return nil }
        self.init(host: parsed.host, port: port)
    }

    /// True for IPv6 literals, which need brackets when written with a port.
    public var isIPv6: Bool { host.contains(":") }

    /// True for addresses only this machine can reach (`127.0.0.0/8`, `::1`, `localhost`).
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// `host:port`, with brackets around IPv6 hosts.
    public var description: String {
        isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
