import Testing

/// Requests no client library would send, over raw sockets.
@Suite struct BadInputTests {
    private func statusLine(_ response: String) -> String {
        String(response.split(separator: "\r\n", maxSplits: 1).first ?? "")
    }

    @Test func malformedRequestLineIs400() async throws {
        try await GatewayHarness.with { h in
            let response = try await RawHTTP.exchange(port: h.ports.proxy, "THIS IS NOT HTTP\r\n\r\n")
            #expect(statusLine(response) == "HTTP/1.1 400 Bad Request")
            #expect(response.lowercased().contains("sidetrack-error: bad_request"))
            #expect(response.contains(#"{"error":{"status":400,"#))
            #expect(response.lowercased().contains("connection: close"))
        }
    }

    @Test func oversizedHeadersAre431() async throws {
        try await GatewayHarness.with(configure: { $0.maxHeaderBytes = 4096 }) { h in
            let big = String(repeating: "x", count: 8000)
            let response = try await RawHTTP.exchange(
                port: h.ports.proxy, "GET /v1/tracks/a HTTP/1.1\r\nHost: x\r\nX-Big: \(big)\r\n\r\n")
            #expect(statusLine(response) == "HTTP/1.1 431 Request Header Fields Too Large")
            #expect(response.lowercased().contains("sidetrack-error: headers_too_large"))
            #expect(h.emulator.stats().totalRequests == 0)
        }
    }

    @Test(arguments: [
        "GET http://evil.example/v1/tracks/a HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        "GET https://169.254.169.254/latest/meta-data HTTP/1.1\r\nHost: 169.254.169.254\r\n\r\n",
        "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n",
    ])
    func notAnOpenProxy(request: String) async throws {
        try await GatewayHarness.with { h in
            let response = try await RawHTTP.exchange(port: h.ports.proxy, request)
            #expect(statusLine(response) == "HTTP/1.1 403 Forbidden")
            #expect(response.lowercased().contains("sidetrack-error: not_allowed"))
            #expect(h.emulator.stats().totalRequests == 0)
        }
    }

    /// Absolute-form for the configured upstream itself is just a request.
    @Test func absoluteFormForTheUpstreamIsServed() async throws {
        try await GatewayHarness.with { h in
            let response = try await RawHTTP.exchange(
                port: h.ports.proxy,
                "GET http://api.spotify.com/v1/tracks/abc HTTP/1.1\r\nHost: api.spotify.com\r\nAuthorization: Bearer t\r\nConnection: close\r\n\r\n")
            #expect(statusLine(response) == "HTTP/1.1 200 OK")
            #expect(h.emulator.stats().count("GET", "/v1/tracks/abc") == 1)
        }
    }

    @Test func declaredBodyOverTheLimitIs413() async throws {
        try await GatewayHarness.with(configure: { $0.maxBodyBytes = 1000 }) { h in
            let response = try await RawHTTP.exchange(
                port: h.ports.proxy,
                "PUT /v1/emulator/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + String(repeating: "a", count: 5000))
            #expect(statusLine(response) == "HTTP/1.1 413 Payload Too Large")
            #expect(response.lowercased().contains("sidetrack-error: body_too_large"))
            #expect(h.emulator.stats().totalRequests == 0)
        }
    }

    @Test func chunkedBodyOverTheLimitIs413() async throws {
        try await GatewayHarness.with(configure: { $0.maxBodyBytes = 1000 }) { h in
            let chunk = String(repeating: "b", count: 800)
            let request = "PUT /v1/emulator/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "320\r\n\(chunk)\r\n320\r\n\(chunk)\r\n0\r\n\r\n"
            let response = try await RawHTTP.exchange(port: h.ports.proxy, request)
            #expect(statusLine(response) == "HTTP/1.1 413 Payload Too Large")
        }
    }

    /// A malformed chunk in the middle of an upload ends that connection at once: the request's
    /// handler learns its body failed rather than waiting for the rest of it.
    @Test func aBadChunkMidUploadClosesTheConnectionAtOnce() async throws {
        try await GatewayHarness.with { h in
            let request = "PUT /v1/emulator/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\nnot-a-size\r\n"
            let (_, peerClosed) = try await RawHTTP.exchangeReportingClose(
                port: h.ports.proxy, Array(request.utf8), timeout: .seconds(3))
            #expect(peerClosed)
            // The gateway goes on serving.
            let (response, _) = try await h.get("/v1/tracks/abc")
            #expect(response.status == .ok)
        }
    }

    @Test func invalidContentLengthIs400() async throws {
        try await GatewayHarness.with { h in
            let response = try await RawHTTP.exchange(
                port: h.ports.proxy, "PUT /v1/emulator/echo HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n")
            #expect(statusLine(response) == "HTTP/1.1 400 Bad Request")
        }
    }

    /// After a bad request on one connection, the gateway keeps serving others.
    @Test func gatewaySurvivesGarbage() async throws {
        try await GatewayHarness.with { h in
            for garbage in ["\u{0}\u{1}\u{2}\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET /v1/x HTTP/1.1\r\nBad Header\r\n\r\n"] {
                _ = try await RawHTTP.exchange(port: h.ports.proxy, garbage, timeout: .seconds(2))
            }
            let (response, _) = try await h.get("/v1/tracks/abc")
            #expect(response.status == .ok)
        }
    }
}
