/// A number's decimal digits, made without a `String`: the access line's numbers and timestamp and
/// the response head's `Content-Length` and `Age` are written this way on every request.
public enum DecimalDigits {
    /// Calls `body` with the ASCII digits of `value`, zero-padded to at least `minimumDigits`
    /// (at most 20, which holds any `UInt64`). Inlinable so that each caller's copy stays a loop
    /// over a stack buffer.
    @inlinable
    public static func withDigits<Result>(
        of value: UInt64, minimumDigits: Int = 1, _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            // Right to left.
            let width = min(minimumDigits, 20)
            var remaining = value
            var position = 20
            repeat {
                position -= 1
                digits[position] = UInt8(ascii: "0") + UInt8(remaining % 10)
                remaining /= 10
            } while remaining > 0 || 20 - position < width
            return body(UnsafeBufferPointer(rebasing: digits[position..<20]))
        }
    }
}
