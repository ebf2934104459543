import CompressNIO
import NIOCore
import SidetrackCore

/// Stage 8's body work: rewrite Spotify's absolute links so pagination stays on the gateway.
///
/// A gzip body is inflated, rewritten and deflated again chunk by chunk, so memory stays bounded
/// by the zlib windows whatever the body size. Bodies in encodings Sidetrack cannot decode (it only
/// ever asks upstream for gzip or identity) pass through untouched.
final class ResponseBodyTransformer {
    private var rewriter: LinkRewriter
    private let decompressor: (any NIODecompressor)?
    private let compressor: (any NIOCompressor)?
    private var scratch: [UInt8] = []
    private static let window = 64 * 1024

    /// nil when the response should stream through unchanged.
    init?(contentType: String?, contentEncoding: String?, linkPrefix: String, publicBase: String) throws {
        guard let contentType, Self.mentionsJSON(contentType) else { return nil }
        let encoding = contentEncoding?.lowercased() ?? "identity"
        switch encoding {
        case "identity", "":
            self.decompressor = nil
            self.compressor = nil
        case "gzip", "x-gzip":
            let decompressor = CompressionAlgorithm.gzip().decompressor
            decompressor.window = ByteBufferAllocator().buffer(capacity: Self.window)
            try decompressor.startStream()
            let compressor = CompressionAlgorithm.gzip().compressor
            compressor.window = ByteBufferAllocator().buffer(capacity: Self.window)
            try compressor.startStream()
            self.decompressor = decompressor
            self.compressor = compressor
        default:
            return nil
        }
        self.rewriter = LinkRewriter(from: linkPrefix, to: publicBase + "/v1/")
        scratch.reserveCapacity(Self.window)
    }

    /// `application/json`, `application/problem+json`, any case. Byte by byte: Foundation's
    /// `String.contains` bridges to `NSString` (~1.5 % of a pass-through request).
    static func mentionsJSON(_ contentType: String) -> Bool {
        let pattern: (UInt8, UInt8, UInt8, UInt8) = (UInt8(ascii: "j"), UInt8(ascii: "s"), UInt8(ascii: "o"), UInt8(ascii: "n"))
        var matched = 0
        for byte in contentType.utf8 {
            // Only letters are compared, so OR-ing in the case bit cannot make a false match.
            let folded = byte | 0x20
            let expected = matched == 0 ? pattern.0 : matched == 1 ? pattern.1 : matched == 2 ? pattern.2 : pattern.3
            if folded == expected {
                matched += 1
                if matched == 4 { return true }
            } else {
                // "json" repeats no prefix of itself: a mismatch restarts, at 1 if it is a `j`.
                matched = folded == pattern.0 ? 1 : 0
            }
        }
        return false
    }

    deinit {
        try? decompressor?.finishStream()
        try? compressor?.finishStream()
    }

    var linksRewritten: Int { rewriter.replacements }

    /// Transforms one upstream chunk; the result may be empty (data held back for the next chunk).
    func transform(_ input: ByteBuffer, allocator: ByteBufferAllocator) throws -> [ByteBuffer] {
        scratch.removeAll(keepingCapacity: true)
        if let decompressor {
            var compressed = input
            try compressed.decompressStream(with: decompressor) { plain in
                plain.withUnsafeReadableBytes { rewriter.process($0, into: &scratch) }
            }
        } else {
            input.withUnsafeReadableBytes { rewriter.process($0, into: &scratch) }
        }
        return try encode(final: false, allocator: allocator)
    }

    /// Releases everything still held back, ending the gzip stream if there is one.
    func finish(allocator: ByteBufferAllocator) throws -> [ByteBuffer] {
        scratch.removeAll(keepingCapacity: true)
        rewriter.finish(into: &scratch)
        return try encode(final: true, allocator: allocator)
    }

    private func encode(final: Bool, allocator: ByteBufferAllocator) throws -> [ByteBuffer] {
        guard let compressor else {
            return scratch.isEmpty ? [] : [allocator.buffer(bytes: scratch)]
        }
        var plain = allocator.buffer(bytes: scratch)
        var out: [ByteBuffer] = []
        try plain.compressStream(with: compressor, flush: final ? .finish : .no) { chunk in
            out.append(chunk)
        }
        return out
    }
}
