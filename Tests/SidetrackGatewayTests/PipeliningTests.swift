import Testing

/// HTTP/1.1 pipelining end to end: requests sent back to back on one connection are answered in
/// order, whether they go upstream (answered later) or are answered on the spot; and
/// `Connection: close` ends the connection after its answer, whichever path produced it.
@Suite struct PipeliningTests {
    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await GatewayHarness.with { h in
            let requests = [
                ("/v1/tracks/pipelined1", "req-1"),  // a miss: goes upstream
                ("/v1/emulator/headers", "req-2"),  // uncacheable: goes upstream
                ("/v1/tracks/pipelined1", "req-3"),  // a hit, unless still in flight
                ("/v1/tracks/pipelined2", "req-4"),
            ]
            var wire = ""
            for (index, (path, id)) in requests.enumerated() {
                let close = index == requests.count - 1 ? "Connection: close\r\n" : ""
                wire += "GET \(path) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nX-Request-ID: \(id)\r\n\(close)\r\n"
            }
            let (response, closed) = try await RawHTTP.exchangeReportingClose(
                port: h.ports.proxy, Array(wire.utf8), timeout: .seconds(30))
            // The last request said `Connection: close`: the gateway ends the connection after it.
            #expect(closed)
            let statuses = response.components(separatedBy: "HTTP/1.1 200 OK").count - 1
            #expect(statuses == requests.count)
            let positions = requests.map { response.lowercased().range(of: "x-request-id: \($0.1)")?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil })
            let ordered = positions.compactMap { $0 }
            #expect(ordered == ordered.sorted())
        }
    }

    @Test(arguments: ["/v1/tracks/closing1", "/v1/emulator/headers"])
    func connectionCloseEndsTheConnectionAfterAnUpstreamAnswer(path: String) async throws {
        try await GatewayHarness.with { h in
            let wire = "GET \(path) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nConnection: close\r\n\r\n"
            let (response, closed) = try await RawHTTP.exchangeReportingClose(
                port: h.ports.proxy, Array(wire.utf8), timeout: .seconds(30))
            #expect(response.hasPrefix("HTTP/1.1 200 OK"))
            #expect(response.lowercased().contains("connection: close"))
            #expect(closed)
        }
    }
}
