import SidetrackCore
/// The effective configuration as an ordered tree of YAML-key → value, secrets already
/// replaced. Both output formats are written from it, so they cannot disagree.
enum ConfigurationTree {
    case string(String)
    case integer(Int)
    case decimal(Double)
    case boolean(Bool)
    case null
    case section([Entry])

    struct Entry {
        let key: String
        let value: ConfigurationTree

        init(_ key: String, _ value: ConfigurationTree) {
            self.key = key
            self.value = value
        }
    }

    private static func duration(_ value: Duration) -> ConfigurationTree { .string(DurationText.format(value)) }

    static func redacted(_ configuration: SidetrackConfiguration) -> ConfigurationTree {
        let c = configuration
        return .section([
            Entry("listen", .string(c.listen.description)),
            Entry("public_base_url", c.publicBaseURL.map { .string($0.description) } ?? .null),
            Entry("admin", .section([
                Entry("listen", .string(c.admin.listen.description)),
                Entry("token", c.admin.token.map { .string($0.description) } ?? .null),
            ])),
            Entry("upstream", .section([
                Entry("api", .string(c.upstream.api.description)),
                Entry("accounts", .string(c.upstream.accounts.description)),
                Entry("connect_timeout", .string(DurationText.format(c.upstream.connectTimeout))),
                Entry("request_timeout", .string(DurationText.format(c.upstream.requestTimeout))),
                Entry("idle_timeout", .string(DurationText.format(c.upstream.idleTimeout))),
                Entry("max_connections_per_host", .integer(c.upstream.maxConnectionsPerHost)),
                Entry("ca_file", c.upstream.caFile.map { .string($0) } ?? .null),
            ])),
            Entry("limits", .section([
                Entry("max_header_bytes", .integer(c.limits.maxHeaderBytes)),
                Entry("max_body_bytes", .integer(c.limits.maxBodyBytes)),
                Entry("max_connections", .integer(c.limits.maxConnections)),
                Entry("load_shedding", .boolean(c.limits.loadShedding)),
                Entry("shed_lag", .string(DurationText.format(c.limits.shedLag))),
                Entry("shed_interval", .string(DurationText.format(c.limits.shedInterval))),
            ])),
            Entry("drain_timeout", .string(DurationText.format(c.drainTimeout))),
            Entry("cache", .section([
                Entry("path", .string(c.cache.storage.description)),
                Entry("memory_max_bytes", .integer(c.cache.memoryMaxBytes)),
                Entry("disk_max_bytes", .integer(c.cache.diskMaxBytes)),
                Entry("max_entry_bytes", .integer(c.cache.maxEntryBytes)),
                Entry("catalog_sharing", .string(c.cache.catalogSharing.rawValue)),
                Entry("stale_while_revalidate", .string(DurationText.format(c.cache.staleWhileRevalidate))),
                Entry("stale_if_error", .string(DurationText.format(c.cache.staleIfError))),
                Entry("token_trust_window", .string(DurationText.format(c.cache.tokenTrustWindow))),
                Entry("coalesce_wait", .string(DurationText.format(c.cache.coalesceWait))),
                Entry("ttl", .section(SidetrackConfiguration.TTLTable.classes.map { ttlClass in
                    Entry(ttlClass.rawValue, .string(DurationText.format(c.cache.ttl[ttlClass])))
                })),
                Entry("route_ttl", .section(c.cache.routeTTL.values.sorted { $0.key < $1.key }.map { template, ttl in
                    Entry(template, .string(DurationText.format(ttl)))
                })),
            ])),
            Entry("rate_limit", rateLimit(c.rateLimit)),
            Entry("breaker", breaker(c.breaker)),
            Entry("retry", retry(c.retry)),
            Entry("bulkhead", bulkhead(c.bulkhead)),
            Entry("timeouts", timeouts(c.timeouts)),
            Entry("tracing", tracing(c.tracing)),
            Entry("log", .section([
                Entry("level", .string(c.log.level.rawValue)),
                Entry("access", .boolean(c.log.access)),
            ])),
            Entry("build", .section([
                Entry("version", .string(c.build.version)),
                Entry("commit", .string(c.build.commit)),
            ])),
        ])
    }

    // Sections split out: one literal for the whole tree is too much for the type checker.

    private static func tracing(_ t: SidetrackConfiguration.Tracing) -> ConfigurationTree {
        .section([
            Entry("enabled", .boolean(t.enabled)),
            Entry("endpoint", .string(t.endpoint)),
            Entry("protocol", .string(t.exportProtocol.rawValue)),
            Entry("headers", .section(t.headers.sorted { $0.key < $1.key }.map { Entry($0.key, .string($0.value.description)) })),
            Entry("service_name", .string(t.serviceName)),
            Entry("resource_attributes", .section(t.resourceAttributes.sorted { $0.key < $1.key }.map { Entry($0.key, .string($0.value)) })),
            Entry("sample_ratio", .decimal(t.sampleRatio)),
            Entry("max_queue_size", .integer(t.maxQueueSize)),
            Entry("export_timeout", duration(t.exportTimeout)),
            Entry("traceresponse", .boolean(t.traceResponse)),
        ])
    }

    private static func rateLimit(_ r: SidetrackConfiguration.RateLimits) -> ConfigurationTree {
        .section([
            Entry("client", .section([
                Entry("per_second", .integer(r.clientPerSecond)),
                Entry("burst", .integer(r.clientBurst)),
            ])),
            Entry("upstream", .section([
                Entry("per_second", .integer(r.upstreamPerSecond)),
                Entry("per_minute", .integer(r.upstreamPerMinute)),
                Entry("per_hour", .integer(r.upstreamPerHour)),
                Entry("per_30s", .integer(r.upstreamPer30Seconds)),
                Entry("max_wait", duration(r.upstreamMaxWait)),
            ])),
        ])
    }

    private static func breaker(_ b: SidetrackConfiguration.Breaker) -> ConfigurationTree {
        .section([
            Entry("consecutive_failures", .integer(b.consecutiveFailures)),
            Entry("failure_ratio", .decimal(b.failureRatio)),
            Entry("minimum_requests", .integer(b.minimumRequests)),
            Entry("window", duration(b.window)),
            Entry("open_for", duration(b.openFor)),
            Entry("open_for_max", duration(b.openForMax)),
            Entry("half_open_probes", .integer(b.halfOpenProbes)),
            Entry("close_after", .integer(b.closeAfter)),
        ])
    }

    private static func retry(_ r: SidetrackConfiguration.Retry) -> ConfigurationTree {
        .section([
            Entry("max_attempts", .integer(r.maxAttempts)),
            Entry("base_delay", duration(r.baseDelay)),
            Entry("max_delay", duration(r.maxDelay)),
            Entry("budget_ratio", .decimal(r.budgetRatio)),
            Entry("budget_min_per_second", .integer(r.budgetMinPerSecond)),
        ])
    }

    private static func bulkhead(_ b: SidetrackConfiguration.Bulkhead) -> ConfigurationTree {
        .section([
            Entry("max_concurrent", .integer(b.maxConcurrent)),
            Entry("max_queue", .integer(b.maxQueue)),
            Entry("queue_timeout", duration(b.queueTimeout)),
        ])
    }

    private static func timeouts(_ all: SidetrackConfiguration.GroupTimeoutTable) -> ConfigurationTree {
        .section(SidetrackConfiguration.resilienceGroups.map { group in
            let timeouts = all[group]
            let parts: [(String, Duration?)] = [
                ("connect", timeouts.connect), ("first_byte", timeouts.firstByte), ("total", timeouts.total),
            ]
            return Entry(group.rawValue, .section(parts.map { name, value in Entry(name, value.map(duration) ?? .null) }))
        })
    }
}
