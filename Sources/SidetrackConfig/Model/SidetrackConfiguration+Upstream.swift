extension SidetrackConfiguration {
    /// Where Spotify is, and how the connection pool talks to it.
    public struct Upstream: Sendable, Equatable {
        /// Web API origin. Default `https://api.spotify.com`.
        public var api: OriginURL
        /// Accounts service origin (`/api/token`, `/authorize`). Default `https://accounts.spotify.com`.
        public var accounts: OriginURL
        /// TCP + TLS connect deadline. Default 2 s: a healthy connect to Spotify takes tens of
        /// milliseconds, and clients give up after ~5 s, so a retry must still fit. Max 10 min.
        public var connectTimeout: Duration
        /// Deadline for one upstream attempt, headers and body. Default 10 s. Max 10 min.
        public var requestTimeout: Duration
        /// How long a pooled keep-alive connection may sit unused. Default 60 s. Max 1 h.
        public var idleTimeout: Duration
        /// Connection pool size per upstream host, 1…1024, split over the event loops. Default 64:
        /// 8 would queue requests under load.
        public var maxConnectionsPerHost: Int
        /// Extra PEM CA bundle to trust (for a TLS-intercepting egress proxy or a test upstream).
        /// Must exist and be readable. Default `nil`: the system trust store.
        public var caFile: String?

        public init(
            api: OriginURL = Defaults.api,
            accounts: OriginURL = Defaults.accounts,
            connectTimeout: Duration = Defaults.connectTimeout,
            requestTimeout: Duration = Defaults.requestTimeout,
            idleTimeout: Duration = Defaults.idleTimeout,
            maxConnectionsPerHost: Int = Defaults.maxConnectionsPerHost,
            caFile: String? = nil
        ) {
            self.api = api
            self.accounts = accounts
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.idleTimeout = idleTimeout
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.caFile = caFile
        }

        public enum Defaults {
            public static let api = OriginURL(scheme: .https, host: "api.spotify.com")
            public static let accounts = OriginURL(scheme: .https, host: "accounts.spotify.com")
            public static let connectTimeout: Duration = .seconds(2)
            public static let requestTimeout: Duration = .seconds(10)
            public static let idleTimeout: Duration = .seconds(60)
            public static let maxConnectionsPerHost = 64
        }
    }
}
