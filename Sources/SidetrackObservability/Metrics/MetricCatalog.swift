import Prometheus

/// Names, HELP texts and buckets of Sidetrack's metric families (DESIGN §4), in one place so a
/// dashboard author and a later family can find them. Add new families here.
///
/// Descriptors are computed properties because `MetricNameDescriptor` is not `Sendable`; they
/// are only needed when a series is created, never per observation.
public enum MetricCatalog {
    /// Latency buckets in seconds: 0.5 ms … 10 s, including every SLO threshold used by the
    /// alerts (0.1, 0.25, 0.5, 1).
    public static let latencyBuckets: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    /// Histogram {route, method, status_class, cache}.
    public static var serverRequestDuration: MetricNameDescriptor {
        descriptor(
            "sidetrack_http_server_request_duration_seconds",
            "Duration of HTTP requests served by Sidetrack, from request head to last response byte."
        )
    }

    /// Counter {route, method, code}.
    public static var serverRequests: MetricNameDescriptor {
        descriptor(
            "sidetrack_http_server_requests_total",
            "HTTP requests served by Sidetrack, by route, method and response status code."
        )
    }

    /// Gauge, no labels.
    public static var serverActiveRequests: MetricNameDescriptor {
        descriptor("sidetrack_http_server_active_requests", "HTTP requests currently being served by Sidetrack.")
    }

    /// Histogram {route, upstream, outcome}.
    public static var upstreamRequestDuration: MetricNameDescriptor {
        descriptor(
            "sidetrack_upstream_request_duration_seconds",
            "Duration of calls from Sidetrack to the Spotify upstream, per attempt."
        )
    }

    /// Counter {route, outcome}.
    public static var upstreamRequests: MetricNameDescriptor {
        descriptor(
            "sidetrack_upstream_requests_total",
            "Calls from Sidetrack to the Spotify upstream, per attempt, by outcome."
        )
    }

    /// Gauge {version, commit} = 1.
    public static var buildInfo: MetricNameDescriptor {
        descriptor("sidetrack_build_info", "Sidetrack build information; the value is always 1.")
    }

    /// Counter {route, result}: one per cache decision on a cacheable route.
    public static var cacheRequests: MetricNameDescriptor {
        descriptor("sidetrack_cache_requests_total", "Cache decisions for requests on cacheable routes, by result.")
    }

    /// Gauge {tier}.
    public static var cacheEntries: MetricNameDescriptor {
        descriptor("sidetrack_cache_entries", "Entries currently held by a cache tier.")
    }

    /// Gauge {tier}.
    public static var cacheBytes: MetricNameDescriptor {
        descriptor("sidetrack_cache_bytes", "Bytes currently held by a cache tier (bodies, headers and per-entry overhead).")
    }

    /// Counter {tier, reason}.
    public static var cacheEvictions: MetricNameDescriptor {
        descriptor("sidetrack_cache_evictions_total", "Entries removed from a cache tier to make room or because they expired.")
    }

    /// Counter {route}: the mutation route that invalidated entries.
    public static var cacheInvalidations: MetricNameDescriptor {
        descriptor("sidetrack_cache_invalidations_total", "Successful mutations that invalidated cached answers, by mutation route.")
    }

    /// Gauge, no labels.
    public static var cacheDiskDegraded: MetricNameDescriptor {
        descriptor(
            "sidetrack_cache_disk_degraded",
            "1 while the configured disk cache tier is unusable and the cache runs from memory only, else 0.")
    }

    /// Counter {route}.
    public static var coalescedRequests: MetricNameDescriptor {
        descriptor("sidetrack_coalesced_requests_total", "Requests answered by another request's upstream call instead of their own.")
    }

    /// Counter {route, reason}.
    public static var upstreamRetries: MetricNameDescriptor {
        descriptor("sidetrack_upstream_retries_total", "Upstream attempts Sidetrack retried, by route and reason.")
    }

    /// Gauge, no labels.
    public static var upstreamRetryAfter: MetricNameDescriptor {
        descriptor("sidetrack_upstream_retry_after_seconds", "The Retry-After of the last 429 Spotify answered, in seconds.")
    }

    /// Gauge, no labels.
    public static var upstreamCooldownRemaining: MetricNameDescriptor {
        descriptor(
            "sidetrack_upstream_cooldown_remaining_seconds",
            "Seconds left of the app-wide cooldown after a Spotify 429; 0 when no cooldown is on.")
    }

    /// Gauge {breaker, state}: 1 for the breaker's current state, 0 for the others.
    public static var circuitBreakerState: MetricNameDescriptor {
        descriptor("sidetrack_circuit_breaker_state", "Circuit breaker state per route group: 1 for the current state, else 0.")
    }

    /// Counter {breaker, from, to}.
    public static var circuitBreakerTransitions: MetricNameDescriptor {
        descriptor("sidetrack_circuit_breaker_transitions_total", "Circuit breaker state changes per route group.")
    }

    /// Counter {scope, decision}.
    public static var rateLimitDecisions: MetricNameDescriptor {
        descriptor(
            "sidetrack_rate_limit_decisions_total",
            "Rate-limit decisions: per client (scope client) and for the app's Spotify quota (scope upstream).")
    }

    /// Gauge {group}.
    public static var bulkheadInFlight: MetricNameDescriptor {
        descriptor("sidetrack_bulkhead_in_flight", "Upstream calls in flight per route group bulkhead.")
    }

    /// Counter {group}.
    public static var bulkheadRejections: MetricNameDescriptor {
        descriptor("sidetrack_bulkhead_rejections_total", "Requests refused because a route group's bulkhead and its queue were full.")
    }

    /// Gauge {loop}.
    public static var eventLoopLag: MetricNameDescriptor {
        descriptor(
            "sidetrack_event_loop_lag_seconds",
            "How late the last load-shedding probe ran on each proxy event loop (the time work waits before it is handled).")
    }

    /// Gauge {loop}.
    public static var loadShedFraction: MetricNameDescriptor {
        descriptor("sidetrack_load_shed_fraction", "Share of upstream-bound requests each event loop refuses now (0 to 1).")
    }

    /// Counter {reason}.
    public static var loadShedRequests: MetricNameDescriptor {
        descriptor(
            "sidetrack_load_shed_requests_total",
            "Requests refused with 503 overloaded: event loops running late (event_loop_lag) or too many open connections (max_connections).")
    }

    /// Gauge, no labels.
    public static var openConnections: MetricNameDescriptor {
        descriptor("sidetrack_open_connections", "Client connections open on the proxy listener.")
    }

    /// Counter, no labels: spans the exporter's full queue refused (collector down or too slow).
    public static var tracingSpansDropped: MetricNameDescriptor {
        descriptor("sidetrack_tracing_spans_dropped_total", "Spans dropped because the span export queue was full.")
    }

    /// Counter, no labels; rendered by ``GatewayMetrics`` from the attached ``LogSink``.
    public static let logLinesDroppedName = "sidetrack_log_lines_dropped_total"
    /// HELP text of ``logLinesDroppedName``.
    public static let logLinesDroppedHelp =
        "Log lines dropped because the log buffer was full or the log output failed."

    /// A descriptor whose full name is `name` (no namespace/unit splitting) with HELP text.
    public static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
