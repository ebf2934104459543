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
    /// A gzip body's rewritten plain text, between inflating and deflating.
    private var scratch: [UInt8] = []
    private static let window = 64 * 1024

    /// nil when the response should stream through unchanged. `rewriter`: a fresh one for this
    /// body (`LinkRewriter(linkPrefix:publicBase:)`, or a copy of one kept per connection).
    init?(contentType: String?, contentEncoding: String?, rewriter: LinkRewriter) throws {
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
        self.rewriter = rewriter
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

    /// Transforms one upstream chunk, handing each resulting buffer to `emit` (none when the chunk's
    /// data is held back for the next one).
    func transform(_ input: ByteBuffer, allocator: ByteBufferAllocator, emit: (ByteBuffer) -> Void) throws {
        guard let decompressor, let compressor else {
            // Rewritten straight into the buffer that goes out: the text is about as long as the
            // input (links pointed at the gateway are usually shorter than Spotify's).
            var out = allocator.buffer(capacity: input.readableBytes + Self.slack)
            input.withUnsafeReadableBytes { rewriter.process($0) { out.writeBytes($0) } }
            if out.readableBytes > 0 { emit(out) }
            return
        }
        scratch.removeAll(keepingCapacity: true)
        var compressed = input
        try compressed.decompressStream(with: decompressor) { plain in
            plain.withUnsafeReadableBytes { rewriter.process($0, into: &scratch) }
        }
        try compress(final: false, with: compressor, allocator: allocator, emit: emit)
    }

    /// Releases everything still held back, ending the gzip stream if there is one.
    func finish(allocator: ByteBufferAllocator, emit: (ByteBuffer) -> Void) throws {
        guard let compressor else {
            rewriter.finish { emit(allocator.buffer(bytes: $0)) }
            return
        }
        scratch.removeAll(keepingCapacity: true)
        rewriter.finish(into: &scratch)
        try compress(final: true, with: compressor, allocator: allocator, emit: emit)
    }

    /// Room for links made longer by the rewrite before the output buffer has to grow.
    private static let slack = 512

    private func compress(
        final: Bool, with compressor: any NIOCompressor, allocator: ByteBufferAllocator, emit: (ByteBuffer) -> Void
    ) throws {
        var plain = allocator.buffer(bytes: scratch)
        try plain.compressStream(with: compressor, flush: final ? .finish : .no) { chunk in
            emit(chunk)
        }
    }
}

extension LinkRewriter {
    /// Spotify's absolute links (`linkPrefix`, the configured upstream's `…/v1/`) pointed at the
    /// gateway's own base as the client reached it.
    init(linkPrefix: String, publicBase: String) {
        self.init(from: linkPrefix, to: publicBase + "/v1/")
    }
}
