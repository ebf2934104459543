import NIOCore
import NIOHTTP1
import SidetrackCore
import Testing

@testable import SidetrackGateway

/// The memory tier's budget bounds the process only if an entry's cost counts what it holds.
@Suite struct CachedResponseCostTests {
    @Test func heapSizesFollowMallocRounding() {
        #expect(HeapSize.string("short") == 0)  // inline
        #expect(HeapSize.string(nil) == 0)
        #expect(HeapSize.string(String(repeating: "a", count: 16)) == 80)  // 32 + 16 + 1 + 16, rounded to 16
        #expect(HeapSize.array(count: 0, stride: 32) == 0)
        #expect(HeapSize.array(count: 3, stride: 32) == 144)
        #expect(HeapSize.allocation(1) == 32)
    }

    @Test func costCountsBodyAllocationStringsAndHeaderLines() throws {
        let body = ByteBuffer(repeating: 0x61, count: 2_300)
        let key = CacheKey(text: "GET|/v1/tracks/abc|market=US|shared", path: "/v1/tracks/abc", scope: nil)
        func entry(_ headers: HTTPHeaders) -> CachedResponse {
            CachedResponse(
                key: key, route: "/v1/tracks/{id}", status: .ok, headers: headers, body: body,
                lifetimes: CacheLifetimes(storedAt: 0, freshUntil: 1, staleWhileRevalidateUntil: 1, staleIfErrorUntil: 1))
        }
        let bare = entry([:])
        #expect(bare.cost >= body.capacity + HeapSize.string(key.text) + 384)
        let withHeaders = entry([
            "content-type": "application/json; charset=utf-8", "cache-control": "public, max-age=7200",
            "etag": "\"0123456789abcdef0123456789abcdef\"",
        ])
        // The fields' wire lines (one buffer) and the ETag kept again as a field.
        let lineBytes = withHeaders.headerLines.readableBytes
        #expect(lineBytes == 126)
        #expect(withHeaders.headerLines.capacity >= lineBytes)
        #expect(
            withHeaders.cost - bare.cost
                == HeapSize.buffer(capacity: withHeaders.headerLines.capacity)
                - HeapSize.buffer(capacity: bare.headerLines.capacity) + HeapSize.string(withHeaders.etag))
    }
}
