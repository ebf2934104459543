import Testing
@testable import SidetrackConfig

@Suite struct ValueParsingTests {
    @Test(arguments: [
        ("127.0.0.1:8080", "127.0.0.1", 8080),
        ("0.0.0.0:0", "0.0.0.0", 0),
        ("[::1]:9901", "::1", 9901),
        ("[::]:80", "::", 80),
        ("[2001:db8::1]:65535", "2001:db8::1", 65535),
        ("[::ffff:192.0.2.1]:1", "::ffff:192.0.2.1", 1),
        ("LocalHost:8080", "localhost", 8080),
        ("sidetrack-0.sidetrack.svc.cluster.local:80", "sidetrack-0.sidetrack.svc.cluster.local", 80),
    ])
    func validHostPort(text: String, host: String, port: Int) {
        #expect(HostPort(text) == HostPort(host: host, port: port))
    }

    @Test(arguments: [
        "", ":8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:+80", "127.0.0.1:８０",
        "::1:8080", "[::1]", "[::1]8080", "[1:2:3:4:5:6:7:8:9]:80", "[::1::2]:80", "[fe80::1%eth0]:80", "[127.0.0.1]:80",
        "256.0.0.1:80", "1.2.3:80", "01.2.3.4:80", "-bad.example:80", "bad_host:80", "a..b:80", "host name:80",
        "127.0.0.1:8080:1",
    ])
    func invalidHostPort(text: String) {
        #expect(HostPort(text) == nil)
    }

    @Test func hostPortDescriptionBracketsIPv6() {
        #expect(HostPort(host: "::1", port: 80).description == "[::1]:80")
        #expect(HostPort(host: "127.0.0.1", port: 80).description == "127.0.0.1:80")
        #expect(HostPort("[::1]:0")?.isLoopback == true)
        #expect(HostPort("10.0.0.1:1")?.isLoopback == false)
    }

    @Test(arguments: [
        ("https://api.spotify.com", "https://api.spotify.com", 443),
        ("https://api.spotify.com/", "https://api.spotify.com", 443),
        ("HTTPS://API.Spotify.com:443", "https://api.spotify.com", 443),
        ("http://127.0.0.1:9000", "http://127.0.0.1:9000", 9000),
        ("http://[::1]:9000", "http://[::1]:9000", 9000),
        ("http://[::1]", "http://[::1]", 80),
        ("http://localhost:80", "http://localhost", 80),
        ("https://example.com:8443/", "https://example.com:8443", 8443),
    ])
    func validOriginURL(text: String, origin: String, port: Int) {
        let url = OriginURL(text)
        #expect(url?.origin == origin)
        #expect(url?.port == port)
    }

    @Test(arguments: [
        "", "api.spotify.com", "//api.spotify.com", "ftp://api.spotify.com", "ws://api.spotify.com",
        "https://", "https:///v1", "https://api.spotify.com/v1", "https://api.spotify.com//",
        "https://api.spotify.com?market=SE", "https://api.spotify.com#top", "https://api.spotify.com:0",
        "https://api.spotify.com:65536", "https://api.spotify.com:", "https://::1", "http://[::1",
        "https://api spotify.com",
    ])
    func invalidOriginURL(text: String) {
        #expect(OriginURL(text) == nil)
    }

    @Test func userinfoIsKeptSecretAndRedactedInDescription() throws {
        let url = try #require(OriginURL("https://user:hunter2@proxy.example:8443"))
        #expect(url.userinfo?.value == "user:hunter2")
        #expect(url.origin == "https://proxy.example:8443")
        #expect(url.description == "https://<redacted>@proxy.example:8443")
        #expect(!"\(url)".contains("hunter2"))
    }

    @Test(arguments: [
        ("250ms", 250), ("2s", 2_000), ("1m", 60_000), ("1h", 3_600_000), ("30", 30_000), ("0.25", 250),
        ("1.5s", 1_500), ("0.5m", 30_000), ("0ms", 0), ("007s", 7_000), ("1.000s", 1_000),
    ])
    func durationParsing(text: String, milliseconds: Int64) {
        #expect(DurationText.parse(text) == .milliseconds(milliseconds))
    }

    @Test(arguments: ["", "s", "ms", "fast", "-1s", "+1s", "1 s", "1.s", ".5s", "1d", "1e3", "1.0001s", "1S", "1sec",
                      "99999999999999h", "1..2s"])
    func durationRejects(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test(arguments: [(250, "250ms"), (2_000, "2s"), (90_000, "90s"), (60_000, "1m"), (3_600_000, "1h"), (1_500, "1500ms")])
    func durationFormatting(milliseconds: Int64, text: String) {
        #expect(DurationText.format(.milliseconds(milliseconds)) == text)
        #expect(DurationText.parse(text) == .milliseconds(milliseconds))
    }

    @Test func suggestionsOnlyForNearMisses() {
        #expect(Suggestion.closest(to: "lisen", in: ["listen", "admin"]) == "listen")
        #expect(Suggestion.closest(to: "tracing", in: ["listen", "admin"]) == nil)
    }
}
