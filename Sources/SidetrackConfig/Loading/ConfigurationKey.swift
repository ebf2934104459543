import Foundation
import SidetrackCore

/// One configurable setting: its names in each layer, what it accepts, and how a raw value is
/// parsed into the model. The table of all keys is `ConfigurationKey.all`.
struct ConfigurationKey {
    typealias Configuration = SidetrackConfiguration

    /// Dotted YAML path: `upstream.connect_timeout`.
    let path: String
    let environmentVariable: String
    let flag: String?
    /// Shown in issues: `expected …`.
    let allowed: String
    /// Secrets never appear in issues or output.
    let isSecret: Bool
    /// In YAML this key takes a mapping of plain values, passed on as `name=value` pairs joined by
    /// commas (the form the environment uses).
    var acceptsPairs = false
    /// Parses `raw` (`nil` = null) into `configuration`; `false` when the value is not accepted.
    let apply: (_ raw: String?, _ configuration: inout Configuration) -> Bool

    /// How a rejected value is shown: secrets hidden, URL userinfo hidden.
    func displayValue(_ raw: String?) -> String {
        guard let raw else { return "null" }
        if isSecret { return Secret.placeholder }
        return Self.redactingUserinfo(raw)
    }

    /// `https://user:pass@host` → `https://<redacted>@host`; other text unchanged.
    static func redactingUserinfo(_ text: String) -> String {
        guard let scheme = text.firstRange(of: "://"),
              let at = text[scheme.upperBound...].lastIndex(of: "@")
        else { return text }
        return String(text[..<scheme.upperBound]) + Secret.placeholder + String(text[at...])
    }
}

// MARK: - Builders, one per value type

extension ConfigurationKey {
    /// Empty text means null, so `SIDETRACK_ADMIN_TOKEN=` can unset a token set in the file.
    private static func nonEmpty(_ raw: String?) -> String? {
        raw.flatMap { $0.isEmpty ? nil : $0 }
    }

    static func hostPort(
        _ path: String, _ env: String, flag: String?, _ keyPath: WritableKeyPath<Configuration, HostPort>
    ) -> Self {
        Self(
            path: path, environmentVariable: env, flag: flag,
            allowed: "expected host:port — an IPv4 address, [IPv6] or hostname, and a port 0…65535 (e.g. 127.0.0.1:8080)",
            isSecret: false
        ) { raw, configuration in
            guard let value = raw.flatMap(HostPort.init) else { return false }
            configuration[keyPath: keyPath] = value
            return true
        }
    }

    private static let urlAllowed =
        "expected an http or https URL with a host and optional port, without path, query or fragment (e.g. https://api.spotify.com)"

    static func originURL(
        _ path: String, _ env: String, flag: String?, _ keyPath: WritableKeyPath<Configuration, OriginURL>
    ) -> Self {
        Self(path: path, environmentVariable: env, flag: flag, allowed: urlAllowed, isSecret: false) { raw, configuration in
            guard let value = raw.flatMap(OriginURL.init) else { return false }
            configuration[keyPath: keyPath] = value
            return true
        }
    }

    static func optionalOriginURL(
        _ path: String, _ env: String, _ keyPath: WritableKeyPath<Configuration, OriginURL?>
    ) -> Self {
        Self(path: path, environmentVariable: env, flag: nil, allowed: urlAllowed + ", or null", isSecret: false) {
            raw, configuration in
            guard let text = nonEmpty(raw) else {
                configuration[keyPath: keyPath] = nil
                return true
            }
            guard let value = OriginURL(text) else { return false }
            configuration[keyPath: keyPath] = value
            return true
        }
    }

    static func duration(
        _ path: String, _ env: String, max: Duration, _ keyPath: WritableKeyPath<Configuration, Duration>
    ) -> Self {
        let allowed = "expected a duration such as 250ms, 2s, 1m (greater than 0, at most \(DurationText.format(max)))"
        return Self(path: path, environmentVariable: env, flag: nil, allowed: allowed, isSecret: false) {
            raw, configuration in
            guard let value = raw.flatMap(DurationText.parse), value > .zero, value <= max else { return false }
            configuration[keyPath: keyPath] = value
            return true
        }
    }

    /// Like `duration`, but null (or empty) means "not set here": use the general value.
    static func optionalDuration(
        _ path: String, _ env: String, max: Duration, _ keyPath: WritableKeyPath<Configuration, Duration?>
    ) -> Self {
        let allowed = "expected a duration such as 250ms, 2s, 1m (greater than 0, at most \(DurationText.format(max))), or null"
        return Self(path: path, environmentVariable: env, flag: nil, allowed: allowed, isSecret: false) {
            raw, configuration in
            guard let text = nonEmpty(raw) else {
                configuration[keyPath: keyPath] = nil
                return true
            }
            guard let value = DurationText.parse(text), value > .zero, value <= max else { return false }
            configuration[keyPath: keyPath] = value
            return true
        }
    }

    /// A share from 0 to 1 written as a decimal (`0.2`, `0.5`, `1`).
    static func ratio(_ path: String, _ env: String, _ keyPath: WritableKeyPath<Configuration, Double>) -> Self {
        let allowed = "expected a decimal from 0 to 1 (e.g. 0.2)"
        return Self(path: path, environmentVariable: env, flag: nil, allowed: allowed, isSecret: false) {
            raw, configuration in
            guard let raw, !raw.isEmpty, raw.count <= 12,
                  raw.allSatisfy({ $0.isASCIIDigit || $0 == "." }), raw.filter({ $0 == "." }).count <= 1,
                  raw.first != ".", raw.last != ".",
                  let value = Double(raw), (0...1).contains(value)
            else { return false }
            configuration[keyPath: keyPath] = value
            return true
        }
    }

    static func integer(
        _ path: String, _ env: String, range: ClosedRange<Int>, _ keyPath: WritableKeyPath<Configuration, Int>
    ) -> Self {
        let allowed = "expected a whole number from \(range.lowerBound) to \(range.upperBound)"
        return Self(path: path, environmentVariable: env, flag: nil, allowed: allowed, isSecret: false) {
            raw, configuration in
            // Plain decimal digits only: no sign, no `16_384`, no `0x4000`, no `16k`.
            guard let raw, !raw.isEmpty, raw.count <= 18, raw.allSatisfy(\.isASCIIDigit),
                  let value = Int(raw), range.contains(value)
            else { return false }
            configuration[keyPath: keyPath] = value
            return true
        }
    }

    static func boolean(_ path: String, _ env: String, _ keyPath: WritableKeyPath<Configuration, Bool>) -> Self {
        Self(path: path, environmentVariable: env, flag: nil, allowed: "expected true or false", isSecret: false) {
            raw, configuration in
            switch raw {
            case "true": configuration[keyPath: keyPath] = true
            case "false": configuration[keyPath: keyPath] = false
            default: return false
            }
            return true
        }
    }

    static func catalogSharing(_ path: String, _ env: String) -> Self {
        let names = CatalogSharing.allCases.map(\.rawValue).joined(separator: ", ")
        return Self(path: path, environmentVariable: env, flag: nil, allowed: "expected one of \(names)", isSecret: false) {
            raw, configuration in
            guard let value = raw.flatMap(CatalogSharing.init(rawValue:)) else { return false }
            configuration.cache.catalogSharing = value
            return true
        }
    }

    static func logLevel(_ path: String, _ env: String, flag: String?) -> Self {
        let names = LogLevel.allCases.map(\.rawValue).joined(separator: ", ")
        return Self(path: path, environmentVariable: env, flag: flag, allowed: "expected one of \(names)", isSecret: false) {
            raw, configuration in
            guard let value = raw.flatMap(LogLevel.init(rawValue:)) else { return false }
            configuration.log.level = value
            return true
        }
    }

    static func cacheStorage(_ path: String, _ env: String, flag: String?) -> Self {
        let allowed = "expected a file path for the SQLite cache, or \(CacheStorage.memoryOnlyKeyword) for memory only"
        return Self(path: path, environmentVariable: env, flag: flag, allowed: allowed, isSecret: false) {
            raw, configuration in
            guard let raw, !raw.isEmpty, !raw.contains("\0") else { return false }
            configuration.cache.storage = raw == CacheStorage.memoryOnlyKeyword ? .memoryOnly : .file(path: raw)
            return true
        }
    }

    static func readableFile(_ path: String, _ env: String, _ keyPath: WritableKeyPath<Configuration, String?>) -> Self {
        let allowed = "expected the path of an existing, readable file, or null"
        return Self(path: path, environmentVariable: env, flag: nil, allowed: allowed, isSecret: false) {
            raw, configuration in
            guard let file = nonEmpty(raw) else {
                configuration[keyPath: keyPath] = nil
                return true
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue,
                  FileManager.default.isReadableFile(atPath: file)
            else { return false }
            configuration[keyPath: keyPath] = file
            return true
        }
    }

    static func routeTTL(_ path: String, _ env: String) -> Self {
        let allowed = "expected route template: duration pairs (YAML mapping, or TEMPLATE=DURATION,… in the "
            + "environment), each template a cacheable GET route from the route table (e.g. /v1/tracks/{id}), "
            + "named once, with a duration from 0s (do not cache) to 30d"
        return Self(path: path, environmentVariable: env, flag: nil, allowed: allowed, isSecret: false, acceptsPairs: true) {
            raw, configuration in
            guard let overrides = RouteTTLOverrides.parse(raw ?? "") else { return false }
            configuration.cache.routeTTL = overrides
            return true
        }
    }

    /// Tokens travel in an `Authorization` header, so only visible ASCII; 16+ characters so a
    /// network-reachable purge endpoint is not guarded by a guessable word.
    static func token(_ path: String, _ env: String, _ keyPath: WritableKeyPath<Configuration, Secret?>) -> Self {
        let allowed = "expected at least 16 visible ASCII characters (no spaces), or null"
        return Self(path: path, environmentVariable: env, flag: nil, allowed: allowed, isSecret: true) {
            raw, configuration in
            guard let token = nonEmpty(raw) else {
                configuration[keyPath: keyPath] = nil
                return true
            }
            guard token.count >= 16, token.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
                return false
            }
            configuration[keyPath: keyPath] = Secret(token)
            return true
        }
    }
}
