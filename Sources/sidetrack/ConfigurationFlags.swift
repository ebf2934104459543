import ArgumentParser
import Foundation
import SidetrackConfig

/// The configuration flags shared by `serve` and `check-config` (flags win over environment and file).
struct ConfigurationFlags: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file.") var config: String?
    @Option(name: .long, help: "Proxy listener, host:port (default 127.0.0.1:8080).") var listen: String?
    @Option(name: .customLong("admin-listen"), help: "Admin listener, host:port (default 127.0.0.1:9901).") var adminListen: String?
    @Option(name: .long, help: "Spotify Web API origin (default https://api.spotify.com).") var upstream: String?
    @Option(name: .customLong("accounts-upstream"), help: "Spotify accounts origin (default https://accounts.spotify.com).")
    var accountsUpstream: String?
    @Option(name: .customLong("cache-path"), help: "SQLite cache file, or 'none' for memory only.") var cachePath: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.") var logLevel: String?

    var overrides: ConfigurationOverrides {
        ConfigurationOverrides(
            configFile: config, listen: listen, adminListen: adminListen, upstream: upstream,
            accountsUpstream: accountsUpstream, cachePath: cachePath, logLevel: logLevel)
    }
}

/// Loads and validates the configuration; on any invalid value prints every issue (key, value,
/// what is allowed) to stderr and exits 1 — no stack trace, no silent default.
func loadConfigurationOrExit(_ overrides: ConfigurationOverrides) throws -> SidetrackConfiguration {
    do {
        var configuration = try ConfigurationLoader.load(overrides: overrides, environment: ProcessInfo.processInfo.environment)
        configuration.build = BuildInfo(version: SidetrackBuild.version, commit: SidetrackBuild.commit)
        return configuration
    } catch {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode.failure
    }
}
