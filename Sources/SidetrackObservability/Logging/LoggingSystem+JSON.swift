import Logging

extension LoggingSystem {
    /// Makes every `Logger` in the process write JSON lines through `sink`.
    ///
    /// Call once, early in `main` (swift-log allows one bootstrap per process).
    /// - Parameters:
    ///   - sink: the shared sink (usually `LogSink()` on standard output).
    ///   - level: minimum level written.
    ///   - metadataProvider: contextual metadata (request and trace ids) added to every line.
    public static func bootstrapJSON(
        sink: LogSink,
        level: Logger.Level = .info,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        LoggingSystem.bootstrap(
            { _, provider in JSONLogHandler(sink: sink, level: level, metadataProvider: provider) },
            metadataProvider: metadataProvider
        )
    }
}
