import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A loopback HTTP/1.1 server whose answers depend on the path, for testing the upstream client's
/// connection handling: it counts the connections it accepted.
///
/// - `/ok`: `200 hello`, keep-alive.
/// - `/close`: `200 hello` with `Connection: close`, then closes.
/// - `/flaky`: closes without answering when the connection has served a request before (a
///   server closing an idle keep-alive connection just as the next request arrives), else `/ok`.
/// - `/never`: never answers.
/// - `/chunks`: five body parts, flushed one by one (`part0`…`part4`).
/// - `/slow`: `/ok` after 20 ms.
final class ScriptedHTTPServer: Sendable {
    let channel: any Channel
    private let accepted: NIOLockedValueBox<Int>

    var port: Int { channel.localAddress?.port ?? 0 }
    var connectionsAccepted: Int { accepted.withLockedValue { $0 } }

    private init(channel: any Channel, accepted: NIOLockedValueBox<Int>) {
        self.channel = channel
        self.accepted = accepted
    }

    static func start(group: any EventLoopGroup) async throws -> ScriptedHTTPServer {
        let accepted = NIOLockedValueBox(0)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                accepted.withLockedValue { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Responder())
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return ScriptedHTTPServer(channel: channel, accepted: accepted)
    }

    func stop() async {
        try? await channel.close()
    }

    private final class Responder: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        private var served = 0
        private var path = ""

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): path = head.uri
            case .body: break
            case .end: answer(context)
            }
        }

        private func answer(_ context: ChannelHandlerContext) {
            served += 1
            switch path {
            case "/close":
                respond(context, body: ["hello"], close: true)
            case "/flaky" where served > 1:
                context.close(promise: nil)
            case "/never":
                break
            case "/chunks":
                respond(context, body: (0..<5).map { "part\($0)" }, close: false)
            case "/slow":
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(20)) {
                    bound.value.0.respond(bound.value.1, body: ["hello"], close: false)
                }
            default:
                respond(context, body: ["hello"], close: false)
            }
        }

        private func respond(_ context: ChannelHandlerContext, body: [String], close: Bool) {
            var headers = HTTPHeaders([("content-length", String(body.joined().utf8.count))])
            if close { headers.add(name: "connection", value: "close") }
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            for part in body {
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: part)))), promise: nil)
            }
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if close {
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                done.whenComplete { _ in bound.value.close(promise: nil) }
            }
        }
    }
}
