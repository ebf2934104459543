/// The lowest severity written to the log. Mirrors swift-log's `Logger.Level` names, which this
/// module does not import (it depends on SidetrackCore and Yams only).
public enum LogLevel: String, Sendable, Equatable, Hashable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}
