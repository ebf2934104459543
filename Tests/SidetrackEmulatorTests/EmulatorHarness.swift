import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
@testable import SidetrackEmulator

/// A running emulator plus a client of its own, torn down after each test.
struct EmulatorHarness {
    let emulator: SpotifyEmulator
    let client: HTTPClient

    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: ByteBuffer

        var text: String { String(buffer: body) }
        /// The body as a JSON object (fails the caller's `#require` when it is not one).
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] }
        func header(_ name: String) -> String? { headers.first(name: name) }
    }

    /// Runs `body` against a fresh emulator on a free loopback port.
    static func run(_ body: (EmulatorHarness) async throws -> Void) async throws {
        let emulator = SpotifyEmulator()
        _ = try await emulator.start()
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            try await body(EmulatorHarness(emulator: emulator, client: client))
        } catch {
            try? await client.shutdown()
            try? await emulator.stop()
            throw error
        }
        try await client.shutdown()
        try await emulator.stop()
    }

    /// Sends one request; `token` nil sends no Authorization header.
    func send(
        _ method: HTTPMethod = .GET, _ path: String, token: String? = "test-token",
        headers: [(String, String)] = [], body: ByteBuffer? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: emulator.baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(body) }
        let response = try await client.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return Answer(status: Int(response.status.code), headers: response.headers, body: bytes)
    }

    func get(_ path: String, token: String? = "test-token", headers: [(String, String)] = []) async throws -> Answer {
        try await send(.GET, path, token: token, headers: headers)
    }
}

/// Digs `a.b.c` out of decoded JSON.
func value(_ json: Any?, _ path: String) -> Any? {
    var current = json
    for key in path.split(separator: ".") {
        if let index = Int(key), let array = current as? [Any] {
            current = index < array.count ? array[index] : nil
        } else {
            current = (current as? [String: Any])?[String(key)]
        }
    }
    return current
}
