import Foundation
import SidetrackCore

/// Every environment variable Sidetrack reads, by name. Each configuration key has exactly one;
/// a `SIDETRACK_*` variable not listed here is an error (a typo must not be ignored).
public enum EnvironmentVariables {
    /// Path of the YAML configuration file (the `--config` flag wins over it).
    public static let configFile = "SIDETRACK_CONFIG"

    public static let listen = "SIDETRACK_LISTEN"
    public static let publicBaseURL = "SIDETRACK_PUBLIC_BASE_URL"
    public static let adminListen = "SIDETRACK_ADMIN_LISTEN"
    public static let adminToken = "SIDETRACK_ADMIN_TOKEN"
    public static let upstream = "SIDETRACK_UPSTREAM"
    public static let accountsUpstream = "SIDETRACK_ACCOUNTS_UPSTREAM"
    public static let upstreamConnectTimeout = "SIDETRACK_UPSTREAM_CONNECT_TIMEOUT"
    public static let upstreamRequestTimeout = "SIDETRACK_UPSTREAM_REQUEST_TIMEOUT"
    public static let upstreamIdleTimeout = "SIDETRACK_UPSTREAM_IDLE_TIMEOUT"
    public static let upstreamMaxConnectionsPerHost = "SIDETRACK_UPSTREAM_MAX_CONNECTIONS_PER_HOST"
    public static let upstreamCAFile = "SIDETRACK_UPSTREAM_CA_FILE"
    public static let limitsMaxHeaderBytes = "SIDETRACK_LIMITS_MAX_HEADER_BYTES"
    public static let limitsMaxBodyBytes = "SIDETRACK_LIMITS_MAX_BODY_BYTES"
    public static let limitsMaxConnections = "SIDETRACK_LIMITS_MAX_CONNECTIONS"
    public static let limitsLoadShedding = "SIDETRACK_LIMITS_LOAD_SHEDDING"
    public static let limitsShedLag = "SIDETRACK_LIMITS_SHED_LAG"
    public static let limitsShedInterval = "SIDETRACK_LIMITS_SHED_INTERVAL"
    public static let drainTimeout = "SIDETRACK_DRAIN_TIMEOUT"
    public static let cachePath = "SIDETRACK_CACHE_PATH"
    public static let cacheMemoryMaxBytes = "SIDETRACK_CACHE_MEMORY_MAX_BYTES"
    public static let cacheDiskMaxBytes = "SIDETRACK_CACHE_DISK_MAX_BYTES"
    public static let cacheMaxEntryBytes = "SIDETRACK_CACHE_MAX_ENTRY_BYTES"
    public static let cacheCatalogSharing = "SIDETRACK_CACHE_CATALOG_SHARING"
    public static let cacheStaleWhileRevalidate = "SIDETRACK_CACHE_STALE_WHILE_REVALIDATE"
    public static let cacheStaleIfError = "SIDETRACK_CACHE_STALE_IF_ERROR"
    public static let cacheTokenTrustWindow = "SIDETRACK_CACHE_TOKEN_TRUST_WINDOW"
    public static let cacheCoalesceWait = "SIDETRACK_CACHE_COALESCE_WAIT"
    public static let cacheRouteTTL = "SIDETRACK_CACHE_ROUTE_TTL"
    /// `SIDETRACK_CACHE_TTL_CATALOG`, `SIDETRACK_CACHE_TTL_AUDIO_FEATURES`, …
    public static func cacheTTL(_ ttlClass: TTLClass) -> String { "SIDETRACK_CACHE_TTL_" + ttlClass.rawValue.uppercased() }
    public static let logLevel = "SIDETRACK_LOG_LEVEL"
    public static let logAccess = "SIDETRACK_LOG_ACCESS"

    /// The variable for a dotted key, spelled mechanically: `breaker.open_for` →
    /// `SIDETRACK_BREAKER_OPEN_FOR`. Used by the resilience keys, which are many and regular.
    public static func named(_ path: String) -> String {
        prefix + path.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    /// The prefix that marks a variable as Sidetrack's.
    public static let prefix = "SIDETRACK_"
}
