#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Rewrites absolute Spotify links (`https://api.spotify.com/v1/…`) in a body streamed in chunks.
///
/// Client libraries follow `next`/`previous`/`href` verbatim, so without this page 2 would bypass the
/// gateway. The rewriter is a streaming byte search: a chunk boundary may cut a link in two, so up
/// to `pattern.count - 1` trailing bytes that could still start a match are held back until the next
/// chunk (or `finish`). It never buffers more than that, so large bodies stream in constant memory.
public struct LinkRewriter: Sendable {
    public let pattern: [UInt8]
    public let replacement: [UInt8]
    private var carry: [UInt8] = []
    /// How many links were rewritten so far.
    public private(set) var replacements = 0

    /// - Parameters:
    ///   - from: the absolute prefix to replace, e.g. `https://api.spotify.com/v1/`.
    ///   - to: what to put instead, e.g. `http://127.0.0.1:8080/v1/`.
    public init(from: String, to: String) {
        precondition(!from.isEmpty, "pattern must not be empty")
        self.pattern = Array(from.utf8)
        self.replacement = Array(to.utf8)
    }

    /// Rewrites one chunk, appending what can be released now to `out`.
    public mutating func process(_ chunk: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        process(chunk) { out.append(contentsOf: $0) }
    }

    public mutating func process(_ chunk: [UInt8], into out: inout [UInt8]) {
        chunk.withUnsafeBytes { process($0, into: &out) }
    }

    /// Rewrites one chunk, handing what can be released now to `emit` piece by piece, in order
    /// (the text between links, each replacement): the caller copies the pieces straight to where
    /// they go, with no array in between.
    public mutating func process(_ chunk: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) {
        if carry.isEmpty {
            scan(chunk, emit: emit)
        } else {
            let joined = carry + chunk
            carry.removeAll(keepingCapacity: true)
            joined.withUnsafeBytes { scan($0, emit: emit) }
        }
    }

    /// Releases whatever was held back; call once after the last chunk.
    public mutating func finish(into out: inout [UInt8]) {
        finish { out.append(contentsOf: $0) }
    }

    /// Releases whatever was held back to `emit`; call once after the last chunk.
    public mutating func finish(emit: (UnsafeRawBufferPointer) -> Void) {
        if !carry.isEmpty { carry.withUnsafeBytes { emit($0) } }
        carry.removeAll()
    }

    private mutating func scan(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) {
        guard let base = bytes.baseAddress else { return }
        let first = Int32(pattern[0])
        let count = bytes.count
        var emitted = 0
        var i = 0
        while i < count {
            // The next candidate by `memchr` (vectorised): a byte-by-byte loop was 2 % of a
            // pass-through request's CPU, every JSON answer being scanned whole.
            guard let candidate = memchr(base + i, first, count - i) else { break }
            i = base.distance(to: UnsafeRawPointer(candidate))
            let available = count - i
            if available >= pattern.count {
                if matches(bytes, at: i, length: pattern.count) {
                    if i > emitted { emit(UnsafeRawBufferPointer(rebasing: bytes[emitted..<i])) }
                    replacement.withUnsafeBytes { emit($0) }
                    replacements += 1
                    i += pattern.count
                    emitted = i
                } else {
                    i += 1
                }
            } else if matches(bytes, at: i, length: available) {
                // A possible link cut by the chunk boundary: hold it back.
                if i > emitted { emit(UnsafeRawBufferPointer(rebasing: bytes[emitted..<i])) }
                carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<count]))
                return
            } else {
                i += 1
            }
        }
        if count > emitted { emit(UnsafeRawBufferPointer(rebasing: bytes[emitted..<count])) }
    }

    private func matches(_ bytes: UnsafeRawBufferPointer, at start: Int, length: Int) -> Bool {
        pattern.withUnsafeBytes { pattern in memcmp(bytes.baseAddress! + start, pattern.baseAddress!, length) == 0 }
    }
}
