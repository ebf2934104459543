import NIOConcurrencyHelpers
import Prometheus

/// The cache and coalescer families of DESIGN §4, in the gateway's registry.
///
/// Per-route counters are resolved once into arrays indexed by route id, so a lookup on the hot
/// path is an index and a relaxed atomic add. Every series the route table implies exists from
/// start-up at zero: lookups and coalescing for cacheable routes, invalidations for mutations,
/// entries/bytes/evictions for both tiers.
public final class CacheMetrics: Sendable {
    /// What the metrics need to know of a route row.
    public struct Route: Sendable {
        public var template: String
        public var isCacheable: Bool
        public var isMutation: Bool

        public init(template: String, isCacheable: Bool, isMutation: Bool) {
            self.template = template
            self.isCacheable = isCacheable
            self.isMutation = isMutation
        }
    }

    public enum Tier: String, Sendable, CaseIterable {
        case memory
        case disk
    }

    public enum EvictionReason: String, Sendable, CaseIterable {
        case expired
        case capacity
    }

    private let lookups: [[Counter]?]
    private let coalesced: [Counter?]
    private let invalidations: [Counter?]
    private let entries: [Gauge]
    private let bytes: [Gauge]
    private let evictions: [Counter]
    private let diskDegraded: Gauge
    /// Eviction totals already added to the counters, per tier × reason: the tiers keep running
    /// totals, and `updateTiers` adds only the difference.
    private let evictionsSeen = NIOLockedValueBox([Int](repeating: 0, count: Tier.allCases.count * EvictionReason.allCases.count))

    public init(registry: PrometheusCollectorRegistry, routes: [Route]) {
        lookups = routes.map { route in
            guard route.isCacheable else { return nil }
            return CacheLabel.allCases.map { result in
                registry.makeCounter(
                    descriptor: MetricCatalog.cacheRequests, labels: [("route", route.template), ("result", result.rawValue)])
            }
        }
        coalesced = routes.map { route in
            route.isCacheable
                ? registry.makeCounter(descriptor: MetricCatalog.coalescedRequests, labels: [("route", route.template)]) : nil
        }
        invalidations = routes.map { route in
            route.isMutation
                ? registry.makeCounter(descriptor: MetricCatalog.cacheInvalidations, labels: [("route", route.template)]) : nil
        }
        entries = Tier.allCases.map { registry.makeGauge(descriptor: MetricCatalog.cacheEntries, labels: [("tier", $0.rawValue)]) }
        bytes = Tier.allCases.map { registry.makeGauge(descriptor: MetricCatalog.cacheBytes, labels: [("tier", $0.rawValue)]) }
        diskDegraded = registry.makeGauge(descriptor: MetricCatalog.cacheDiskDegraded)
        evictions = Tier.allCases.flatMap { tier in
            EvictionReason.allCases.map { reason in
                registry.makeCounter(
                    descriptor: MetricCatalog.cacheEvictions, labels: [("tier", tier.rawValue), ("reason", reason.rawValue)])
            }
        }
    }

    /// One cache decision for a request on route `route` (ignored for routes that never cache).
    public func recordLookup(route: Int, result: CacheLabel) {
        guard lookups.indices.contains(route), let counters = lookups[route] else { return }
        counters[result.index].increment()
    }

    public func recordCoalesced(route: Int) {
        guard coalesced.indices.contains(route) else { return }
        coalesced[route]?.increment()
    }

    public func recordInvalidation(route: Int) {
        guard invalidations.indices.contains(route) else { return }
        invalidations[route]?.increment()
    }

    /// 1 while a configured disk tier is unusable and the cache runs memory-only.
    public func setDiskDegraded(_ degraded: Bool) {
        diskDegraded.set(to: degraded ? 1 : 0)
    }

    /// Sets a tier's gauges and brings its eviction counters up to the tier's running totals.
    public func updateTier(_ tier: Tier, entries count: Int, bytes size: Int, evictions totals: [EvictionReason: Int]) {
        let tierIndex = Tier.allCases.firstIndex(of: tier)!
        entries[tierIndex].set(to: Double(count))
        bytes[tierIndex].set(to: Double(size))
        for (reasonIndex, reason) in EvictionReason.allCases.enumerated() {
            let slot = tierIndex * EvictionReason.allCases.count + reasonIndex
            let total = totals[reason] ?? 0
            let delta = evictionsSeen.withLockedValue { seen -> Int in
                let delta = max(0, total - seen[slot])
                seen[slot] = max(seen[slot], total)
                return delta
            }
            if delta > 0 { evictions[slot].increment(by: Int64(delta)) }
        }
    }
}
