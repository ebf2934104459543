import SidetrackCore
/// The effective configuration as an ordered tree of YAML-key → value, secrets already
/// replaced. Both output formats are written from it, so they cannot disagree.
enum ConfigurationTree {
    case string(String)
    case integer(Int)
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
            ])),
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
}
