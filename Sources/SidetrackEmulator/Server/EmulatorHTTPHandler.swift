import Crypto
import Logging
import NIOCore
import NIOHTTP1

/// One connection's request handling: collects a request, plays the active fault if one
/// applies, asks the router for the answer and writes it (gzip, keep-alive, streaming).
///
/// Everything runs on the connection's event loop; nothing blocks. `HTTPServerPipelineHandler`
/// (in front) holds pipelined requests back until the current answer has ended, so one
/// request at a time is in flight here.
final class EmulatorHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Largest body buffered for endpoints that read it (the echo helper streams instead).
    static let maxBufferedBody = 16 * 1024 * 1024
    /// Chunks written per event-loop turn while streaming, so one big answer cannot starve others.
    private static let chunksPerTurn = 16

    private let state: EmulatorState
    private let router: EmulatorRouter
    private let logger: Logger

    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var hasher: SHA256?
    private var bodyByteCount = 0
    private var bodyTooLarge = false
    private var stream: (generator: LargeJSONGenerator, keepAlive: Bool)?
    private var delayedAnswer: Scheduled<Void>?

    init(state: EmulatorState, logger: Logger) {
        self.state = state
        self.router = EmulatorRouter(state: state)
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = nil
            bodyByteCount = 0
            bodyTooLarge = false
            hasher = Self.isEcho(head.uri) ? SHA256() : nil
        case .body(var chunk):
            bodyByteCount += chunk.readableBytes
            if hasher != nil {
                chunk.withUnsafeReadableBytes { hasher?.update(bufferPointer: $0) }
            } else if !bodyTooLarge {
                if (body?.readableBytes ?? 0) + chunk.readableBytes > Self.maxBufferedBody {
                    bodyTooLarge = true
                    body = nil
                } else if body == nil {
                    body = chunk
                } else {
                    body?.writeBuffer(&chunk)
                }
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let digest = hasher.map { BodyDigest(byteCount: bodyByteCount, sha256Hex: Hex.encode($0.finalize())) }
            hasher = nil
            let request = EmulatorRequest(head: head, body: body ?? ByteBuffer(), digest: digest)
            body = nil
            handle(context: context, head: head, request: request)
        }
    }

    private static func isEcho(_ uri: String) -> Bool {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return path == "/v1/emulator/echo" || path == "/v1/emulator/echo/"
    }

    // MARK: Dispatch

    private func handle(context: ChannelHandlerContext, head: HTTPRequestHead, request: EmulatorRequest) {
        // The control surface is never counted and never faulted: tests must always reach it.
        if request.path == "/_emulator" || request.path.hasPrefix("/_emulator/") {
            write(context: context, head: head, request: request, response: router.respond(to: request))
            return
        }
        state.stats.record(method: head.method.rawValue, path: request.path)
        guard let fault = state.faults.consume(path: request.path) else {
            answer(context: context, head: head, request: request)
            return
        }
        if fault.held {
            state.faults.hold(on: context.eventLoop).assumeIsolated().whenSuccess {
                guard context.channel.isActive else { return }
                self.delayThenPlay(fault, context: context, head: head, request: request)
            }
        } else {
            delayThenPlay(fault, context: context, head: head, request: request)
        }
    }

    /// Waits out a fault's latency (if any), then plays its answer.
    private func delayThenPlay(_ fault: Fault, context: ChannelHandlerContext, head: HTTPRequestHead, request: EmulatorRequest) {
        if let latency = fault.latency, latency > .zero {
            delayedAnswer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(latency)) {
                self.delayedAnswer = nil
                guard context.channel.isActive else { return }
                self.play(fault, context: context, head: head, request: request)
            }
        } else {
            play(fault, context: context, head: head, request: request)
        }
    }

    private func answer(context: ChannelHandlerContext, head: HTTPRequestHead, request: EmulatorRequest) {
        let response = bodyTooLarge ? EmulatorResponse.error(.bodyTooLarge) : router.respond(to: request)
        write(context: context, head: head, request: request, response: response)
    }

    /// Plays a fault's answer part (its latency has already passed).
    private func play(_ fault: Fault, context: ChannelHandlerContext, head: HTTPRequestHead, request: EmulatorRequest) {
        if fault.resetConnection {
            // Close without a byte of answer, like an upstream that dropped the connection.
            context.close(promise: nil)
            return
        }
        guard let status = fault.effectiveStatus else {
            answer(context: context, head: head, request: request)
            return
        }
        let error = SpotifyAPIError(
            status: status, message: SpotifyAPIError.standardMessage(for: status),
            reason: fault.quotaExceeded ? "QUOTA_EXCEEDED" : nil
        )
        var response = EmulatorResponse.error(error)
        if let retryAfter = fault.retryAfterSeconds {
            response.headers.replaceOrAdd(name: "Retry-After", value: String(retryAfter))
        }
        write(context: context, head: head, request: request, response: response)
    }

    // MARK: Writing

    private func write(context: ChannelHandlerContext, head: HTTPRequestHead, request: EmulatorRequest, response: EmulatorResponse) {
        var headers = response.headers
        let keepAlive = head.isKeepAlive
        if !keepAlive {
            headers.replaceOrAdd(name: "Connection", value: "close")
        } else if head.version.major == 1 && head.version.minor == 0 {
            headers.replaceOrAdd(name: "Connection", value: "keep-alive")
        }
        let sendsBody = head.method != .HEAD && response.status != .noContent && response.status != .notModified

        switch response.body {
        case .empty:
            if response.status != .noContent && response.status != .notModified {
                headers.replaceOrAdd(name: "Content-Length", value: "0")
            }
            context.write(wrapOutboundOut(.head(responseHead(head, response.status, headers))), promise: nil)
            finish(context: context, keepAlive: keepAlive)

        case .bytes(let identity, let gzipped):
            var payload = identity
            if identity.readableBytes > 0 {
                headers.add(name: "Vary", value: "Accept-Encoding")
                if request.acceptsGzip, let compressed = gzipped ?? Gzip.compress(identity) {
                    payload = compressed
                    headers.replaceOrAdd(name: "Content-Encoding", value: "gzip")
                }
            }
            headers.replaceOrAdd(name: "Content-Length", value: String(payload.readableBytes))
            context.write(wrapOutboundOut(.head(responseHead(head, response.status, headers))), promise: nil)
            if sendsBody && payload.readableBytes > 0 {
                context.write(wrapOutboundOut(.body(.byteBuffer(payload))), promise: nil)
            }
            finish(context: context, keepAlive: keepAlive)

        case .largeJSON(let byteCount):
            // No Content-Length: the encoder frames the body as chunked (HTTP/1.1).
            let streamKeepAlive = keepAlive && head.version == .http1_1
            if !streamKeepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(responseHead(head, response.status, headers))), promise: nil)
            guard sendsBody else {
                finish(context: context, keepAlive: streamKeepAlive)
                return
            }
            stream = (LargeJSONGenerator(byteCount: byteCount, allocator: context.channel.allocator), streamKeepAlive)
            pump(context: context)
        }
    }

    private func responseHead(_ request: HTTPRequestHead, _ status: HTTPResponseStatus, _ headers: HTTPHeaders) -> HTTPResponseHead {
        HTTPResponseHead(version: request.version, status: status, headers: headers)
    }

    private func finish(context: ChannelHandlerContext, keepAlive: Bool) {
        if keepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let done = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
            done.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    /// Writes chunks of the large document while the channel stays writable; resumes on
    /// `channelWritabilityChanged`, or on the next loop turn after a full batch.
    private func pump(context: ChannelHandlerContext) {
        guard var current = stream else { return }
        guard context.channel.isActive else {
            stream = nil
            return
        }
        var written = 0
        while context.channel.isWritable && written < Self.chunksPerTurn, let chunk = current.generator.next() {
            context.write(wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
            written += 1
        }
        if current.generator.isFinished {
            stream = nil
            finish(context: context, keepAlive: current.keepAlive)
            return
        }
        stream = current
        context.flush()
        if context.channel.isWritable {
            context.eventLoop.assumeIsolated().execute { self.pump(context: context) }
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable && stream != nil {
            pump(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stream = nil
        delayedAnswer?.cancel()
        delayedAnswer = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("emulator.connection_error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
