/// Which layer a configuration value came from.
public enum ConfigurationSource: Sendable, Equatable, CustomStringConvertible {
    /// The YAML file (`"<inline>"` for `ConfigurationLoader.load(yaml:)`), with the 1-based line
    /// of the value when known.
    case file(path: String, line: Int?)
    /// A `SIDETRACK_*` environment variable.
    case environment
    /// A command-line flag.
    case flag

    public var description: String {
        switch self {
        case .file(let path, let line?): "\(path):\(line)"
        case .file(let path, nil): path
        case .environment: "environment"
        case .flag: "command line"
        }
    }
}
