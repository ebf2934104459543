/// A configuration value that must never be printed: its `description` is always `<redacted>`,
/// so interpolating it into a log line or an error message cannot leak it.
public struct Secret: Sendable, Equatable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The placeholder shown wherever a secret would otherwise appear.
    public static let placeholder = "<redacted>"

    /// The secret itself. Read it only where it is compared or sent, never to display it.
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { Self.placeholder }
    public var debugDescription: String { Self.placeholder }
}
