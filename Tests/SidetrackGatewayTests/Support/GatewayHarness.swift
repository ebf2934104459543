import AsyncHTTPClient
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import SidetrackCore
import SidetrackEmulator
import SidetrackGateway
import ServiceLifecycle
import SidetrackObservability

/// Sidetrack in front of the in-process emulator, both on port 0 over real loopback sockets.
final class GatewayHarness: Sendable {
    let emulator: SpotifyEmulator
    let gateway: Gateway
    let ports: Gateway.BoundPorts
    let client: HTTPClient
    let sink: LogSink
    private let captured: NIOLockedValueBox<[UInt8]>

    var proxyBase: String { "http://127.0.0.1:\(ports.proxy)" }
    var adminBase: String { "http://127.0.0.1:\(ports.admin)" }

    private init(
        emulator: SpotifyEmulator, gateway: Gateway, ports: Gateway.BoundPorts, sink: LogSink,
        captured: NIOLockedValueBox<[UInt8]>
    ) {
        self.emulator = emulator
        self.gateway = gateway
        self.ports = ports
        self.sink = sink
        self.captured = captured
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, decompression: .disabled)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Runs `body` with a fresh emulator + gateway and always tears both down.
    static func with<T>(
        configure: (inout GatewaySettings) -> Void = { _ in },
        _ body: (GatewayHarness) async throws -> T
    ) async throws -> T {
        let emulator = SpotifyEmulator()
        let emulatorPort = try await emulator.start()
        var settings = GatewaySettings()
        settings.proxyPort = 0
        settings.adminPort = 0
        settings.apiUpstream = UpstreamEndpoint(scheme: "http", host: "127.0.0.1", port: emulatorPort)
        settings.accountsUpstream = settings.apiUpstream
        settings.drainTimeout = .seconds(5)
        // The bare proxy by default (tests count upstream calls); cache tests switch it on.
        settings.cacheEnabled = false
        settings.cachePath = nil
        // No rate limits, breakers or retries unless a test asks: they would change upstream counts.
        settings.resilience = .off
        // Nor load shedding: parallel tests on a small machine make the shared event loops run
        // late, and a test would see 503 overloaded. AdmissionTests switch it on.
        settings.shedLagTarget = .zero
        configure(&settings)
        let captured = NIOLockedValueBox<[UInt8]>([])
        let sink = LogSink(capacityBytes: 8 << 20) { bytes in captured.withLockedValue { $0.append(contentsOf: bytes) } }
        let metrics = GatewayMetrics(routes: Gateway.routeLabels(.spotify), version: "test", commit: "test")
        let gateway = try Gateway(
            settings: settings, metrics: metrics, sink: sink, logger: Logger(label: "test"), version: "test")
        let ports = try await gateway.start()
        let harness = GatewayHarness(emulator: emulator, gateway: gateway, ports: ports, sink: sink, captured: captured)
        guard let tracing = gateway.tracing else {
            return try await harness.run(body)
        }
        // The span exporter runs beside the test, as in `ServeCommand`, and flushes at the end.
        let exporter = ServiceGroup(services: [tracing.service], logger: Logger(label: "test.tracing"))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await exporter.run() }
            defer { group.cancelAll() }
            let result = try await harness.run(body)
            await exporter.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        }
    }

    private func run<T>(_ body: (GatewayHarness) async throws -> T) async throws -> T {
        do {
            let result = try await body(self)
            await shutdown()
            return result
        } catch {
            await shutdown()
            throw error
        }
    }

    private func shutdown() async {
        try? await client.shutdown()
        await gateway.drain()
        try? await emulator.stop()
    }

    /// One request through the proxy; the whole body collected (up to 64 MiB).
    func send(
        _ method: HTTPMethod = .GET, _ path: String, headers: HTTPHeaders = [:], body: [UInt8]? = nil,
        base: String? = nil
    ) async throws -> (HTTPClientResponse, ByteBuffer) {
        var request = HTTPClientRequest(url: (base ?? proxyBase) + path)
        request.method = method
        request.headers = headers
        if let body { request.body = .bytes(body) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 64 << 20)
        return (response, collected)
    }

    /// A GET with a bearer token.
    func get(_ path: String, token: String = "test-token", headers: HTTPHeaders = [:]) async throws -> (HTTPClientResponse, ByteBuffer) {
        var all = headers
        all.add(name: "authorization", value: "Bearer \(token)")
        return try await send(.GET, path, headers: all)
    }

    /// Every JSON log line written so far (flushes the sink first).
    func logLines() -> [[String: Any]] {
        _ = sink.flush()
        let text = String(decoding: captured.withLockedValue { $0 }, as: UTF8.self)
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    /// The access-log lines (`"msg":"request"`).
    func accessLines() -> [[String: Any]] {
        logLines().filter { $0["msg"] as? String == "request" }
    }

    /// The access-log lines once there are at least `minimum` (bounded wait, 5 s): a request's line
    /// is written just after its last byte, so a client can read the answer before the line exists.
    func accessLines(waitingFor minimum: Int) async -> [[String: Any]] {
        var lines = accessLines()
        _ = await SidetrackProcess.waitUntil(timeout: .seconds(5)) {
            lines = accessLines()
            return lines.count >= minimum
        }
        return lines
    }

    /// Raw log text, for "never appears" checks.
    func rawLog() -> String {
        _ = sink.flush()
        return String(decoding: captured.withLockedValue { $0 }, as: UTF8.self)
    }

    func metricsText(admin: Bool = true) async throws -> String {
        let (_, body) = try await send(.GET, "/metrics", base: admin ? adminBase : proxyBase)
        return String(buffer: body)
    }
}

extension ByteBuffer {
    var string: String { String(buffer: self) }

    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(readableBytesView))
        guard let dictionary = object as? [String: Any] else { throw HarnessError("body is not a JSON object: \(string)") }
        return dictionary
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Finds `sample` value of the series whose line starts with `prefix` in exposition text.
func metricValue(_ text: String, _ series: String) -> Double? {
    for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.split(separator: " ").last ?? "")
    }
    return nil
}
