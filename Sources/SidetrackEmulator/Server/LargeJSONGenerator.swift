import NIOCore

/// Produces the large test document of exactly `byteCount` bytes (at least 2), in chunks of
/// `chunkSize`, without ever holding the whole document:
/// `{"items":[{"href":"https://api.spotify.com/v1/tracks/ID","n":0},...],"padding":"xx…"}`.
///
/// Chunks are cut at fixed byte offsets, so links regularly straddle chunk boundaries —
/// exactly what a streaming link rewriter must survive.
struct LargeJSONGenerator {
    static let defaultChunkSize = 16 * 1024
    private static let prefix = "{\"items\":["
    private static let suffixStart = "],\"padding\":\""
    private static let suffixEnd = "\"}"
    private static let minimumDocument = prefix.utf8.count + suffixStart.utf8.count + suffixEnd.utf8.count
    private static let ids: [String] = (0..<64).map { SpotifyID.derive("large:\($0)") }

    let byteCount: Int
    let chunkSize: Int
    private var produced = 0
    private var itemIndex = 0
    private var pending: ByteBuffer
    private var finishedDocument = false

    init(byteCount: Int, chunkSize: Int = LargeJSONGenerator.defaultChunkSize, allocator: ByteBufferAllocator = .init()) {
        self.byteCount = max(byteCount, 2)
        self.chunkSize = chunkSize
        pending = allocator.buffer(capacity: chunkSize + 256)
    }

    /// Whether every byte has been handed out.
    var isFinished: Bool { finishedDocument && pending.readableBytes == 0 }

    /// The next chunk, or nil when the document is complete.
    mutating func next() -> ByteBuffer? {
        while pending.readableBytes < chunkSize && !finishedDocument {
            generatePiece()
        }
        guard pending.readableBytes > 0 else { return nil }
        let chunk = pending.readSlice(length: min(chunkSize, pending.readableBytes))
        if pending.readableBytes == 0 { pending.clear() } else { pending.discardReadBytes() }
        return chunk
    }

    private mutating func append(_ text: String) {
        produced += pending.writeString(text)
    }

    private mutating func generatePiece() {
        if byteCount < Self.minimumDocument {
            // Too small for the full shape: `{}` padded with JSON whitespace.
            append("{}" + String(repeating: " ", count: byteCount - 2))
            finishedDocument = true
            return
        }
        if produced == 0 { append(Self.prefix) }
        let item = "{\"href\":\"https://api.spotify.com/v1/tracks/\(Self.ids[itemIndex % Self.ids.count])\",\"n\":\(itemIndex)}"
        let separator = itemIndex == 0 ? 0 : 1
        let closing = Self.suffixStart.utf8.count + Self.suffixEnd.utf8.count
        if produced + separator + item.utf8.count + closing <= byteCount {
            append(separator == 1 ? "," + item : item)
            itemIndex += 1
        } else {
            let padding = byteCount - produced - closing
            append(Self.suffixStart + String(repeating: "x", count: padding) + Self.suffixEnd)
            finishedDocument = true
        }
    }
}
