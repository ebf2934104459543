import NIOCore
import NIOHTTP1
import SidetrackGateway
import Testing

/// TLS to the upstream is verified: an unknown certificate is refused, an extra CA file is trusted.
@Suite struct UpstreamTLSTests {
    /// A debug build's TLS (trust store loading, handshake) in a full parallel test run on a small
    /// machine has outlasted the 2 s connect and 10 s request defaults (504 upstream_timeout);
    /// these tests are about which certificates are trusted, not about speed. AsyncHTTPClient
    /// retries a failed handshake until the connect timeout, so the refused case keeps it short
    /// enough to answer 502 well inside the test client's own 30 s.
    static func allowSlowHandshakes(_ settings: inout GatewaySettings, connect: TimeAmount) {
        settings.connectTimeout = connect
        settings.requestTimeout = .seconds(60)
    }

    @Test func anUntrustedUpstreamCertificateIsRefused() async throws {
        let upstream = try await TLSUpstream()
        try await GatewayHarness.with(configure: { settings in
            settings.apiUpstream = UpstreamEndpoint(scheme: "https", host: "127.0.0.1", port: upstream.port)
            Self.allowSlowHandshakes(&settings, connect: .seconds(5))
        }) { h in
            let (response, _) = try await h.get("/v1/tracks/tls1")
            #expect(response.status.code == 502)
            #expect(response.headers.first(name: "sidetrack-error") != nil)
        }
        await upstream.stop()
    }

    @Test func aConfiguredCAFileIsTrusted() async throws {
        let upstream = try await TLSUpstream()
        try await GatewayHarness.with(configure: { settings in
            settings.apiUpstream = UpstreamEndpoint(scheme: "https", host: "127.0.0.1", port: upstream.port)
            settings.caFile = upstream.certificatePath
            Self.allowSlowHandshakes(&settings, connect: .seconds(20))
        }) { h in
            let (response, body) = try await h.get("/v1/tracks/tls1")
            #expect(response.status == .ok)
            #expect(body.string == #"{"tls":true}"#)
        }
        await upstream.stop()
    }
}
