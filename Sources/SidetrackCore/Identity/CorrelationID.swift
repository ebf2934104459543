/// One request's correlation id: the caller's (checked by `RequestID.isWellFormed`) or a
/// generated 128-bit one.
///
/// A generated id is kept as two integers and spelled as 32 lowercase hex digits only where it is
/// written (the response head, the access line): as a `String` it was a heap allocation per
/// request, retained and released with every copy of the request's context.
public struct CorrelationID: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringLiteral {
    @usableFromInline
    enum Storage: Sendable, Equatable {
        case offered(String)
        case generated(UInt64, UInt64)
    }

    @usableFromInline let storage: Storage

    /// An id the caller sent (already checked to be well-formed).
    public init(offered: String) {
        storage = .offered(offered)
    }

    /// A generated id; `high` and `low` are its 128 bits, spelled high first.
    public init(high: UInt64, low: UInt64) {
        storage = .generated(high, low)
    }

    public init(stringLiteral value: String) {
        self.init(offered: value)
    }

    /// The id as text (allocates for a generated one: for headers sent upstream and tests).
    public var description: String {
        switch storage {
        case .offered(let text): text
        case .generated(let high, let low): Hex.string(high, low)
        }
    }

    /// Whether it was generated here: then it is 32 hex digits, safe anywhere without escaping.
    public var isGenerated: Bool {
        if case .generated = storage { return true }
        return false
    }

    /// The id's length in bytes.
    public var utf8Count: Int {
        switch storage {
        case .offered(let text): text.utf8.count
        case .generated: 32
        }
    }

    /// Calls `body` with the id's UTF-8 bytes (a generated id's digits written on the stack).
    @inlinable
    public func withUTF8<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        switch storage {
        case .offered(var text):
            return text.withUTF8(body)
        case .generated(let high, let low):
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digits in
                Hex.write(high, low, into: digits)
                return body(UnsafeBufferPointer(digits))
            }
        }
    }
}
