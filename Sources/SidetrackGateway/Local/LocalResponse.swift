import NIOCore
import NIOHTTP1
import SidetrackCore

/// A response Sidetrack writes itself (probes, metrics, admin, gateway errors), whole in memory.
struct LocalResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: [UInt8]
    /// Set for gateway errors: the `Sidetrack-Error` label, also logged.
    var errorLabel: String?

    init(status: HTTPResponseStatus, contentType: String, body: [UInt8]) {
        self.status = status
        self.headers = ["content-type": contentType]
        self.body = body
    }

    static func text(_ status: HTTPResponseStatus, _ text: String) -> LocalResponse {
        LocalResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }

    static func json(_ status: HTTPResponseStatus, _ body: [UInt8]) -> LocalResponse {
        LocalResponse(status: status, contentType: "application/json; charset=utf-8", body: body)
    }

    /// A gateway-made error in Spotify's body format, with the `Sidetrack-Error` cause header.
    static func error(_ error: GatewayError) -> LocalResponse {
        var response = json(HTTPResponseStatus(statusCode: error.status), error.spotifyBody)
        response.headers.add(name: "sidetrack-error", value: error.label)
        response.errorLabel = error.label
        return response
    }
}

extension ChannelHandlerContext {
    /// Writes a whole local response; `keepAlive: false` adds `Connection: close` and closes after the write.
    func writeLocal(
        _ response: LocalResponse,
        version: HTTPVersion,
        isHead: Bool,
        keepAlive: Bool,
        extraHeaders: HTTPHeaders = [:]
    ) {
        var headers = response.headers
        headers.add(contentsOf: extraHeaders)
        headers.replaceOrAdd(name: "content-length", value: String(response.body.count))
        if !keepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: version, status: response.status, headers: headers)
        write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        if !isHead && !response.body.isEmpty {
            write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
        }
        let done = writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)))
        if !keepAlive {
            let context = NIOLoopBound(self, eventLoop: eventLoop)
            done.whenComplete { _ in context.value.close(promise: nil) }
        }
    }
}
