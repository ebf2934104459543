import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal OTLP/HTTP collector on 127.0.0.1:0: accepts `POST /v1/traces` in the JSON encoding
/// (swift-otel's `http/json`), answers `200 {}` and keeps every span it received, flattened.
final class OTLPReceiver: Sendable {
    struct ReceivedSpan: Sendable {
        let traceID: String
        let spanID: String
        /// Empty for a root span.
        let parentSpanID: String
        let name: String
        /// OTLP `SpanKind`: 2 server, 3 client.
        let kind: Int
        let attributes: [String: String]
        let events: [String]
        let serviceName: String?
    }

    let port: Int
    private let channel: any Channel
    private let received: NIOLockedValueBox<[ReceivedSpan]>

    var endpoint: String { "http://127.0.0.1:\(port)/v1/traces" }
    var spans: [ReceivedSpan] { received.withLockedValue { $0 } }

    /// - Parameter answering: false makes a hung collector: connections are accepted, never answered.
    init(answering: Bool = true) async throws {
        let received = NIOLockedValueBox<[ReceivedSpan]>([])
        self.received = received
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    if answering { try channel.pipeline.syncOperations.addHandler(Collector(received: received)) }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    func stop() async {
        try? await channel.close()
    }

    /// Polls (bounded) until `predicate` holds for the received spans; returns them either way.
    func waitForSpans(timeout: Duration = .seconds(20), until predicate: ([ReceivedSpan]) -> Bool) async throws -> [ReceivedSpan] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let spans = self.spans
            if predicate(spans) { return spans }
            try await Task.sleep(for: .milliseconds(50))
        }
        return spans
    }

    private final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let received: NIOLockedValueBox<[ReceivedSpan]>
        var body = ByteBuffer()
        var path = ""

        init(received: NIOLockedValueBox<[ReceivedSpan]>) { self.received = received }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                path = head.uri
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                if path == "/v1/traces" {
                    let spans = Self.parse(Data(body.readableBytesView))
                    received.withLockedValue { $0.append(contentsOf: spans) }
                }
                let answer = ByteBuffer(string: "{}")
                let headers: HTTPHeaders = ["content-type": "application/json", "content-length": "\(answer.readableBytes)"]
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(answer))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }

        /// OTLP JSON as swift-protobuf writes it: camelCase fields, ids as base64 bytes, enums as ints.
        static func parse(_ data: Data) -> [ReceivedSpan] {
            guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return [] }
            var spans: [ReceivedSpan] = []
            for resourceSpans in root["resourceSpans"] as? [[String: Any]] ?? [] {
                let resource = attributes((resourceSpans["resource"] as? [String: Any])?["attributes"])
                for scope in resourceSpans["scopeSpans"] as? [[String: Any]] ?? [] {
                    for span in scope["spans"] as? [[String: Any]] ?? [] {
                        spans.append(ReceivedSpan(
                            traceID: hex(span["traceId"]), spanID: hex(span["spanId"]), parentSpanID: hex(span["parentSpanId"]),
                            name: span["name"] as? String ?? "", kind: span["kind"] as? Int ?? 0,
                            attributes: attributes(span["attributes"]),
                            events: (span["events"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String },
                            serviceName: resource["service.name"]))
                    }
                }
            }
            return spans
        }

        static func hex(_ value: Any?) -> String {
            guard let text = value as? String, let bytes = Data(base64Encoded: text) else { return "" }
            return bytes.map { String(format: "%02x", $0) }.joined()
        }

        static func attributes(_ value: Any?) -> [String: String] {
            var result: [String: String] = [:]
            for attribute in value as? [[String: Any]] ?? [] {
                guard let key = attribute["key"] as? String, let value = attribute["value"] as? [String: Any] else { continue }
                if let text = value["stringValue"] as? String {
                    result[key] = text
                } else if let number = value["intValue"] {
                    result[key] = "\(number)"
                } else if let flag = value["boolValue"] as? Bool {
                    result[key] = "\(flag)"
                }
            }
            return result
        }
    }
}
