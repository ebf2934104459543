import ArgumentParser
import SidetrackConfig

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file; print the effective configuration (secrets redacted) or every error (exit 1).")

    @Argument(help: "The YAML configuration file.") var file: String

    func run() throws {
        let configuration = try loadConfigurationOrExit(ConfigurationOverrides(configFile: file))
        print(configuration.redactedYAML(), terminator: "")
    }
}
