import NIOCore
import NIOHTTP1

/// The admin listener's handler (control plane): probes, `/metrics`, `/health`, `/config`.
/// Requests are small and rare, so it simply answers at the head and ignores any body.
final class AdminHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ResponsePart

    private let endpoints: LocalEndpoints
    private let cacheAdmin: CacheAdmin

    init(endpoints: LocalEndpoints, cacheAdmin: CacheAdmin) {
        self.endpoints = endpoints
        self.cacheAdmin = cacheAdmin
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data) else { return }
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let response =
            CacheAdmin.handles(path)
            ? cacheAdmin.response(head, path: path)
            : endpoints.response(method: head.method, path: path, onAdminListener: true) ?? .text(.notFound, "not found\n")
        context.writeLocal(response, version: head.version, isHead: head.method == .HEAD, keepAlive: head.isKeepAlive)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
