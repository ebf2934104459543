/// The command-line flags of `sidetrack serve`, as the user typed them. `nil` = flag not given.
/// Validation happens in `ConfigurationLoader`, so flag errors read like every other error.
public struct ConfigurationOverrides: Sendable, Equatable {
    /// `--config FILE`
    public var configFile: String?
    /// `--listen H:P`
    public var listen: String?
    /// `--admin-listen H:P`
    public var adminListen: String?
    /// `--upstream URL` (Web API)
    public var upstream: String?
    /// `--accounts-upstream URL`
    public var accountsUpstream: String?
    /// `--cache-path PATH|none`
    public var cachePath: String?
    /// `--log-level LEVEL`
    public var logLevel: String?

    public init(
        configFile: String? = nil,
        listen: String? = nil,
        adminListen: String? = nil,
        upstream: String? = nil,
        accountsUpstream: String? = nil,
        cachePath: String? = nil,
        logLevel: String? = nil
    ) {
        self.configFile = configFile
        self.listen = listen
        self.adminListen = adminListen
        self.upstream = upstream
        self.accountsUpstream = accountsUpstream
        self.cachePath = cachePath
        self.logLevel = logLevel
    }

    /// Flag spellings, for error messages and `--help` text.
    public enum Flags {
        public static let configFile = "--config"
        public static let listen = "--listen"
        public static let adminListen = "--admin-listen"
        public static let upstream = "--upstream"
        public static let accountsUpstream = "--accounts-upstream"
        public static let cachePath = "--cache-path"
        public static let logLevel = "--log-level"
    }

    /// The given flags as (flag, value) pairs, in the order they are documented.
    var given: [(flag: String, value: String)] {
        let all: [(String, String?)] = [
            (Flags.listen, listen), (Flags.adminListen, adminListen), (Flags.upstream, upstream),
            (Flags.accountsUpstream, accountsUpstream), (Flags.cachePath, cachePath), (Flags.logLevel, logLevel),
        ]
        return all.compactMap { flag, value in value.map { (flag, $0) } }
    }
}
