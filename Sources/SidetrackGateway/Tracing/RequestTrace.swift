import NIOHTTP1
import Tracing

/// The server span of one request and its W3C ids, carried in `RequestContext` (nil when tracing
/// is off, so an untraced request carries nothing).
struct RequestTrace {
    let span: any Span
    /// `00-<trace-id>-<span-id>-<flags>` of the server span: the `traceresponse` value, and the
    /// source of the log line's ids.
    let traceparent: String
    /// Answer with `traceresponse: <traceparent>` (W3C Trace Context Level 2).
    let traceResponse: Bool

    /// 32 hex digits.
    var traceID: Substring { Self.field(traceparent, from: 3, length: 32) }
    /// 16 hex digits.
    var spanID: Substring { Self.field(traceparent, from: 36, length: 16) }

    private static func field(_ value: String, from offset: Int, length: Int) -> Substring {
        let utf8 = value.utf8
        guard utf8.count >= offset + length,
              let start = utf8.index(utf8.startIndex, offsetBy: offset, limitedBy: utf8.endIndex),
              let end = utf8.index(start, offsetBy: length, limitedBy: utf8.endIndex)
        else { return "" }
        return Substring(value[start..<end])
    }
}

extension RequestContext {
    /// The `traceresponse` header's value, when the request's trace sends one.
    @inline(__always) var traceResponseValue: String? { trace?.traceResponseValue }
}

extension RequestTrace {
    /// The `traceresponse` header's value, when this trace sends one.
    var traceResponseValue: String? {
        guard traceResponse, !traceparent.isEmpty else { return nil }
        return traceparent
    }
}
