import ArgumentParser

/// `sidetrack serve | check-config | emulator | version` (DESIGN §5).
@main
struct SidetrackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sidetrack",
        abstract: "An observability-first gateway sidecar for the Spotify Web API.",
        subcommands: [ServeCommand.self, CheckConfigCommand.self, EmulatorCommand.self, VersionCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
