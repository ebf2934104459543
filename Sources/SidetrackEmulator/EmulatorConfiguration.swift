/// Where the emulator listens.
public struct EmulatorConfiguration: Sendable {
    /// Interface to bind; loopback by default (the emulator is for tests and demos).
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one (read it back from `SpotifyEmulator.start()`).
    public var port: Int = 0

    public init(host: String = "127.0.0.1", port: Int = 0) {
        self.host = host
        self.port = port
    }
}
