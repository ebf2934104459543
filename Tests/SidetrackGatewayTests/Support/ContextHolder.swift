import NIOCore
import NIOHTTP1

/// Stands in for the proxy handler behind a `RequestSequencer`: holds its context, so a test can
/// write answers through it (`writeCached`, `writeLocal`), and ignores the requests.
final class ContextHolder: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    var context: ChannelHandlerContext!
    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
