import Logging

/// A swift-log handler writing one JSON object per line through a ``LogSink``.
///
/// Line shape: `ts` (RFC 3339 UTC, milliseconds), `level`, `msg`, then metadata as top-level
/// keys in sorted order. Nested metadata dictionaries are flattened with dots
/// (`["upstream": ["status": 429]]` → `"upstream.status":"429"`); arrays stay JSON arrays.
/// Secret keys (``SecretRedaction``) are written as `"<redacted>"`. The logger label, source
/// file and line are not written. Metadata named `ts`, `level` or `msg` is written as
/// `meta.ts`, … so the line never has duplicate keys. An attached error is written as
/// `error.type` only — error descriptions can embed URLs or tokens.
public struct JSONLogHandler: LogHandler {
    /// Metadata attached to every line of this handler.
    public var metadata: Logger.Metadata = [:]
    /// Supplies contextual metadata (request id, trace id) at log time.
    public var metadataProvider: Logger.MetadataProvider?
    /// Minimum level written.
    public var logLevel: Logger.Level

    private let sink: LogSink
    private let now: @Sendable () -> LogTimestamp

    /// Creates a handler writing to `sink`.
    public init(sink: LogSink, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil) {
        self.init(sink: sink, level: level, metadataProvider: metadataProvider, now: { LogTimestamp.now() })
    }

    /// Creates a handler with an injected clock (tests).
    public init(
        sink: LogSink,
        level: Logger.Level,
        metadataProvider: Logger.MetadataProvider?,
        now: @escaping @Sendable () -> LogTimestamp
    ) {
        self.sink = sink
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.now = now
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        self.sink.write(self.encode(event: event, at: self.now()))
    }

    /// The line for `event` without the trailing newline.
    func encode(event: LogEvent, at timestamp: LogTimestamp) -> [UInt8] {
        var merged = self.metadata
        if let provided = self.metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        if let error = event.error { merged["error.type"] = .string(String(reflecting: type(of: error))) }

        var flat: [String: Logger.Metadata.Value] = [:]
        for (key, value) in merged { Self.flatten(key: key, value: value, into: &flat) }

        var out = [UInt8]()
        out.reserveCapacity(256)
        out.append(contentsOf: #"{"ts":""#.utf8)
        timestamp.append(to: &out)
        out.append(contentsOf: #"","level":"#.utf8)
        JSONBytes.appendString(event.level.rawValue, to: &out)
        out.append(contentsOf: #","msg":"#.utf8)
        JSONBytes.appendString(event.message.description, to: &out)
        for key in flat.keys.sorted() {
            guard let value = flat[key] else { continue }
            out.append(UInt8(ascii: ","))
            JSONBytes.appendKey(Self.reservedKeys.contains(key) ? "meta." + key : key, to: &out)
            if SecretRedaction.isSecret(key: key) {
                JSONBytes.appendString(SecretRedaction.placeholder, to: &out)
            } else {
                Self.appendValue(value, to: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static let reservedKeys: Set<String> = ["ts", "level", "msg"]

    private static func flatten(key: String, value: Logger.Metadata.Value, into flat: inout [String: Logger.Metadata.Value]) {
        if case .dictionary(let nested) = value, !nested.isEmpty {
            for (child, childValue) in nested { flatten(key: key + "." + child, value: childValue, into: &flat) }
        } else {
            flat[key] = value
        }
    }

    /// Scalars are strings (swift-log metadata is textual); arrays and dictionaries inside
    /// arrays stay structured.
    private static func appendValue(_ value: Logger.Metadata.Value, to out: inout [UInt8]) {
        switch value {
        case .string(let text):
            JSONBytes.appendString(text, to: &out)
        case .stringConvertible(let convertible):
            JSONBytes.appendString(convertible.description, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendValue(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .dictionary(let entries):
            out.append(UInt8(ascii: "{"))
            for (index, key) in entries.keys.sorted().enumerated() {
                guard let entry = entries[key] else { continue }
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONBytes.appendKey(key, to: &out)
                if SecretRedaction.isSecret(key: key) {
                    JSONBytes.appendString(SecretRedaction.placeholder, to: &out)
                } else {
                    appendValue(entry, to: &out)
                }
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
