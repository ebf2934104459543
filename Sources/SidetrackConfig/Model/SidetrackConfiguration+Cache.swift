extension SidetrackConfiguration {
    /// The persistent cache tier.
    public struct Cache: Sendable, Equatable {
        /// SQLite file, or `.memoryOnly` (written `none`). Default `./.sidetrack/cache.sqlite`:
        /// next to the working directory, so a restarted pod with a volume starts warm.
        public var storage: CacheStorage

        public init(storage: CacheStorage = Defaults.storage) {
            self.storage = storage
        }

        public enum Defaults {
            public static let storage = CacheStorage.file(path: "./.sidetrack/cache.sqlite")
        }
    }
}
