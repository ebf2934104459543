import NIOCore
import Testing
@testable import SidetrackEmulator

@Suite struct EngineTests {
    @Test(arguments: [2, 24, 25, 26, 77, 16_383, 16_384, 16_385, 100_003])
    func generatorProducesExactSizeInBoundedChunks(size: Int) {
        var generator = LargeJSONGenerator(byteCount: size)
        var total = 0
        var chunks = 0
        var document = ByteBuffer()
        while let chunk = generator.next() {
            #expect(chunk.readableBytes <= LargeJSONGenerator.defaultChunkSize)
            total += chunk.readableBytes
            chunks += 1
            var copy = chunk
            document.writeBuffer(&copy)
        }
        #expect(total == size)
        #expect(chunks == (size + LargeJSONGenerator.defaultChunkSize - 1) / LargeJSONGenerator.defaultChunkSize)
        #expect(generator.isFinished)
        if size > 2 * 16_384 {
            // Items run past the first chunk boundary (just above it, the document's tail is
            // padding), so some link straddles it.
            let around = String(buffer: document.getSlice(at: 16_384 - 40, length: 80) ?? ByteBuffer())
            #expect(around.contains("https://") || around.contains("tracks/"))
        }
    }

    @Test func faultCountClearsItself() {
        let injector = FaultInjector()
        injector.set(Fault(status: 500, pathPrefix: "/v1/a", remaining: 2))
        #expect(injector.consume(path: "/v1/b") == nil)
        #expect(injector.consume(path: "/v1/a/1")?.status == 500)
        #expect(injector.fault?.remaining == 1)
        #expect(injector.consume(path: "/v1/a/2")?.status == 500)
        #expect(injector.fault == nil)
        #expect(injector.consume(path: "/v1/a/3") == nil)
    }

    @Test func faultImpliesRateLimitStatus() {
        #expect(Fault(retryAfterSeconds: 5).effectiveStatus == 429)
        #expect(Fault(quotaExceeded: true).effectiveStatus == 429)
        #expect(Fault(latency: .milliseconds(5)).effectiveStatus == nil)
        #expect(Fault(status: 502, retryAfterSeconds: 1).effectiveStatus == 502)
    }

    @Test(arguments: [
        ("a=1&b=x%20y", "b", "x y"),
        ("q=daft+punk", "q", "daft punk"),
        ("q=%E2%9C%93", "q", "✓"),
        ("q=100%", "q", "100%"),
        ("q=&q=2", "q", ""),
    ])
    func queryDecoding(query: String, name: String, expected: String) {
        #expect(QueryParameters(query[...])[name] == expected)
    }

    @Test func idValidation() {
        #expect(SpotifyID.validate("abc123XYZ") == nil)
        #expect(SpotifyID.validate("missingThing") == .missing)
        #expect(SpotifyID.validate("a-b") == .invalid)
        #expect(SpotifyID.validate("") == .invalid)
        #expect(SpotifyID.derive("x").count == 22)
        #expect(SpotifyID.derive("x") == SpotifyID.derive("x"))
    }

    @Test func jsonQuoting() {
        #expect(JSONText.quote("a\"b\\c\n\u{01}") == #""a\"b\\c\n\u0001""#)
    }

    @Test func ifNoneMatchComparison() {
        #expect(PlaylistEndpoints.matches(["\"x\""], "\"x\""))
        #expect(PlaylistEndpoints.matches(["\"y\"", "W/\"x\""], "\"x\""))
        #expect(!PlaylistEndpoints.matches(["\"y\""], "\"x\""))
        #expect(PlaylistEndpoints.matches(["W/\"x\""], "\"x\""))
        #expect(PlaylistEndpoints.matches(["*"], "\"x\""))
    }
}
