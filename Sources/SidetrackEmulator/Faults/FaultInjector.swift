import NIOConcurrencyHelpers

/// The emulator's current fault, switchable at run time from tests (or over HTTP with
/// `POST/DELETE /_emulator/faults`). Thread-safe.
public final class FaultInjector: Sendable {
    private let current = NIOLockedValueBox<Fault?>(nil)

    public init() {}

    /// The active fault, nil when the emulator behaves.
    public var fault: Fault? {
        get { current.withLockedValue { $0 } }
        set { current.withLockedValue { $0 = newValue } }
    }

    /// Activates `fault`, replacing any other.
    public func set(_ fault: Fault) {
        self.fault = fault
    }

    /// Removes the active fault.
    public func clear() {
        fault = nil
    }

    /// The fault that applies to a request for `path`, counting it against `remaining`
    /// (the fault clears itself once its count is used up).
    func consume(path: String) -> Fault? {
        current.withLockedValue { current in
            guard var fault = current, fault.matches(path: path) else { return nil }
            if let remaining = fault.remaining {
                guard remaining > 0 else {
                    current = nil
                    return nil
                }
                fault.remaining = remaining - 1
                current = remaining - 1 > 0 ? fault : nil
            }
            return fault
        }
    }
}
