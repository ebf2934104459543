import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@Suite struct PassThroughTests {
    /// Sidetrack answers what the upstream answered: same status, same end-to-end headers, same body
    /// (bodies without Spotify links are byte-identical).
    @Test func statusHeadersAndBodyMatchTheUpstream() async throws {
        try await GatewayHarness.with { h in
            let path = "/v1/tracks/4uLU6hMCjMI75M1A2tKUQC"
            var direct = HTTPClientRequest(url: h.emulator.baseURL + path)
            direct.headers.add(name: "authorization", value: "Bearer t")
            let upstream = try await h.client.execute(direct, timeout: .seconds(10))
            let upstreamBody = try await upstream.body.collect(upTo: 1 << 20)
            let (viaGateway, body) = try await h.get(path, token: "t")
            #expect(viaGateway.status == upstream.status)
            #expect(viaGateway.headers.first(name: "content-type") == upstream.headers.first(name: "content-type"))
            #expect(viaGateway.headers.first(name: "cache-control") == "private, max-age=0")
            #expect(viaGateway.headers.first(name: "x-cache") == "BYPASS")
            #expect(viaGateway.headers.first(name: "server-timing")?.hasPrefix("upstream;dur=") == true)
            // Links are rewritten, so compare after mapping them back.
            let mapped = body.string.replacingOccurrences(of: h.proxyBase + "/v1/", with: "https://api.spotify.com/v1/")
            #expect(mapped == upstreamBody.string)
            let json = try body.json()
            #expect(json["id"] as? String == "4uLU6hMCjMI75M1A2tKUQC")
        }
    }

    @Test func upstreamErrorsPassThroughUnchanged() async throws {
        try await GatewayHarness.with { h in
            let (missing, body) = try await h.get("/v1/tracks/missing123")
            #expect(missing.status == .notFound)
            #expect(missing.headers.first(name: "sidetrack-error") == nil)
            let error = try #require(try body.json()["error"] as? [String: Any])
            #expect(error["status"] as? Int == 404)
            #expect(error["message"] as? String == "Resource not found")

            let (unauthorized, _) = try await h.send(.GET, "/v1/me")
            #expect(unauthorized.status == .unauthorized)
            #expect(unauthorized.headers.first(name: "sidetrack-error") == nil)
        }
    }

    /// What reaches the upstream: end-to-end headers kept, hop-by-hop dropped, `X-Forwarded-*` set,
    /// `Host` the upstream's, the request id forwarded.
    @Test func requestHeadersSeenByTheUpstream() async throws {
        try await GatewayHarness.with { h in
            let headers: HTTPHeaders = [
                "authorization": "Bearer secret", "accept-language": "de", "x-custom": "kept",
                "connection": "keep-alive, x-hop", "x-hop": "dropped", "te": "trailers", "proxy-authorization": "Basic x",
                "x-request-id": "caller-id-1", "x-forwarded-for": "10.1.1.1",
            ]
            let (response, body) = try await h.send(.GET, "/v1/emulator/headers", headers: headers)
            #expect(response.status == .ok)
            let seen = try body.json()
            let received = (seen["headers"] as? [String: Any]) ?? seen
            func value(_ name: String) -> String? {
                if let string = received[name] as? String { return string }
                return (received[name] as? [String])?.joined(separator: ", ")
            }
            #expect(value("authorization") == "Bearer secret")
            #expect(value("accept-language") == "de")
            #expect(value("x-custom") == "kept")
            #expect(value("x-hop") == nil)
            #expect(value("te") == nil)
            #expect(value("proxy-authorization") == nil)
            #expect(value("x-request-id") == "caller-id-1")
            #expect(value("x-forwarded-for") == "10.1.1.1, 127.0.0.1")
            #expect(value("x-forwarded-proto") == "http")
            #expect(value("x-forwarded-host") == "127.0.0.1:\(h.ports.proxy)")
            #expect(value("host")?.hasPrefix("127.0.0.1") == true)
        }
    }

    @Test func mutationsAndTheTokenEndpointAreForwarded() async throws {
        try await GatewayHarness.with { h in
            var headers: HTTPHeaders = ["authorization": "Bearer t", "content-type": "application/json"]
            let (created, createdBody) = try await h.send(
                .POST, "/v1/playlists/p1/items", headers: headers, body: Array(#"{"uris":["spotify:track:a"]}"#.utf8))
            #expect(created.status == .created)
            #expect(try createdBody.json()["snapshot_id"] != nil)

            headers = [
                "authorization": "Basic " + Data("id:secret".utf8).base64EncodedString(),
                "content-type": "application/x-www-form-urlencoded",
            ]
            let (token, tokenBody) = try await h.send(
                .POST, "/api/token", headers: headers, body: Array("grant_type=client_credentials".utf8))
            #expect(token.status == .ok)
            #expect(try tokenBody.json()["token_type"] as? String == "Bearer")
            #expect(h.emulator.stats().count("POST", "/api/token") == 1)

            let (bad, badBody) = try await h.send(
                .POST, "/api/token", headers: ["content-type": "application/x-www-form-urlencoded"],
                body: Array("grant_type=client_credentials".utf8))
            #expect(bad.status == .badRequest)
            #expect(try badBody.json()["error"] as? String == "invalid_client")
        }
    }

    /// spotipy sends trailing slashes on some paths; they reach the upstream and are classified.
    @Test func trailingSlashesAreAccepted() async throws {
        try await GatewayHarness.with { h in
            let (response, _) = try await h.get("/v1/albums/abc/tracks/")
            #expect(response.status != .badGateway)
            let line = try #require(await h.accessLines(waitingFor: 1).last)
            #expect(line["route"] as? String == "/v1/albums/{id}/tracks")
        }
    }

    @Test func headRequestsHaveNoBody() async throws {
        try await GatewayHarness.with { h in
            let (response, body) = try await h.send(.HEAD, "/v1/tracks/abc", headers: ["authorization": "Bearer t"])
            #expect(response.status == .ok)
            #expect(body.readableBytes == 0)
        }
    }
}

/// A proxied answer's head as the client receives it, byte for byte: Sidetrack writes it from the
/// upstream's head in one pass (`ResponsePart.streamHead`), framing included.
@Suite struct ProxiedHeadBytesTests {
    private static let path = "/v1/tracks/4uLU6hMCjMI75M1A2tKUQC"

    private static func head(_ response: String) -> [String] {
        let end = response.range(of: "\r\n\r\n")?.lowerBound ?? response.endIndex
        return response[..<end].components(separatedBy: "\r\n")
    }

    /// The rewritten body's length is not known when the upstream's head arrives; the answer
    /// arrives whole in one upstream read here (as small answers do), so by the time the head is
    /// released it is, and the client gets `Content-Length` rather than chunks (`HeldResponseHead`;
    /// `StreamingTests` covers an answer that does not fit in one read, chunked).
    @Test func aRewrittenJSONAnswerArrivingWholeGetsItsLengthAndTheGatewaysFields() async throws {
        try await GatewayHarness.with { h in
            let (response, closed) = try await RawHTTP.exchangeReportingClose(
                port: h.ports.proxy,
                Array("GET \(Self.path) HTTP/1.1\r\nHost: gw.test\r\nAuthorization: Bearer t\r\nConnection: close\r\n\r\n".utf8))
            let lines = Self.head(response)
            #expect(lines.first == "HTTP/1.1 200 OK")
            let names = lines.dropFirst().map { $0.prefix { $0 != ":" }.lowercased() }
            #expect(names == [
                "content-type", "cache-control", "vary", "x-request-id", "x-cache", "server-timing", "connection",
                "content-length",
            ])
            #expect(lines.contains("connection: close"))
            #expect(lines.contains("x-cache: BYPASS"))
            let timing = try #require(lines.first { $0.hasPrefix("server-timing: ") })
            #expect(timing.wholeMatch(of: /server-timing: upstream;dur=[0-9]+\.[0-9]/) != nil)
            let length = try #require(lines.last.flatMap { Int($0.dropFirst("content-length: ".count)) })
            let body = try #require(response.range(of: "\r\n\r\n")).upperBound
            #expect(response[body...].utf8.count == length)
            #expect(response.hasSuffix("}"))
            #expect(response.contains("http://gw.test/v1/"))
            #expect(closed)
        }
    }

    @Test func anHTTP10AnswerEndsTheConnectionAndIsNotChunked() async throws {
        try await GatewayHarness.with { h in
            let (response, closed) = try await RawHTTP.exchangeReportingClose(
                port: h.ports.proxy,
                Array("GET \(Self.path) HTTP/1.0\r\nHost: gw.test\r\nAuthorization: Bearer t\r\nConnection: keep-alive\r\n\r\n".utf8))
            let lines = Self.head(response)
            #expect(lines.first == "HTTP/1.0 200 OK")
            #expect(!lines.contains { $0.lowercased().hasPrefix("transfer-encoding") || $0.lowercased().hasPrefix("content-length") })
            #expect(response.hasSuffix("}"))
            #expect(closed)
        }
    }

    @Test func aHEADAnswerKeepsItsFramingAndSendsNoBody() async throws {
        try await GatewayHarness.with { h in
            let (response, _) = try await RawHTTP.exchangeReportingClose(
                port: h.ports.proxy,
                Array("HEAD \(Self.path) HTTP/1.1\r\nHost: gw.test\r\nAuthorization: Bearer t\r\n\r\nGET /v1/markets HTTP/1.1\r\nHost: gw.test\r\nAuthorization: Bearer t\r\nConnection: close\r\n\r\n".utf8))
            // The HEAD answer's head is followed at once by the next answer (no body in between).
            let parts = response.components(separatedBy: "\r\n\r\n")
            #expect(parts.first?.hasPrefix("HTTP/1.1 200 OK") == true)
            #expect(parts.count >= 2 && parts[1].hasPrefix("HTTP/1.1 "))
        }
    }
}
