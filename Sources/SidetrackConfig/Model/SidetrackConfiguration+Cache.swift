import SidetrackCore

extension SidetrackConfiguration {
    /// The cache (DESIGN §3): memory tier, persistent tier, lifetimes and sharing.
    public struct Cache: Sendable, Equatable {
        /// SQLite file, or `.memoryOnly` (written `none`). Default `./.sidetrack/cache.sqlite`:
        /// next to the working directory, so a restarted pod with a volume starts warm.
        public var storage: CacheStorage
        /// Memory tier budget, bytes. Default 64 MiB: ~30k typical 2 KiB Spotify answers.
        public var memoryMaxBytes: Int
        /// Disk tier budget, bytes. Default 512 MiB.
        public var diskMaxBytes: Int
        /// Answers larger than this stream through uncached. Default 1 MiB (a 50-item page of
        /// full track objects is ~150 KiB).
        public var maxEntryBytes: Int
        /// When catalog answers are shared across tokens. Default `market` (only with an explicit
        /// `market`); `always` for apps that only use client-credentials tokens.
        public var catalogSharing: CatalogSharing
        /// Serve stale while one background refresh runs. Default 60 s.
        public var staleWhileRevalidate: Duration
        /// Serve stale when Spotify fails or is cooling down. Default 24 h.
        public var staleIfError: Duration
        /// A token reads the cache only this long after Spotify last accepted it. Default 10 min.
        /// - warning: longer windows let a revoked token read cached answers for longer.
        public var tokenTrustWindow: Duration
        /// How long a coalesced request waits for the leader's answer. Default 3 s, under the
        /// ~5 s client-library timeouts.
        public var coalesceWait: Duration
        /// Freshness per TTL class (DESIGN §3 defaults).
        public var ttl: TTLTable
        /// Freshness per route template, overriding its class; `0s` = not cached.
        public var routeTTL: RouteTTLOverrides

        public init(
            storage: CacheStorage = Defaults.storage, memoryMaxBytes: Int = Defaults.memoryMaxBytes,
            diskMaxBytes: Int = Defaults.diskMaxBytes, maxEntryBytes: Int = Defaults.maxEntryBytes,
            catalogSharing: CatalogSharing = .market, staleWhileRevalidate: Duration = .seconds(60),
            staleIfError: Duration = .seconds(86_400), tokenTrustWindow: Duration = .seconds(600),
            coalesceWait: Duration = .seconds(3), ttl: TTLTable = TTLTable(),
            routeTTL: RouteTTLOverrides = RouteTTLOverrides()
        ) {
            self.storage = storage
            self.memoryMaxBytes = memoryMaxBytes
            self.diskMaxBytes = diskMaxBytes
            self.maxEntryBytes = maxEntryBytes
            self.catalogSharing = catalogSharing
            self.staleWhileRevalidate = staleWhileRevalidate
            self.staleIfError = staleIfError
            self.tokenTrustWindow = tokenTrustWindow
            self.coalesceWait = coalesceWait
            self.ttl = ttl
            self.routeTTL = routeTTL
        }

        public enum Defaults {
            public static let storage = CacheStorage.file(path: "./.sidetrack/cache.sqlite")
            public static let memoryMaxBytes = 64 << 20
            public static let diskMaxBytes = 512 << 20
            public static let maxEntryBytes = 1 << 20
            public static let memoryBytesRange = (1 << 20)...(64 << 30)
            public static let diskBytesRange = (1 << 20)...(1 << 40)
            public static let entryBytesRange = 1_024...(64 << 20)
        }
    }

    /// Freshness lifetime per TTL class; unset classes use `TTLClass.defaultTTL`.
    public struct TTLTable: Sendable, Equatable {
        private var values: [TTLClass: Duration] = [:]

        public init() {}

        public subscript(ttlClass: TTLClass) -> Duration {
            get { values[ttlClass] ?? ttlClass.defaultTTL }
            set { values[ttlClass] = newValue == ttlClass.defaultTTL ? nil : newValue }
        }

        /// The configurable classes (`never` is not).
        public static var classes: [TTLClass] { TTLClass.allCases.filter { $0 != .never } }
    }
}
