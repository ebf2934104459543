import Foundation
import NIOCore
import SidetrackCore

/// What the data plane needs from the configuration, in the units it uses (NIO `TimeAmount`s, parsed
/// endpoints). Built once from `SidetrackConfiguration`, so the hot path never parses strings.
public struct GatewaySettings: Sendable {
    public var proxyHost = "127.0.0.1"
    public var proxyPort = 8080
    public var adminHost = "127.0.0.1"
    public var adminPort = 9901
    public var apiUpstream = UpstreamEndpoint(scheme: "https", host: "api.spotify.com", port: 443)
    public var accountsUpstream = UpstreamEndpoint(scheme: "https", host: "accounts.spotify.com", port: 443)
    /// Base URL that rewritten links point at (`http://gateway:8080`); nil = the scheme and host the client used.
    public var publicBaseURL: String?
    /// The absolute link prefix Spotify embeds in bodies; rewritten to `publicBaseURL + "/v1/"`.
    public var linkPrefix = "https://api.spotify.com/v1/"
    /// Whether JSON bodies get their Spotify links rewritten (on by default; off only for debugging).
    public var rewriteLinks = true
    public var connectTimeout: TimeAmount = .seconds(2)
    /// Deadline for a whole upstream exchange, first byte to last.
    public var requestTimeout: TimeAmount = .seconds(10)
    public var idleTimeout: TimeAmount = .seconds(60)
    public var maxConnectionsPerHost = 64
    /// PEM file with extra trust roots for the upstream's TLS certificate (tests, corporate proxies).
    public var caFile: String?
    public var maxHeaderBytes = 16 * 1024
    public var maxBodyBytes = 10 * 1024 * 1024
    public var drainTimeout: TimeAmount = .seconds(25)
    /// Load shedding: refuse upstream-bound requests while an event loop has run later than this
    /// for `shedInterval` (`LoadShedder`); zero turns it off.
    public var shedLagTarget: TimeAmount = .milliseconds(100)
    public var shedInterval: TimeAmount = .milliseconds(500)
    /// Client connections the proxy listener serves at once; requests on connections past it get `503`.
    public var maxConnections = 10_000
    public var accessLog = true
    public var adminToken: String?
    /// Whether answers are cached at all (off only for tests and benchmarks of the bare proxy).
    public var cacheEnabled = true
    public var cachePolicy = CachePolicy()
    public var catalogSharing = CatalogSharing.market
    /// Memory tier budget in bytes. Default 64 MiB.
    public var cacheMemoryBytes = 64 << 20
    /// SQLite file of the disk tier; nil = memory only.
    public var cachePath: String? = "./.sidetrack/cache.sqlite"
    /// Disk tier budget in bytes. Default 512 MiB.
    public var cacheDiskBytes = 512 << 20
    /// Wall clock of the cache in Unix milliseconds; replaced by tests to move time without sleeping.
    public var cacheClock: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
    /// How long a coalesced follower waits for its leader.
    public var coalesceWait: TimeAmount { .nanoseconds(cachePolicy.coalesceWait.milliseconds * 1_000_000) }
    /// Rate limits, cooldown, breakers, retries, bulkheads and per-group timeouts (issue 4).
    public var resilience = ResilienceSettings()
    public var tracing = TracingSettings()
    /// The effective configuration, secrets redacted, served at the admin `/config` endpoint.
    public var redactedConfigJSON = "{}"

    public init() {}
}

/// An upstream origin: scheme, host and port, no path.
public struct UpstreamEndpoint: Sendable, Hashable {
    public var scheme: String
    public var host: String
    public var port: Int

    public init(scheme: String, host: String, port: Int) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// `https://api.spotify.com` or `http://127.0.0.1:4000` (default ports left out).
    public var origin: String {
        let defaultPort = scheme == "https" ? 443 : 80
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return port == defaultPort ? "\(scheme)://\(hostPart)" : "\(scheme)://\(hostPart):\(port)"
    }
}
