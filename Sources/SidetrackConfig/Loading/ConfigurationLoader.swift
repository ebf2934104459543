import Foundation

/// Builds the effective configuration from four layers — defaults < YAML file < `SIDETRACK_*`
/// environment < flags — and validates every value each layer supplies. Values are checked even
/// when a higher layer overrides them: a broken file is broken whatever the environment says.
public enum ConfigurationLoader {
    /// Loads the file named by `--config` or `SIDETRACK_CONFIG` (none: defaults only), then
    /// applies the environment and the flags.
    /// - Throws: every problem found, in file, environment, flag order.
    public static func load(
        overrides: ConfigurationOverrides, environment: [String: String]
    ) throws(ConfigurationError) -> SidetrackConfiguration {
        let choice: (key: String, path: String, source: ConfigurationSource)?
        if let path = overrides.configFile {
            choice = (ConfigurationOverrides.Flags.configFile, path, .flag)
        } else if let path = environment[EnvironmentVariables.configFile], !path.isEmpty {
            choice = (EnvironmentVariables.configFile, path, .environment)
        } else {
            choice = nil
        }
        guard let choice else {
            return try assemble(file: nil, environment: environment, overrides: overrides)
        }
        switch ConfigurationFile.read(path: choice.path) {
        case .success(let text):
            let layer = YAMLLayer(yaml: text, path: choice.path, fileKey: choice.key, fileSource: choice.source)
            return try assemble(file: layer, environment: environment, overrides: overrides)
        case .failure(let problem):
            let issue = ConfigurationIssue(
                key: choice.key, value: choice.path, allowed: "expected a readable YAML file; \(problem.reason)",
                source: choice.source
            )
            // Keep going: the environment and flags may have problems of their own to report.
            return try assemble(file: nil, environment: environment, overrides: overrides, initialIssues: [issue])
        }
    }

    /// Loads `yaml` as the file layer (named `<inline>` in issues); `SIDETRACK_CONFIG` and
    /// `overrides.configFile` are ignored. For tests and `check-config` on text.
    public static func load(
        yaml: String, environment: [String: String] = [:], overrides: ConfigurationOverrides = .init()
    ) throws(ConfigurationError) -> SidetrackConfiguration {
        let layer = YAMLLayer(yaml: yaml, path: "<inline>", fileKey: "config", fileSource: .file(path: "<inline>", line: nil))
        return try assemble(file: layer, environment: environment, overrides: overrides)
    }

    // MARK: - Layering

    private static func assemble(
        file: YAMLLayer?, environment: [String: String], overrides: ConfigurationOverrides,
        initialIssues: [ConfigurationIssue] = []
    ) throws(ConfigurationError) -> SidetrackConfiguration {
        var issues = initialIssues + (file?.issues ?? [])
        let fromEnvironment = environmentSettings(environment, issues: &issues)
        let settings = (file?.settings ?? []) + fromEnvironment + flagSettings(overrides)

        var configuration = SidetrackConfiguration()
        var lastWriter: [String: RawSetting] = [:]
        for setting in settings {
            let raw: String?
            switch setting.value {
            case .text(let text): raw = text
            case .null: raw = nil
            case .nonScalar(let kind):
                issues.append(issue(for: setting, value: "<\(kind)>", suffix: ", got \(kind)"))
                continue
            }
            if setting.key.apply(raw, &configuration) {
                lastWriter[setting.key.path] = setting
            } else {
                issues.append(issue(for: setting, value: setting.key.displayValue(raw)))
            }
        }
        issues += crossChecks(configuration, lastWriter: lastWriter)
        guard issues.isEmpty else { throw ConfigurationError(issues: issues) }
        return configuration
    }

    private static func issue(for setting: RawSetting, value: String, suffix: String = "") -> ConfigurationIssue {
        ConfigurationIssue(key: setting.name, value: value, allowed: setting.key.allowed + suffix, source: setting.source)
    }

    /// `SIDETRACK_*` variables, sorted by name so issues come out in a stable order.
    private static func environmentSettings(
        _ environment: [String: String], issues: inout [ConfigurationIssue]
    ) -> [RawSetting] {
        let keys = ConfigurationKey.all
        let byVariable = Dictionary(uniqueKeysWithValues: keys.map { ($0.environmentVariable, $0) })
        let known = [EnvironmentVariables.configFile] + keys.map(\.environmentVariable)
        var settings: [RawSetting] = []
        for (name, value) in environment.sorted(by: { $0.key < $1.key })
        where name.hasPrefix(EnvironmentVariables.prefix) && name != EnvironmentVariables.configFile {
            if let key = byVariable[name] {
                settings.append(RawSetting(key: key, name: name, value: .text(value), source: .environment))
            } else {
                let hint = Suggestion.closest(to: name, in: known).map { " (did you mean \($0)?)" } ?? ""
                issues.append(ConfigurationIssue(
                    key: name, value: Secret.placeholder,
                    allowed: "unknown variable\(hint); known: \(known.joined(separator: ", "))", source: .environment
                ))
            }
        }
        return settings
    }

    private static func flagSettings(_ overrides: ConfigurationOverrides) -> [RawSetting] {
        let byFlag = Dictionary(uniqueKeysWithValues: ConfigurationKey.all.compactMap { key in key.flag.map { ($0, key) } })
        return overrides.given.compactMap { flag, value in
            byFlag[flag].map { RawSetting(key: $0, name: flag, value: .text(value), source: .flag) }
        }
    }

    /// Rules between keys. The two listeners must not claim the same socket, or start-up would
    /// fail later with a bind error that names neither key.
    private static func crossChecks(
        _ configuration: SidetrackConfiguration, lastWriter: [String: RawSetting]
    ) -> [ConfigurationIssue] {
        var issues: [ConfigurationIssue] = []
        let proxy = configuration.listen, admin = configuration.admin.listen
        let wildcards: Set<String> = ["0.0.0.0", "::"]
        let overlaps = proxy.host == admin.host || wildcards.contains(proxy.host) || wildcards.contains(admin.host)
        if proxy.port != 0, proxy.port == admin.port, overlaps {
            let writer = lastWriter["admin.listen"] ?? lastWriter["listen"]
            issues.append(ConfigurationIssue(
                key: writer?.name ?? "admin.listen", value: admin.description,
                allowed: "expected an address different from the proxy listener (listen = \(proxy))",
                source: writer?.source ?? .flag
            ))
        }
        // A lower bound above its upper bound would be silently clamped; say so instead.
        let pairs: [(low: String, high: String, Duration, Duration)] = [
            ("breaker.open_for", "breaker.open_for_max", configuration.breaker.openFor, configuration.breaker.openForMax),
            ("retry.base_delay", "retry.max_delay", configuration.retry.baseDelay, configuration.retry.maxDelay),
        ]
        for (low, high, lowValue, highValue) in pairs where lowValue > highValue {
            let writer = lastWriter[low] ?? lastWriter[high]
            issues.append(ConfigurationIssue(
                key: writer?.name ?? low, value: DurationText.format(lowValue),
                allowed: "expected \(low) at most \(high) (\(DurationText.format(highValue)))",
                source: writer?.source ?? .flag
            ))
        }
        return issues
    }
}
