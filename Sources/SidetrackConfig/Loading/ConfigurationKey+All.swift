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
            .integer(
                "limits.max_connections", Env.limitsMaxConnections,
                range: SidetrackConfiguration.Limits.Defaults.connectionsRange, \.limits.maxConnections
            ),
            .boolean("limits.load_shedding", Env.limitsLoadShedding, \.limits.loadShedding),
            .duration("limits.shed_lag", Env.limitsShedLag, max: .seconds(10), \.limits.shedLag),
            .duration("limits.shed_interval", Env.limitsShedInterval, max: .seconds(60), \.limits.shedInterval),
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
            .routeTTL("cache.route_ttl", Env.cacheRouteTTL),
        ] + resilienceKeys + tracingKeys + [
            .logLevel("log.level", Env.logLevel, flag: Flags.logLevel),
            .boolean("log.access", Env.logAccess, \.log.access),
        ]
    }

    /// Issue 4's knobs; their variables are spelled mechanically (`EnvironmentVariables.named`).
    private static var resilienceKeys: [ConfigurationKey] {
        // Built step by step: one array literal of this size is too much for the type checker.
        let n = EnvironmentVariables.named
        let counts = 0...10_000_000
        var keys: [ConfigurationKey] = []
        func integer(_ path: String, _ range: ClosedRange<Int>, _ keyPath: WritableKeyPath<SidetrackConfiguration, Int>) {
            keys.append(.integer(path, n(path), range: range, keyPath))
        }
        func duration(_ path: String, max: Duration, _ keyPath: WritableKeyPath<SidetrackConfiguration, Duration>) {
            keys.append(.duration(path, n(path), max: max, keyPath))
        }
        func ratio(_ path: String, _ keyPath: WritableKeyPath<SidetrackConfiguration, Double>) {
            keys.append(.ratio(path, n(path), keyPath))
        }
        integer("rate_limit.client.per_second", 0...100_000, \.rateLimit.clientPerSecond)
        integer("rate_limit.client.burst", 1...100_000, \.rateLimit.clientBurst)
        integer("rate_limit.upstream.per_second", counts, \.rateLimit.upstreamPerSecond)
        integer("rate_limit.upstream.per_minute", counts, \.rateLimit.upstreamPerMinute)
        integer("rate_limit.upstream.per_hour", counts, \.rateLimit.upstreamPerHour)
        integer("rate_limit.upstream.per_30s", counts, \.rateLimit.upstreamPer30Seconds)
        duration("rate_limit.upstream.max_wait", max: .seconds(2), \.rateLimit.upstreamMaxWait)
        integer("breaker.consecutive_failures", 1...1_000, \.breaker.consecutiveFailures)
        ratio("breaker.failure_ratio", \.breaker.failureRatio)
        integer("breaker.minimum_requests", 1...100_000, \.breaker.minimumRequests)
        duration("breaker.window", max: .seconds(600), \.breaker.window)
        duration("breaker.open_for", max: .seconds(600), \.breaker.openFor)
        duration("breaker.open_for_max", max: .seconds(3_600), \.breaker.openForMax)
        integer("breaker.half_open_probes", 1...100, \.breaker.halfOpenProbes)
        integer("breaker.close_after", 1...100, \.breaker.closeAfter)
        integer("retry.max_attempts", 1...10, \.retry.maxAttempts)
        duration("retry.base_delay", max: .seconds(10), \.retry.baseDelay)
        duration("retry.max_delay", max: .seconds(30), \.retry.maxDelay)
        ratio("retry.budget_ratio", \.retry.budgetRatio)
        integer("retry.budget_min_per_second", 0...1_000, \.retry.budgetMinPerSecond)
        integer("bulkhead.max_concurrent", 1...10_000, \.bulkhead.maxConcurrent)
        integer("bulkhead.max_queue", 0...100_000, \.bulkhead.maxQueue)
        duration("bulkhead.queue_timeout", max: .seconds(5), \.bulkhead.queueTimeout)
        for group in SidetrackConfiguration.resilienceGroups {
            let base = "timeouts.\(group.rawValue)"
            let parts: [(String, WritableKeyPath<SidetrackConfiguration.GroupTimeouts, Duration?>)] = [
                ("connect", \.connect), ("first_byte", \.firstByte), ("total", \.total),
            ]
            for (name, field) in parts {
                let timeouts: WritableKeyPath<SidetrackConfiguration, SidetrackConfiguration.GroupTimeouts> =
                    \.timeouts[group]
                keys.append(.optionalDuration("\(base).\(name)", n("\(base).\(name)"), max: .seconds(600), timeouts.appending(path: field)))
            }
        }
        return keys
    }

    /// Top-level YAML keys that exist but cannot be set.
    static let notConfigurable: [String: String] = [
        "build": "not configurable: build describes the running binary",
    ]
}
