import NIOCore
import NIOEmbedded
import NIOHTTP1

/// What an HTTP/1 decoder under test (`RequestSequencer`'s, `UpstreamResponseDecoder` or NIO's own)
/// sent down the pipeline, in a form two decoders' outputs can be compared in.
enum DecodedPart: Equatable, CustomStringConvertible {
    case head(String)
    case body(String)
    case end
    case error(HTTPParserError)

    var description: String {
        switch self {
        case .head(let text): "head(\(text))"
        case .body(let text): "body(\(text))"
        case .end: "end"
        case .error(let error): "error(\(error))"
        }
    }
}

/// Records the parts reaching the handler after a decoder; consecutive body parts are merged
/// (where a body is cut depends on the reads, not on the message).
final class DecodedPartRecorder<Head: Equatable & Sendable>: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPPart<Head, ByteBuffer>
    private let describe: (Head) -> String
    /// Called at each message's end (a server-side test answers there, so that `RequestSequencer`
    /// passes on the next pipelined request).
    private let atEnd: ((ChannelHandlerContext) -> Void)?
    private(set) var parts: [DecodedPart] = []

    init(describe: @escaping (Head) -> String, atEnd: ((ChannelHandlerContext) -> Void)? = nil) {
        self.describe = describe
        self.atEnd = atEnd
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            parts.append(.head(describe(head)))
        case .body(let buffer):
            let text = String(buffer: buffer)
            if case .body(let previous) = parts.last {
                parts[parts.count - 1] = .body(previous + text)
            } else {
                parts.append(.body(text))
            }
        case .end:
            parts.append(.end)
            atEnd?(context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        parts.append(.error(error as? HTTPParserError ?? .unknown))
    }
}

extension HTTPHeaders {
    /// The fields as `name=value;…`, for a recorded head.
    var recorded: String {
        map { "\($0.name)=\($0.value)" }.joined(separator: ";")
    }
}

extension EmbeddedChannel {
    /// Writes `bytes` inbound in pieces of `pieceSize` bytes (0: all at once), then closes.
    func feed(_ bytes: [UInt8], pieceSize: Int) throws {
        let size = pieceSize > 0 ? pieceSize : max(bytes.count, 1)
        var start = 0
        while start < bytes.count {
            try writeInbound(ByteBuffer(bytes: bytes[start..<min(start + size, bytes.count)]))
            start += size
        }
        _ = try? finish()
    }
}
