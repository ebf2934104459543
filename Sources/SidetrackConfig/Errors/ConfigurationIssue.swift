import Foundation

/// One thing wrong with the configuration: which key, what it was set to, what is allowed.
public struct ConfigurationIssue: Sendable, Equatable, CustomStringConvertible {
    /// Dotted YAML key (`upstream.connect_timeout`), environment variable (`SIDETRACK_LISTEN`)
    /// or flag (`--listen`) — whatever the user wrote, so they can find it.
    public var key: String
    /// The offending value as written; `<redacted>` for secrets and unknown keys (a mistyped
    /// `admin.tokn` must not print the token).
    public var value: String
    /// What would have been accepted, as a sentence fragment: `expected a duration such as …`.
    public var allowed: String
    public var source: ConfigurationSource

    public init(key: String, value: String, allowed: String, source: ConfigurationSource) {
        self.key = key
        self.value = value
        self.allowed = allowed
        self.source = source
    }

    /// `config error: upstream.connect_timeout = "fast": expected a duration … (at sidetrack.yaml:4)`
    public var description: String {
        var line = "config error: \(key) = \"\(Self.escaped(value))\": \(allowed)"
        if case .file(let path, let number?) = source {
            line += " (at \(path):\(number))"
        }
        return line
    }

    /// Keeps one issue on one line whatever the value contains.
    private static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
            .replacingOccurrences(of: "\r", with: "\\r")
    }
}
