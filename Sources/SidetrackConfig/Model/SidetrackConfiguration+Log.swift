extension SidetrackConfiguration {
    /// JSON logging on stdout.
    public struct Log: Sendable, Equatable {
        /// Default `.info`: lifecycle events and problems, not per-connection chatter.
        public var level: LogLevel
        /// One access line per request. Default `true`: the access log is half of Sidetrack's
        /// point; turn it off only when another layer already logs every request.
        public var access: Bool

        public init(level: LogLevel = .info, access: Bool = true) {
            self.level = level
            self.access = access
        }
    }
}
