extension ConfigurationKey {
    private typealias Env = EnvironmentVariables
    private typealias Flags = ConfigurationOverrides.Flags

    /// Every configurable key, in documentation order. Adding a key here makes it readable from
    /// the file, the environment and (if it has one) its flag; the docs test checks it is documented.
    static var all: [ConfigurationKey] {
        [
            .hostPort("listen", Env.listen, flag: Flags.listen, \.listen),
            .optionalOriginURL("public_base_url", Env.publicBaseURL, \.publicBaseURL),
            .hostPort("admin.listen", Env.adminListen, flag: Flags.adminListen, \.admin.listen),
            .token("admin.token", Env.adminToken, \.admin.token),
            .originURL("upstream.api", Env.upstream, flag: Flags.upstream, \.upstream.api),
            .originURL("upstream.accounts", Env.accountsUpstream, flag: Flags.accountsUpstream, \.upstream.accounts),
            .duration("upstream.connect_timeout", Env.upstreamConnectTimeout, max: .seconds(600), \.upstream.connectTimeout),
            .duration("upstream.request_timeout", Env.upstreamRequestTimeout, max: .seconds(600), \.upstream.requestTimeout),
            .duration("upstream.idle_timeout", Env.upstreamIdleTimeout, max: .seconds(3_600), \.upstream.idleTimeout),
            .integer(
                "upstream.max_connections_per_host", Env.upstreamMaxConnectionsPerHost, range: 1...1_024,
                \.upstream.maxConnectionsPerHost
            ),
            .readableFile("upstream.ca_file", Env.upstreamCAFile, \.upstream.caFile),
            .integer(
                "limits.max_header_bytes", Env.limitsMaxHeaderBytes,
                range: SidetrackConfiguration.Limits.Defaults.headerBytesRange, \.limits.maxHeaderBytes
            ),
            .integer(
                "limits.max_body_bytes", Env.limitsMaxBodyBytes,
                range: SidetrackConfiguration.Limits.Defaults.bodyBytesRange, \.limits.maxBodyBytes
            ),
            .duration("drain_timeout", Env.drainTimeout, max: .seconds(600), \.drainTimeout),
            .cacheStorage("cache.path", Env.cachePath, flag: Flags.cachePath),
            .integer(
                "cache.memory_max_bytes", Env.cacheMemoryMaxBytes,
                range: SidetrackConfiguration.Cache.Defaults.memoryBytesRange, \.cache.memoryMaxBytes
            ),
            .integer(
                "cache.disk_max_bytes", Env.cacheDiskMaxBytes,
                range: SidetrackConfiguration.Cache.Defaults.diskBytesRange, \.cache.diskMaxBytes
            ),
            .integer(
                "cache.max_entry_bytes", Env.cacheMaxEntryBytes,
                range: SidetrackConfiguration.Cache.Defaults.entryBytesRange, \.cache.maxEntryBytes
            ),
            .catalogSharing("cache.catalog_sharing", Env.cacheCatalogSharing),
            .duration("cache.stale_while_revalidate", Env.cacheStaleWhileRevalidate, max: .seconds(86_400), \.cache.staleWhileRevalidate),
            .duration("cache.stale_if_error", Env.cacheStaleIfError, max: .seconds(7 * 86_400), \.cache.staleIfError),
            .duration("cache.token_trust_window", Env.cacheTokenTrustWindow, max: .seconds(86_400), \.cache.tokenTrustWindow),
            .duration("cache.coalesce_wait", Env.cacheCoalesceWait, max: .seconds(30), \.cache.coalesceWait),
        ] + SidetrackConfiguration.TTLTable.classes.map { ttlClass in
            .duration(
                "cache.ttl.\(ttlClass.rawValue)", Env.cacheTTL(ttlClass), max: .seconds(30 * 86_400), \.cache.ttl[ttlClass])
        } + [
            .logLevel("log.level", Env.logLevel, flag: Flags.logLevel),
            .boolean("log.access", Env.logAccess, \.log.access),
        ]
    }

    /// Top-level YAML keys that exist but cannot be set.
    static let notConfigurable: [String: String] = [
        "build": "not configurable: build describes the running binary",
    ]
}
