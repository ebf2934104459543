import ArgumentParser
import Logging
import ServiceLifecycle
import SidetrackEmulator
import SidetrackObservability

struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator", abstract: "Run the built-in fake Spotify (Web API + accounts) for demos and tests.")

    @Option(name: .long, help: "host:port to listen on (port 0 = any free port).") var listen = "127.0.0.1:8090"

    func run() async throws {
        guard let (host, port) = parseHostPort(listen) else {
            throw ValidationError("--listen = \"\(listen)\": expected host:port with a port from 0 to 65535")
        }
        let sink = LogSink()
        LoggingSystem.bootstrapJSON(sink: sink, level: .info)
        let logger = Logger(label: "sidetrack.emulator")
        let emulator = SpotifyEmulator(configuration: .init(host: host, port: port), logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: EmulatorService(emulator: emulator, logger: logger))],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        sink.flush()
    }
}

/// `127.0.0.1:8090`, `[::1]:0`, `localhost:80`.
func parseHostPort(_ text: String) -> (String, Int)? {
    guard let colon = text.lastIndex(of: ":") else { return nil }
    var host = String(text[..<colon])
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
    return (host, port)
}
