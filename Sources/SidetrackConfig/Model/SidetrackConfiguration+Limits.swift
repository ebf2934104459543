extension SidetrackConfiguration {
    /// Size limits on what clients send; larger requests get `431` / `413`.
    public struct Limits: Sendable, Equatable {
        /// Total bytes of a request's head (request line + headers), 1024…1048576.
        /// Default 16384 (16 KiB): a Spotify request with a long bearer token is ~2 KiB.
        public var maxHeaderBytes: Int
        /// Request body bytes, 0…1073741824. Default 10485760 (10 MiB): the largest Spotify
        /// upload (a playlist cover image) is 256 KiB, base64.
        public var maxBodyBytes: Int

        public init(maxHeaderBytes: Int = Defaults.maxHeaderBytes, maxBodyBytes: Int = Defaults.maxBodyBytes) {
            self.maxHeaderBytes = maxHeaderBytes
            self.maxBodyBytes = maxBodyBytes
        }

        public enum Defaults {
            public static let maxHeaderBytes = 16_384
            public static let maxBodyBytes = 10_485_760
            public static let headerBytesRange = 1_024...1_048_576
            public static let bodyBytesRange = 0...1_073_741_824
        }
    }
}
