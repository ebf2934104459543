import NIOCore
import NIOEmbedded
import NIOHTTP1
import SidetrackCore
import Testing
@testable import SidetrackGateway

/// `writeLocal`: a gateway-made answer (a refusal under overload, most often) goes out as one
/// buffer, the body behind the head, whether it is handed to the `RequestSequencer` directly or
/// written through the pipeline; a large body follows the head; a HEAD request gets the head alone;
/// and the connection's head buffer is reused by the next answer.
@Suite struct LocalAnswerWriteTests {
    enum Route { case sequencer, pipeline, withoutRecycler }

    /// A buffer written: its bytes as text and its storage's capacity (not the buffer itself, which
    /// would keep its storage from being reused).
    struct Write {
        var text: String
        var capacity: Int
    }

    /// Answers `requests` requests of `method` with `response`; returns the buffers written.
    private static func answer(
        _ response: LocalResponse, method: HTTPMethod = .GET, keepAlive: Bool = true, via route: Route,
        requests: Int = 1, spareCapacity: Int? = nil
    ) throws -> [Write] {
        let app = ContextHolder()
        let channel = EmbeddedChannel()
        let sequencer = RequestSequencer()
        try channel.pipeline.syncOperations.addHandler(sequencer)
        try channel.pipeline.syncOperations.addHandler(app)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
        var ids = RequestIDGenerator()
        var heads = HeadBufferRecycler()
        if let spareCapacity { heads.keep(ByteBufferAllocator().buffer(capacity: spareCapacity)) }
        var writes: [Write] = []
        for _ in 0..<requests {
            try channel.writeInbound(ByteBuffer(string: "\(method.rawValue) /v1/tracks/abc HTTP/1.1\r\nHost: x\r\n\r\n"))
            let id = ids.next()
            switch route {
            case .sequencer, .pipeline:
                app.context.writeLocal(
                    response, version: .http1_1, isHead: method == .HEAD, keepAlive: keepAlive, requestID: id,
                    traceResponse: nil, heads: &heads, sequencer: route == .sequencer ? sequencer : nil)
            case .withoutRecycler:
                app.context.writeLocal(response, version: .http1_1, isHead: method == .HEAD, keepAlive: keepAlive, requestID: id)
            }
            while let data = try channel.readOutbound(as: IOData.self) {
                guard case .byteBuffer(let buffer) = data else { continue }
                writes.append(
                    Write(
                        text: String(buffer: buffer), capacity: buffer.capacity))
            }
        }
        // A closing answer has the sequencer close the connection.
        _ = try channel.finish(acceptAlreadyClosed: true)
        return writes
    }

    private static var refusal: LocalResponse {
        var response = LocalResponse.error(.bulkheadFull)
        response.headers.add(name: "retry-after", value: "1")
        return response
    }

    @Test(arguments: [Route.sequencer, .pipeline, .withoutRecycler])
    func aRefusalIsOneBufferWithItsBodyBehindTheHead(route: Route) throws {
        let response = Self.refusal
        let writes = try Self.answer(response, via: route)
        #expect(writes.count == 1)
        let text = try #require(writes.first).text
        #expect(text.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(text.contains("sidetrack-error: bulkhead_full\r\n"))
        #expect(text.contains("retry-after: 1\r\n"))
        #expect(text.contains("x-request-id: "))
        #expect(text.contains("content-length: \(response.body.count)\r\n"))
        #expect(text.hasSuffix("\r\n\r\n" + String(decoding: response.body, as: UTF8.self)))
    }

    /// The prebuilt refusals carry their fields encoded once; written, they are the same bytes.
    @Test func encodedFieldsWriteTheSameBytes() throws {
        let encoded = Self.refusal.encodingFields()
        #expect(encoded.fieldLines != nil)
        let plain = try Self.answer(Self.refusal, via: .sequencer)
        let fast = try Self.answer(encoded, via: .sequencer)
        // Only the request id differs (32 hex digits, one per connection's generator seed).
        let strip = { (text: String) in text.replacing(/x-request-id: [0-9a-f]+/, with: "x-request-id: -") }
        #expect(fast.map { strip($0.text) } == plain.map { strip($0.text) })
    }

    /// Headers changed after encoding: the encoded lines are dropped, the new field is written.
    @Test func changedHeadersDropTheEncodedFields() throws {
        var response = Self.refusal.encodingFields()
        response.headers.add(name: "x-extra", value: "yes")
        #expect(response.fieldLines == nil)
        let text = try #require(try Self.answer(response, via: .sequencer).first).text
        #expect(text.contains("x-extra: yes\r\n"))
        #expect(text.contains("sidetrack-error: bulkhead_full\r\n"))
    }

    @Test func aBodyOverTheLimitFollowsTheHead() throws {
        let size = ChannelHandlerContext.inlineBodyLimit + 1
        let response = LocalResponse.text(.ok, String(repeating: "m", count: size))
        let writes = try Self.answer(response, via: .sequencer)
        #expect(writes.count == 2)
        #expect(writes.first?.text.hasSuffix("content-length: \(size)\r\n\r\n") == true)
        #expect(writes.last?.text == String(repeating: "m", count: size))
    }

    @Test func aHeadRequestGetsTheHeadAlone() throws {
        let writes = try Self.answer(Self.refusal, method: .HEAD, via: .sequencer)
        #expect(writes.count == 1)
        #expect(writes.first?.text.hasSuffix("\r\n\r\n") == true)
    }

    @Test func closingAddsConnectionClose() throws {
        let writes = try Self.answer(Self.refusal, keepAlive: false, via: .sequencer)
        #expect(writes.first?.text.contains("connection: close\r\n") == true)
    }

    /// Each answer is written into the connection's spare head buffer (of a capacity no new head
    /// buffer has), and the buffer is kept again for the next: no new buffer per refusal.
    @Test func answersReuseTheConnectionsHeadBuffer() throws {
        let writes = try Self.answer(Self.refusal, via: .sequencer, requests: 3, spareCapacity: 4096)
        #expect(writes.count == 3)
        #expect(writes.map(\.capacity) == [4096, 4096, 4096])
        #expect(Set(writes.map(\.text.count)).count == 1)
    }
}
