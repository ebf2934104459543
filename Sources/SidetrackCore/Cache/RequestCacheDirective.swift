/// What the client's `Cache-Control` asks of the cache.
public enum RequestCacheDirective: Sendable, Equatable {
    /// Use the cache normally.
    case normal
    /// `no-cache` (or `max-age=0`): do not answer from cache without revalidating upstream.
    case revalidate
    /// `no-store`: bypass the cache entirely, neither read nor write.
    case bypass

    /// Parses a `Cache-Control` header value (comma-separated, case-insensitive directives).
    ///
    /// Byte by byte, without splitting or lowercasing into new strings: every request of a client
    /// that sends `no-store` (pass-through traffic) runs this.
    public init(cacheControl: some StringProtocol) {
        self = .normal
        merge(cacheControl)
    }

    /// Parses every value of a repeated `Cache-Control` header as one list. Concrete (`[String]`,
    /// what `HTTPHeaders` returns): a generic form ran unspecialized across the module boundary.
    public init(cacheControlValues values: [String]) {
        self = .normal
        for value in values {
            merge(value)
            if self == .bypass { return }
        }
    }

    /// Adds one more value of the request's `Cache-Control` header (a repeated header is one
    /// list): for a caller walking the header fields itself, with no array of values per request.
    public mutating func merge(cacheControlValue value: String) {
        guard self != .bypass else { return }
        merge(value)
    }

    private mutating func merge(_ value: some StringProtocol) {
        let handled: Void? = value.utf8.withContiguousStorageIfAvailable { merge($0) }
        if handled == nil { Array(value.utf8).withUnsafeBufferPointer { merge($0) } }
    }

    private mutating func merge(_ bytes: UnsafeBufferPointer<UInt8>) {
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: ",") { end += 1 }
            var first = start
            var last = end
            while first < last && (bytes[first] == UInt8(ascii: " ") || bytes[first] == UInt8(ascii: "\t")) { first += 1 }
            while last > first && (bytes[last - 1] == UInt8(ascii: " ") || bytes[last - 1] == UInt8(ascii: "\t")) { last -= 1 }
            let token = UnsafeBufferPointer(rebasing: bytes[first..<last])
            if Self.equalsIgnoringCase(token, "no-store") {
                self = .bypass
                return
            }
            if Self.equalsIgnoringCase(token, "no-cache") || Self.equalsIgnoringCase(token, "max-age=0") {
                self = .revalidate
            }
            start = end + 1
        }
    }

    /// ASCII case-insensitive comparison with a lowercase literal.
    private static func equalsIgnoringCase(_ token: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard token.count == literal.utf8CodeUnitCount else { return false }
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for index in 0..<token.count {
            let byte = token[index]
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            if folded != expected[index] { return false }
        }
        return true
    }
}
