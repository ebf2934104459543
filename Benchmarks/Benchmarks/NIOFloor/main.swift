// The floor under Sidetrack's cache-hit path: how much CPU SwiftNIO itself spends per keep-alive
// request on this machine, with no gateway work at all (no routing, cache, metrics or logs).
// bench/run-floor.sh runs it beside nginx and Sidetrack; docs/benchmarks.md has the numbers.
//
// Every mode answers every request with the same pre-built bytes: a hit's head and a 2,402-byte
// body, the size of the emulator's track that bench/wrk-hit.lua asks for.
//   raw      bytes in, bytes out: counts "\r\n\r\n" in what it reads (NIO's event loop, channel
//            pipeline, read and writev, and nothing else);
//   decoder  NIO's HTTPRequestDecoder in front (each head parsed into HTTPRequestHead with String
//            headers, as Sidetrack's pipeline receives it), then the pre-built bytes;
//   nio-http the usual NIO server: configureHTTPServerPipeline and an HTTPResponseHead with the
//            same fields written through NIO's encoder.
//
// Usage: nio-floor <raw|decoder|nio-http> [threads]; binds 127.0.0.1 port 0 and prints the
// gateway's `listener.bound` log line, so scripts/lib/procs.sh's procs_wait_bound finds the port.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import NIOCore
import NIOHTTP1
import NIOPosix

enum Mode: String {
    case raw, decoder, scan
    case nioHTTP = "nio-http"
}

let arguments = CommandLine.arguments
guard arguments.count >= 2, let mode = Mode(rawValue: arguments[1]) else {
    print("usage: nio-floor <raw|decoder|nio-http> [threads]")
    exit(64)
}
let threads = arguments.count >= 3 ? Int(arguments[2]) ?? 2 : 2

let body = String(repeating: "x", count: 2402)
let headFields: [(String, String)] = [
    ("Content-Type", "application/json; charset=utf-8"),
    ("Cache-Control", "private, max-age=0"),
    ("Vary", "Accept-Encoding"),
    ("x-request-id", "06ee804c7220bd3dc196703c90206060"),
    ("x-cache", "HIT"),
    ("age", "0"),
    ("content-length", "2402"),
]
let response: ByteBuffer = {
    var text = "HTTP/1.1 200 OK\r\n"
    for (name, value) in headFields { text += "\(name): \(value)\r\n" }
    return ByteBuffer(string: text + "\r\n" + body)
}()

/// Bytes in, bytes out: one pre-built answer per "\r\n\r\n" (wrk sends bodiless GETs).
final class RawHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    /// How many bytes of "\r\n\r\n" the previous read ended with.
    private var matched = 0
    private static let terminator: [UInt8] = [13, 10, 13, 10]

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        var requests = 0
        buffer.withUnsafeReadableBytes { bytes in
            for byte in bytes {
                if byte == Self.terminator[matched] {
                    matched += 1
                    if matched == 4 { requests += 1; matched = 0 }
                } else {
                    matched = byte == 13 ? 1 : 0
                }
            }
        }
        for _ in 0..<requests { context.write(wrapOutboundOut(response), promise: nil) }
        if requests > 0 { context.flush() }
    }
}

/// A minimal byte scan of each head into the same `HTTPRequestHead` NIO's decoder builds (request
/// line, `String` header names and values): what replacing the decoder could save at most.
final class ScanHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var pending = ByteBuffer()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        pending.writeBuffer(&buffer)
        var answered = false
        while let head = nextHead() {
            _ = head
            context.write(wrapOutboundOut(response), promise: nil)
            answered = true
        }
        if answered { context.flush() }
    }

    private func nextHead() -> HTTPRequestHead? {
        let found: (HTTPRequestHead, Int)? = pending.withUnsafeReadableBytes { bytes in
            let n = bytes.count
            var i = 0
            // Request line: METHOD SP TARGET SP VERSION CRLF.
            guard let sp1 = (0..<n).first(where: { bytes[$0] == 32 }) else { return nil }
            guard let sp2 = (sp1 + 1..<n).first(where: { bytes[$0] == 32 }) else { return nil }
            guard let cr = (sp2 + 1..<n).first(where: { bytes[$0] == 13 }), cr + 1 < n else { return nil }
            let method = HTTPMethod(rawValue: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<sp1]), as: UTF8.self))
            let uri = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[sp1 + 1..<sp2]), as: UTF8.self)
            var headers: [(String, String)] = []
            headers.reserveCapacity(8)
            i = cr + 2
            while i + 1 < n {
                if bytes[i] == 13 && bytes[i + 1] == 10 {
                    return (HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(headers)), i + 2)
                }
                guard let colon = (i..<n).first(where: { bytes[$0] == 58 }) else { return nil }
                guard let end = (colon..<n).first(where: { bytes[$0] == 13 }) else { return nil }
                var start = colon + 1
                while start < end, bytes[start] == 32 { start += 1 }
                headers.append((
                    String(decoding: UnsafeRawBufferPointer(rebasing: bytes[i..<colon]), as: UTF8.self),
                    String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)))
                i = end + 2
            }
            return nil
        }
        guard let (head, length) = found else { return nil }
        pending.moveReaderIndex(forwardBy: length)
        if pending.readableBytes == 0 { pending.clear() }
        return head
    }
}

/// Behind NIO's request decoder: answers each request's end with the pre-built bytes.
final class DecodedHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            context.writeAndFlush(wrapOutboundOut(response), promise: nil)
        }
    }
}

/// The usual NIO server handler: head, body and end through NIO's response encoder.
final class NIOHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    private let bodyBuffer = ByteBuffer(string: body)

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: HTTPHeaders(headFields))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(bodyBuffer))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
let channel = try ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 1024)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelOption(.maxMessagesPerRead, value: 16)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            switch mode {
            case .raw:
                try pipeline.addHandler(RawHandler())
            case .scan:
                try pipeline.addHandler(ScanHandler())
            case .decoder:
                try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes)))
                try pipeline.addHandler(DecodedHandler())
            case .nioHTTP:
                try pipeline.configureHTTPServerPipeline()
                try pipeline.addHandler(NIOHTTPHandler())
            }
        }
    }
    .bind(host: "127.0.0.1", port: 0).wait()
print(#"{"msg":"listener.bound","listener":"proxy","address":"127.0.0.1:\#(channel.localAddress!.port!)"}"#)
fflush(nil)  // every stream: stdout is a file under procs_start, so print is buffered
try channel.closeFuture.wait()
