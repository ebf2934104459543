import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import SidetrackGateway

/// `RequestSequencer` on an embedded channel: pipelined requests wait for the response before
/// them, reading goes on between requests and stops only while a request is held, and quiescing
/// closes idle connections at once and busy ones after their response.
@Suite struct RequestSequencerTests {
    /// Stands in for the proxy handler: records what reaches it and answers when told.
    final class App: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = ResponsePart
        var seen: [String] = []
        var context: ChannelHandlerContext!

        func handlerAdded(context: ChannelHandlerContext) { self.context = context }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): seen.append("head \(head.uri)")
            case .body: seen.append("body")
            case .end: seen.append("end")
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            seen.append("error")
        }

        func respond() {
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end), promise: nil)
        }

        /// A whole answer, as cache hits and gateway errors are written; `direct`: handed to the
        /// sequencer itself, as the proxy handler hands over cache hits.
        func respondWhole(body: String, direct: Bool = false) {
            var writer = ResponseHeadWriter(version: .http1_1, status: .ok, allocator: context.channel.allocator)
            writer.add("content-length", value: body.utf8.count)
            let part = ResponsePart.whole(
                head: writer.finish(), body: context.channel.allocator.buffer(string: body), closes: false)
            if direct {
                let sequencer = try! context.pipeline.syncOperations.handler(type: RequestSequencer.self)
                #expect(sequencer.respondAndFlush(part))
            } else {
                context.writeAndFlush(wrapOutboundOut(part), promise: nil)
            }
        }
    }

    /// Counts the `read()` calls that get past the sequencer to the socket.
    final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = Any
        var reads = 0
        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    private static func setUp() throws -> (EmbeddedChannel, App, ReadCounter) {
        let app = App()
        let counter = ReadCounter()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(counter)
        try channel.pipeline.syncOperations.addHandler(RequestSequencer())
        try channel.pipeline.syncOperations.addHandler(app)
        // Embedded channels start inactive; a connected one is what a server has.
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 8080)).wait()
        return (channel, app, counter)
    }

    /// A request's bytes, as one read.
    private static func request(_ channel: EmbeddedChannel, _ uri: String) throws {
        try channel.writeInbound(ByteBuffer(string: "GET \(uri) HTTP/1.1\r\nHost: x\r\n\r\n"))
    }

    /// The bytes written so far, as text.
    private static func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let data = try channel.readOutbound(as: IOData.self) {
            guard case .byteBuffer(let buffer) = data else { continue }
            text += String(buffer: buffer)
        }
        return text
    }

    /// The status lines of the responses written so far.
    private static func statusLines(_ channel: EmbeddedChannel) throws -> [String] {
        try written(channel).components(separatedBy: "\r\n").filter { $0.hasPrefix("HTTP/") }
    }

    @Test func aPipelinedRequestWaitsForTheResponseBeforeIt() throws {
        let (channel, app, _) = try Self.setUp()
        try Self.request(channel, "/first")
        try Self.request(channel, "/second")
        #expect(app.seen == ["head /first", "end"])
        app.respond()
        #expect(app.seen == ["head /first", "end", "head /second", "end"])
        app.respond()
        #expect(try Self.statusLines(channel) == ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK"])
        _ = try channel.finish()
    }

    @Test func readingGoesOnWhileAResponseIsPendingAndStopsOnlyWhileARequestIsHeld() throws {
        let (channel, app, counter) = try Self.setUp()
        try Self.request(channel, "/first")
        channel.read()
        // A request in progress does not stop reading (NIO's pipelining handler would).
        #expect(counter.reads == 1)
        try Self.request(channel, "/second")
        channel.read()
        // The second request is held: no more reading until it is passed on.
        #expect(counter.reads == 1)
        app.respond()
        #expect(counter.reads == 2)
        #expect(app.seen.last == "end")
        _ = try channel.finish()
    }

    @Test func aMalformedPipelinedRequestIsReportedAfterTheResponseBeforeIt() throws {
        let (channel, app, _) = try Self.setUp()
        try Self.request(channel, "/first")
        try channel.writeInbound(ByteBuffer(string: "GET /second HTTP/1.1\nHost: x\n\n"))  // bare LF
        #expect(app.seen == ["head /first", "end"])
        app.respond()
        #expect(app.seen == ["head /first", "end", "error"])
        // Nothing after the refusal is decoded.
        try Self.request(channel, "/third")
        #expect(app.seen == ["head /first", "end", "error"])
        _ = try channel.finish()
    }

    @Test func requestsInOneReadArePassedOnOneAtATime() throws {
        let (channel, app, _) = try Self.setUp()
        try channel.writeInbound(ByteBuffer(
            string: "GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nhiGET /c HTTP/1.1\r\n\r\n"))
        #expect(app.seen == ["head /a", "end"])
        app.respondWhole(body: "a")
        #expect(app.seen == ["head /a", "end", "head /b", "body", "end"])
        app.respondWhole(body: "b")
        app.respondWhole(body: "c")
        #expect(app.seen == ["head /a", "end", "head /b", "body", "end", "head /c", "end"])
        #expect(try Self.written(channel).components(separatedBy: "HTTP/1.1 200 OK").count == 4)
        _ = try channel.finish()
    }

    @Test func aBadChunkOfTheRequestInProgressIsReportedAtOnce() throws {
        let (channel, app, _) = try Self.setUp()
        try channel.writeInbound(ByteBuffer(
            string: "POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n"))
        // The handler is still answering this request; it must learn now that its body failed.
        #expect(app.seen == ["head /up", "body", "error"])
        _ = try channel.finish()
    }

    @Test func aRefusalWithNothingOpenGoesStraightToTheHandler() throws {
        let (channel, app, _) = try Self.setUp()
        try channel.writeInbound(ByteBuffer(string: "GET /a HTTP/1.1\r\nHost : x\r\n\r\n"))
        #expect(app.seen == ["error"])
        _ = try channel.finish()
    }

    @Test func quiescingClosesAnIdleConnectionAtOnce() throws {
        let (channel, _, _) = try Self.setUp()
        #expect(channel.isActive)
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(!channel.isActive)
    }

    @Test func quiescingClosesABusyConnectionAfterItsResponse() throws {
        let (channel, app, _) = try Self.setUp()
        try Self.request(channel, "/first")
        try Self.request(channel, "/second")
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(channel.isActive)
        app.respond()
        let text = try Self.written(channel)
        #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 2)
        #expect(text.lowercased().contains("connection: close\r\n"))
        // The held request is dropped, not served after the close.
        #expect(app.seen == ["head /first", "end"])
        #expect(!channel.isActive)
    }

    @Test func aWholeAnswerReleasesTheNextPipelinedRequest() throws {
        let (channel, app, _) = try Self.setUp()
        try Self.request(channel, "/first")
        try Self.request(channel, "/second")
        app.respondWhole(body: "one")
        #expect(app.seen == ["head /first", "end", "head /second", "end"])
        app.respondWhole(body: "two")
        #expect(
            try Self.written(channel)
                == "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\none" + "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\ntwo")
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test(arguments: [false, true])
    func quiescingAddsConnectionCloseToAWholeAnswerAndCloses(direct: Bool) throws {
        let (channel, app, _) = try Self.setUp()
        try Self.request(channel, "/first")
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        app.respondWhole(body: "one", direct: direct)
        #expect(try Self.written(channel) == "HTTP/1.1 200 OK\r\ncontent-length: 3\r\nconnection: close\r\n\r\none")
        #expect(!channel.isActive)
    }

    /// Handed over directly, a whole answer is sequenced exactly as one written through the pipeline.
    @Test func aWholeAnswerHandedOverDirectlyIsSequencedTheSame() throws {
        let (channel, app, _) = try Self.setUp()
        try Self.request(channel, "/first")
        try Self.request(channel, "/second")
        app.respondWhole(body: "one", direct: true)
        #expect(app.seen == ["head /first", "end", "head /second", "end"])
        app.respondWhole(body: "two", direct: true)
        #expect(
            try Self.written(channel)
                == "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\none" + "HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\ntwo")
        _ = try channel.finish()
        // Out of a pipeline, the sequencer declines and the caller writes through its own context.
        #expect(!RequestSequencer().respondAndFlush(.end))
    }

    /// Takes request parts by the sequencer's direct call, marking them so: what the proxy handler
    /// does (`RequestSequencer.deliver(to:)`).
    final class DirectApp: RequestPartReceiver, @unchecked Sendable {
        let app: App
        init(app: App) { self.app = app }
        func receive(_ part: HTTPServerRequestPart) {
            switch part {
            case .head(let head): app.seen.append("direct head \(head.uri)")
            case .body: app.seen.append("direct body")
            case .end: app.seen.append("direct end")
            }
        }
    }

    /// Request parts handed over directly arrive as through the pipeline — a pipelined request
    /// still waits for the answer before it — and none goes through the pipeline meanwhile.
    @Test func requestPartsHandedOverDirectlyAreSequencedTheSame() throws {
        let (channel, app, _) = try Self.setUp()
        let sequencer = try channel.pipeline.syncOperations.handler(type: RequestSequencer.self)
        let direct = DirectApp(app: app)
        sequencer.deliver(to: direct)
        try Self.request(channel, "/first")
        try Self.request(channel, "/second")
        #expect(app.seen == ["direct head /first", "direct end"])
        app.respondWhole(body: "one", direct: true)
        #expect(app.seen == ["direct head /first", "direct end", "direct head /second", "direct end"])
        // Back to the pipeline.
        sequencer.deliver(to: nil)
        app.respondWhole(body: "two", direct: true)
        try Self.request(channel, "/third")
        #expect(app.seen.suffix(2) == ["head /third", "end"])
        _ = try channel.finish()
    }
}
