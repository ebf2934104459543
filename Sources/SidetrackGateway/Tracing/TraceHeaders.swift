import Instrumentation
import NIOHTTP1

/// Reads W3C `traceparent`/`tracestate` from a request's headers. Malformed values are the
/// propagator's business: it ignores them and the request starts a new trace.
struct HTTPHeadersExtractor: Extractor {
    func extract(key: String, from carrier: HTTPHeaders) -> String? {
        carrier.first(name: key)
    }
}

/// Writes the propagation headers into an upstream request, replacing the caller's: upstream must
/// see Sidetrack's client span as its parent, not the caller's span.
struct HTTPHeadersInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout HTTPHeaders) {
        carrier.replaceOrAdd(name: key, value: value)
    }
}

/// Captures only the `traceparent` a context would propagate: the one public way to read a span's
/// W3C ids (`00-<trace-id>-<span-id>-<flags>`) whatever tracer made it.
struct TraceParentInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout String?) {
        if key == "traceparent" { carrier = value }
    }
}
