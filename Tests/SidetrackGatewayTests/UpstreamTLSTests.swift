import NIOHTTP1
import SidetrackGateway
import Testing

/// TLS to the upstream is verified: an unknown certificate is refused, an extra CA file is trusted.
@Suite struct UpstreamTLSTests {
    @Test func anUntrustedUpstreamCertificateIsRefused() async throws {
        let upstream = try await TLSUpstream()
        try await GatewayHarness.with(configure: { settings in
            settings.apiUpstream = UpstreamEndpoint(scheme: "https", host: "127.0.0.1", port: upstream.port)
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
        }) { h in
            let (response, body) = try await h.get("/v1/tracks/tls1")
            #expect(response.status == .ok)
            #expect(body.string == #"{"tls":true}"#)
        }
        await upstream.stop()
    }
}
