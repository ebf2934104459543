import Foundation
import NIOHTTP1
import Testing

@Suite struct ObservabilityTests {
    @Test func oneAccessLineWithEveryFieldAndNoSecrets() async throws {
        try await GatewayHarness.with { h in
            let token = "BQDsecret-token-never-logged"
            let (response, _) = try await h.get("/v1/search?q=secret-query&type=track", token: token)
            #expect(response.status == .ok)
            let lines = await h.accessLines(waitingFor: 1)
            #expect(lines.count == 1)
            let line = try #require(lines.first)
            for field in [
                "ts", "level", "msg", "request_id", "trace_id", "span_id", "method", "route", "path", "status", "duration_ms",
                "cache", "upstream_status", "upstream_ms", "retries", "breaker", "rate_limit", "error", "client", "bytes_out",
            ] {
                #expect(line.keys.contains(field), "access line lacks \(field)")
            }
            #expect(line["method"] as? String == "GET")
            #expect(line["route"] as? String == "/v1/search")
            #expect(line["path"] as? String == "/v1/search")
            #expect(line["status"] as? Int == 200)
            #expect(line["upstream_status"] as? Int == 200)
            #expect(line["cache"] as? String == "bypass")
            #expect((line["client"] as? String)?.hasPrefix("tok:") == true)
            #expect((line["ts"] as? String)?.hasSuffix("Z") == true)
            let raw = h.rawLog()
            #expect(!raw.contains(token))
            #expect(!raw.contains("secret-query"))
            #expect(!raw.lowercased().contains("bearer"))
        }
    }

    @Test func requestMetricsCountPerRouteMethodAndCode() async throws {
        try await GatewayHarness.with { h in
            let before = try await h.metricsText()
            let series = #"sidetrack_http_server_requests_total{route="/v1/tracks/{id}",method="GET",code="200"}"#
            #expect(metricValue(before, series) == 0, "series must exist at zero from start-up")
            for _ in 0..<3 { _ = try await h.get("/v1/tracks/abc") }
            _ = try await h.get("/v1/tracks/missing1")
            let after = try await h.metricsText()
            #expect(metricValue(after, series) == 3)
            #expect(metricValue(after, #"sidetrack_http_server_requests_total{route="/v1/tracks/{id}",method="GET",code="404"}"#) == 1)
            let histogramCount = #"sidetrack_http_server_request_duration_seconds_count{route="/v1/tracks/{id}",method="GET",status_class="2xx",cache="bypass"}"#
            #expect(metricValue(after, histogramCount) == 3)
            #expect(metricValue(after, #"sidetrack_upstream_requests_total{route="/v1/tracks/{id}",outcome="success"}"#) == 3)
            #expect(metricValue(after, #"sidetrack_upstream_requests_total{route="/v1/tracks/{id}",outcome="client_error"}"#) == 1)
            #expect(metricValue(after, "sidetrack_http_server_active_requests") == 0)
            #expect(after.contains(#"sidetrack_build_info{version="test",commit="test"} 1"#))
            #expect(after.contains("process_resident_memory_bytes"))
            // Labels are bounded: no raw ids anywhere.
            #expect(!after.contains("missing1"))
            #expect(!after.contains("/v1/tracks/abc"))
        }
    }

    @Test func everyRouteOfTheTableHasItsSeriesFromStartUp() async throws {
        try await GatewayHarness.with { h in
            let text = try await h.metricsText()
            for template in ["/v1/albums/{id}/tracks", "/v1/me/player/queue", "/v1/playlists/{playlist_id}/items", "other"] {
                #expect(text.contains(#"route="\#(template)""#), "no series for \(template)")
            }
        }
    }
}
