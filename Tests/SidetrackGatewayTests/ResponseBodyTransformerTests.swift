import CompressNIO
import NIOCore
import SidetrackCore
import Testing

@testable import SidetrackGateway

/// Which answers get their links rewritten (JSON by content type, any case, any parameters), and
/// what comes out: the same text with the links moved, however the body is cut into chunks.
@Suite struct ResponseBodyTransformerTests {
    @Test(arguments: [
        ("application/json", true), ("application/json; charset=utf-8", true), ("APPLICATION/JSON", true),
        ("application/problem+json", true), ("application/jjson", true), ("text/html", false), ("", false),
        ("application/jso", false), ("image/jpeg", false), ("application/js-on", false),
    ])
    func jsonContentTypes(contentType: String, expected: Bool) {
        #expect(ResponseBodyTransformer.mentionsJSON(contentType) == expected)
    }

    private static let body = #"{"href":"https://api.spotify.com/v1/tracks/1","items":[{"uri":"spotify:track:1","href":"https://api.spotify.com/v1/tracks/2"}],"next":"https://api.spotify.com/v1/me/tracks?offset=20&limit=20"}"#
    private static let rewritten = body.replacingOccurrences(of: "https://api.spotify.com/v1/", with: "http://gw.test:8080/v1/")

    private static func transformer(encoding: String?) throws -> ResponseBodyTransformer {
        try #require(try ResponseBodyTransformer(
            contentType: "application/json; charset=utf-8", contentEncoding: encoding,
            rewriter: LinkRewriter(linkPrefix: "https://api.spotify.com/v1/", publicBase: "http://gw.test:8080")))
    }

    @Test(arguments: [1, 2, 7, 26, 27, 28, 64, 10_000])
    func plainBodiesComeOutRewrittenWhateverTheChunkSize(chunkSize: Int) throws {
        let transformer = try Self.transformer(encoding: nil)
        let allocator = ByteBufferAllocator()
        var out = ByteBuffer()
        let bytes = Array(Self.body.utf8)
        for start in stride(from: 0, to: bytes.count, by: chunkSize) {
            try transformer.transform(ByteBuffer(bytes: bytes[start..<min(start + chunkSize, bytes.count)]), allocator: allocator) {
                var chunk = $0
                #expect(chunk.readableBytes > 0)
                out.writeBuffer(&chunk)
            }
        }
        try transformer.finish(allocator: allocator) { var chunk = $0; out.writeBuffer(&chunk) }
        #expect(String(buffer: out) == Self.rewritten)
        #expect(transformer.linksRewritten == 3)
    }

    @Test(arguments: [5, 40, 10_000])
    func gzipBodiesComeOutAsGzipOfTheRewrittenText(chunkSize: Int) throws {
        let transformer = try Self.transformer(encoding: "gzip")
        let allocator = ByteBufferAllocator()
        var compressed = ByteBuffer(string: Self.body)
        let gzipped = try compressed.compress(with: .gzip())
        var out = ByteBuffer()
        var offset = gzipped.readerIndex
        while offset < gzipped.writerIndex {
            let length = min(chunkSize, gzipped.writerIndex - offset)
            try transformer.transform(gzipped.getSlice(at: offset, length: length)!, allocator: allocator) { var chunk = $0; out.writeBuffer(&chunk) }
            offset += length
        }
        try transformer.finish(allocator: allocator) { var chunk = $0; out.writeBuffer(&chunk) }
        #expect(String(buffer: try out.decompress(with: .gzip())) == Self.rewritten)
    }
}
