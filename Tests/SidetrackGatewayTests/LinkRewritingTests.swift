import CompressNIO
import NIOCore
import NIOHTTP1
import Testing

@Suite struct LinkRewritingTests {
    @Test func pagingLinksPointAtTheGateway() async throws {
        try await GatewayHarness.with { h in
            var next: String? = h.proxyBase + "/v1/albums/abc/tracks?limit=20"
            var seen = 0
            var pages = 0
            while let url = next, pages < 10 {
                #expect(url.hasPrefix(h.proxyBase + "/v1/"), "next link \(url) bypasses the gateway")
                let (response, body) = try await h.get(String(url.dropFirst(h.proxyBase.count)))
                #expect(response.status == .ok)
                let page = try body.json()
                seen += (page["items"] as? [Any])?.count ?? 0
                next = page["next"] as? String
                pages += 1
                #expect(!body.string.contains("https://api.spotify.com/v1/"))
            }
            #expect(seen == 45)
            #expect(pages == 3)
        }
    }

    /// The public base is the Host the client used, unless configured.
    @Test func linksFollowTheClientsHostHeader() async throws {
        try await GatewayHarness.with { h in
            let (_, body) = try await h.get("/v1/tracks/abc", headers: ["host": "gateway.test:1234"])
            #expect(body.string.contains("\"http://gateway.test:1234/v1/tracks/abc\""))
        }
    }

    /// The base is remembered per connection (`PublicBaseMemo`); a new Host on the same client's
    /// requests is still followed, and an unsafe one falls back to the address the client reached.
    @Test func eachRequestGetsItsOwnHostsLinks() async throws {
        try await GatewayHarness.with { h in
            for host in ["a.test:1", "b.test:2", "a.test:1", "bad\"host", "b.test:2"] {
                let (_, body) = try await h.get("/v1/tracks/abc", headers: ["host": host])
                // The fallback is the address the connection reached (the harness listens on port 0).
                let base = host == "bad\"host" ? h.proxyBase : "http://" + host
                #expect(body.string.contains("\"\(base)/v1/tracks/abc\""), "host \(host)")
                #expect(!body.string.contains("bad"))
            }
        }
    }

    @Test func configuredPublicBaseWins() async throws {
        try await GatewayHarness.with(configure: { $0.publicBaseURL = "https://spotify-gw.internal" }) { h in
            let (_, body) = try await h.get("/v1/tracks/abc")
            #expect(body.string.contains("\"https://spotify-gw.internal/v1/tracks/abc\""))
            #expect(!body.string.contains("api.spotify.com/v1"))
        }
    }

    /// Compressed bodies are inflated, rewritten and compressed again; the client gets valid gzip.
    @Test func gzipBodiesAreRewrittenToo() async throws {
        try await GatewayHarness.with { h in
            let (response, body) = try await h.get("/v1/albums/abc/tracks?limit=50", headers: ["accept-encoding": "gzip"])
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "content-encoding") == "gzip")
            // Arrived whole in one upstream read: the recompressed length is known when the head goes out.
            #expect(response.headers.first(name: "content-length") == String(body.readableBytes))
            var compressed = body
            let plain = try compressed.decompress(with: .gzip())
            let text = String(buffer: plain)
            #expect(text.contains(h.proxyBase + "/v1/tracks/"))
            #expect(!text.contains("https://api.spotify.com/v1/"))
            let page = try plain.json()
            #expect((page["items"] as? [Any])?.count == 45)
        }
    }

    @Test func bodiesAreNotRewrittenWhenDisabled() async throws {
        try await GatewayHarness.with(configure: { $0.rewriteLinks = false }) { h in
            let (response, body) = try await h.get("/v1/tracks/abc")
            #expect(body.string.contains("https://api.spotify.com/v1/tracks/abc"))
            #expect(response.headers.first(name: "content-length") == String(body.readableBytes))
        }
    }
}
