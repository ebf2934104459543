extension SidetrackConfiguration {
    /// Limits on what clients send (larger requests get `431` / `413`) and on how much load the
    /// gateway takes on (admission control: past them requests get `503 overloaded`).
    public struct Limits: Sendable, Equatable {
        /// Total bytes of a request's head (request line + headers), 1024…1048576.
        /// Default 16384 (16 KiB): a Spotify request with a long bearer token is ~2 KiB.
        public var maxHeaderBytes: Int
        /// Request body bytes, 0…1073741824. Default 10485760 (10 MiB): the largest Spotify
        /// upload (a playlist cover image) is 256 KiB, base64.
        public var maxBodyBytes: Int
        /// Client connections served at once, 1…1000000. Default 10000.
        public var maxConnections: Int
        /// Whether upstream-bound requests are shed while the event loops run late. Default on.
        public var loadShedding: Bool
        /// How late an event loop may run before shedding starts. Default 100 ms (a CFS quota period: a CPU-limited container runs that late without any queue).
        public var shedLag: Duration
        /// How long the lag must last before shedding starts (and the ramp of the shed share). Default 500 ms.
        public var shedInterval: Duration

        public init(
            maxHeaderBytes: Int = Defaults.maxHeaderBytes,
            maxBodyBytes: Int = Defaults.maxBodyBytes,
            maxConnections: Int = Defaults.maxConnections,
            loadShedding: Bool = true,
            shedLag: Duration = Defaults.shedLag,
            shedInterval: Duration = Defaults.shedInterval
        ) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxBodyBytes = maxBodyBytes
            self.maxConnections = maxConnections
            self.loadShedding = loadShedding
            self.shedLag = shedLag
            self.shedInterval = shedInterval
        }

        public enum Defaults {
            public static let maxHeaderBytes = 16_384
            public static let maxBodyBytes = 10_485_760
            public static let maxConnections = 10_000
            public static let shedLag: Duration = .milliseconds(100)
            public static let shedInterval: Duration = .milliseconds(500)
            public static let headerBytesRange = 1_024...1_048_576
            public static let bodyBytesRange = 0...1_073_741_824
            public static let connectionsRange = 1...1_000_000
        }
    }
}
