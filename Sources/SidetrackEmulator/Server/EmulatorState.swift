/// Everything the emulator remembers between requests; shared by all connections.
final class EmulatorState: Sendable {
    let faults = FaultInjector()
    let stats = StatsRecorder()
    let bodies = BodyCache()
    let playlists = PlaylistStore()
}
