import NIOConcurrencyHelpers

/// A wall clock (Unix ms) the test moves by hand, so cache lifetimes pass without sleeping.
final class ManualClock: Sendable {
    private let value = NIOLockedValueBox<Int64>(1_800_000_000_000)

    var now: @Sendable () -> Int64 { { [value] in value.withLockedValue { $0 } } }

    func advance(seconds: Double) {
        value.withLockedValue { $0 += Int64(seconds * 1000) }
    }
}
