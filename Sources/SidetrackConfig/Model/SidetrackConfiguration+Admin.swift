extension SidetrackConfiguration {
    /// The admin listener: probes, `/metrics`, cache stats and purge, effective configuration.
    public struct Admin: Sendable, Equatable {
        /// Default `127.0.0.1:9901` (Envoy's familiar admin port), loopback so purge and config
        /// are not reachable from the network unless someone chooses so.
        public var listen: HostPort
        /// Bearer token required by mutating admin calls when `listen` is not loopback.
        /// At least 16 visible ASCII characters. Default `nil`: no token.
        /// - warning: a secret; it prints as `<redacted>` everywhere.
        public var token: Secret?

        public init(listen: HostPort = Defaults.listen, token: Secret? = nil) {
            self.listen = listen
            self.token = token
        }

        public enum Defaults {
            public static let listen = HostPort(host: "127.0.0.1", port: 9901)
        }
    }
}
