import NIOCore
import NIOHTTP1
import SidetrackCore
import Testing

@testable import SidetrackGateway

/// A stored answer keeps its replayable fields as wire-form lines, encoded and checked once, which
/// every hit copies into its head as they are.
@Suite struct CachedResponseTests {
    private static func entry(_ headers: HTTPHeaders) -> CachedResponse {
        CachedResponse(
            key: CacheKey(text: "GET /v1/tracks/abc|shared", path: "/v1/tracks/abc", scope: nil),
            route: "/v1/tracks/{id}", status: .ok, headers: headers, body: ByteBuffer(string: "{}"),
            lifetimes: CacheLifetimes(storedAt: 0, freshUntil: 1, staleWhileRevalidateUntil: 1, staleIfErrorUntil: 1))
    }

    private static func text(_ buffer: ByteBuffer) -> String {
        String(buffer: buffer)
    }

    @Test func storedFieldsAreWireLinesWithoutThePerRequestOnes() {
        let entry = Self.entry([
            "Content-Type": "application/json; charset=utf-8", "X-Request-ID": "upstream-id",
            "Content-Length": "2", "ETag": "\"v1\"", "Date": "Fri, 27 Nov 2026 12:00:00 GMT", "Vary": "",
            "Transfer-Encoding": "chunked",
        ])
        #expect(Self.text(entry.headerLines) == "Content-Type: application/json; charset=utf-8\r\nETag: \"v1\"\r\nVary: \r\n")
        // Read back as fields (a 304's head, the disk tier): the same names and values, in order.
        #expect(entry.headers == ["Content-Type": "application/json; charset=utf-8", "ETag": "\"v1\"", "Vary": ""])
        #expect(entry.etag == "\"v1\"")
    }

    @Test func aFieldThatCouldSplitTheResponseIsNotStored() {
        // What a tampered disk entry could hold: a CR (a lone one survives the tier's line split),
        // a NUL, a name that is not a token. Each is left out; the rest are replayed.
        let entry = Self.entry([
            "Content-Type": "application/json", "X-Split": "a\rSet-Cookie: stolen=1", "X-Nul": "a\u{0}b",
            "Bad Name": "x", "": "empty name", "Cache-Control": "private, max-age=0",
        ])
        #expect(Self.text(entry.headerLines) == "Content-Type: application/json\r\nCache-Control: private, max-age=0\r\n")
    }

    /// The one parser of stored lines (the entry's own, and the disk tier's copy of them).
    @Test func storedLinesParseBackAndALineWithoutAColonIsRefused() {
        let lines = Array("Content-Type: application/json\r\nVary: \r\nX-Lf: only\n".utf8)
        #expect(CachedResponse.fields(fromLines: lines) == ["Content-Type": "application/json", "Vary": "", "X-Lf": "only"])
        #expect(CachedResponse.fields(fromLines: Array("Content-Type: a\r\nno colon here\r\n".utf8)) == nil)
        #expect(CachedResponse.fields(fromLines: [UInt8]())?.isEmpty == true)
    }

    @Test func noFieldsStoreNoBytes() {
        let entry = Self.entry([:])
        #expect(entry.headerLines.readableBytes == 0)
        #expect(entry.headers.isEmpty)
    }

    @Test func aRenewedEntryKeepsItsLines() {
        let entry = Self.entry(["Content-Type": "application/json"])
        let renewed = entry.renewed(CacheLifetimes(storedAt: 5, freshUntil: 9, staleWhileRevalidateUntil: 9, staleIfErrorUntil: 9))
        #expect(renewed.headerLines == entry.headerLines)
        #expect(renewed.lifetimes.storedAt == 5)
    }

    @Test(arguments: [0, 7, 10, 2_403, 1_000_000, -5, Int.max, Int.min])
    func numericFieldsAreWrittenAsDecimal(value: Int) {
        var writer = ResponseHeadWriter(version: .http1_1, status: .ok, allocator: ByteBufferAllocator())
        writer.add("age", value: value)
        #expect(Self.text(writer.finish()) == "HTTP/1.1 200 OK\r\nage: \(value)\r\n\r\n")
    }

    @Test func storedLinesGoIntoTheHeadAsTheyAre() {
        let entry = Self.entry(["Content-Type": "application/json", "Vary": "Accept-Encoding"])
        var writer = ResponseHeadWriter(version: .http1_1, status: .ok, allocator: ByteBufferAllocator())
        writer.add(lines: entry.headerLines)
        writer.add("content-length", value: 2)
        #expect(
            Self.text(writer.finish())
                == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nVary: Accept-Encoding\r\ncontent-length: 2\r\n\r\n")
        #expect(writer.isValid)
    }
}
