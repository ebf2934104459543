import AsyncHTTPClient
import Foundation
import NIOCore
import SidetrackEmulator
import Testing

/// The real binary: SIGTERM drain, exit codes, start-up errors.
@Suite(.serialized) struct ProcessLifecycleTests {
    /// SIGTERM: `/ready` turns 503 at once, the in-flight request completes, the process exits 0.
    @Test func sigtermDrainsInFlightRequestsAndExitsZero() async throws {
        let emulator = SpotifyEmulator()
        let upstreamPort = try await emulator.start()
        defer { Task { try? await emulator.stop() } }
        emulator.faults.set(Fault(latency: .milliseconds(1500), pathPrefix: "/v1/tracks/slow"))
        let gateway = try SidetrackProcess([
            "serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
            "--upstream", "http://127.0.0.1:\(upstreamPort)", "--accounts-upstream", "http://127.0.0.1:\(upstreamPort)",
            "--cache-path", "none",
        ])
        defer { gateway.stop() }
        let proxy = try #require(await gateway.boundPort("proxy"), "no proxy port: \(gateway.standardOutput) \(gateway.standardError)")
        let admin = try #require(await gateway.boundPort("admin"))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }

        func status(_ url: String) async -> Int? {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "authorization", value: "Bearer t")
            guard let response = try? await client.execute(request, timeout: .seconds(10)) else { return nil }
            _ = try? await response.body.collect(upTo: 1 << 20)
            return Int(response.status.code)
        }

        #expect(await status("http://127.0.0.1:\(admin)/ready") == 200)
        async let slow = status("http://127.0.0.1:\(proxy)/v1/tracks/slow1")
        // Wait until the slow request is really in flight upstream, then signal.
        let inFlight = await SidetrackProcess.waitUntil(timeout: .seconds(10)) {
            emulator.stats().count("GET", "/v1/tracks/slow1") == 1
        }
        #expect(inFlight)
        gateway.signal(SIGTERM)
        let notReady = await SidetrackProcess.waitUntil(timeout: .seconds(5)) {
            await status("http://127.0.0.1:\(admin)/ready") == 503
        }
        #expect(notReady, "/ready did not turn 503 during the drain")
        #expect(await slow == 200, "the in-flight request did not complete")
        #expect(await gateway.exitStatus() == 0)
        #expect(gateway.standardOutput.contains(#""msg":"drain.finished""#))
        #expect(!gateway.standardError.contains("Fatal error"))
    }

    @Test func invalidFlagsFailAtStartUpWithKeyValueAndAllowed() async throws {
        let gateway = try SidetrackProcess([
            "serve", "--listen", "not-a-host-port", "--upstream", "ftp://example.com", "--log-level", "loud",
        ])
        defer { gateway.stop() }
        #expect(await gateway.exitStatus() == 1)
        let stderr = gateway.standardError
        #expect(stderr.contains("not-a-host-port"))
        #expect(stderr.contains("ftp://example.com"))
        #expect(stderr.contains("loud"))
        #expect(stderr.contains("debug"), "the allowed log levels should be listed")
        #expect(!stderr.contains("Fatal error"))
        #expect(!stderr.contains("Stack"))
    }

    @Test func invalidEnvironmentFailsToo() async throws {
        let gateway = try SidetrackProcess(["serve"], environment: ["SIDETRACK_DRAIN_TIMEOUT": "forever"])
        defer { gateway.stop() }
        #expect(await gateway.exitStatus() == 1)
        #expect(gateway.standardError.contains("forever"))
    }

    /// The real binary with tracing on: standard `OTEL_*` variables override the file's settings
    /// (endpoint, protocol, service name), and SIGTERM flushes the last spans before exit.
    @Test func otelVariablesAreHonouredAndSpansFlushOnSigterm() async throws {
        let receiver = try await OTLPReceiver()
        defer { Task { await receiver.stop() } }
        let emulator = SpotifyEmulator()
        let upstreamPort = try await emulator.start()
        defer { Task { try? await emulator.stop() } }
        let gateway = try SidetrackProcess([
            "serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
            "--upstream", "http://127.0.0.1:\(upstreamPort)", "--accounts-upstream", "http://127.0.0.1:\(upstreamPort)",
            "--cache-path", "none",
        ], environment: [
            "SIDETRACK_TRACING_ENABLED": "true",
            "SIDETRACK_TRACING_ENDPOINT": "http://127.0.0.1:9/v1/traces",  // overridden below
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": receiver.endpoint,
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
            "OTEL_SERVICE_NAME": "from-otel-env",
        ])
        defer { gateway.stop() }
        let proxy = try #require(await gateway.boundPort("proxy"), "no proxy port: \(gateway.standardOutput) \(gateway.standardError)")
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(proxy)/v1/tracks/traced")
        request.headers.add(name: "authorization", value: "Bearer t")
        request.headers.add(name: "traceparent", value: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        let response = try await client.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        #expect(response.status == .ok)
        // The batch interval (5 s) has not passed: only the shutdown flush can deliver the spans.
        gateway.signal(SIGTERM)
        #expect(await gateway.exitStatus() == 0)
        let spans = try await receiver.waitForSpans(timeout: .seconds(10)) { $0.count >= 2 }
        let server = try #require(spans.first { $0.kind == 2 })
        #expect(server.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(server.serviceName == "from-otel-env")
        #expect(server.name == "GET /v1/tracks/{id}")
    }

    /// swift-otel is built without gRPC and would stop the process if asked for it: Sidetrack refuses
    /// first, naming the variable and its value.
    @Test func anOTLPgRPCProtocolIsAStartUpErrorNotACrash() async throws {
        let gateway = try SidetrackProcess(["serve"], environment: [
            "SIDETRACK_TRACING_ENABLED": "true", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "SIDETRACK_CACHE_PATH": "none",
        ])
        defer { gateway.stop() }
        #expect(await gateway.exitStatus() == 1)
        let output = gateway.standardOutput + gateway.standardError
        #expect(output.contains("OTEL_EXPORTER_OTLP_PROTOCOL"))
        #expect(output.contains("grpc"))
        #expect(!output.contains("Fatal error"))
    }

    @Test func checkConfigReportsEveryErrorOrPrintsTheEffectiveConfig() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sidetrack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let bad = directory.appendingPathComponent("bad.yaml")
        try "listen: 127.0.0.1:99999\nupstream:\n  connect_timeout: fast\nlimts: {}\n".write(to: bad, atomically: true, encoding: .utf8)
        let failing = try SidetrackProcess(["check-config", bad.path])
        defer { failing.stop() }
        #expect(await failing.exitStatus() == 1)
        for expected in ["99999", "connect_timeout", "fast", "limts"] {
            #expect(failing.standardError.contains(expected), "missing \(expected) in: \(failing.standardError)")
        }

        let good = directory.appendingPathComponent("good.yaml")
        try "listen: 127.0.0.1:8181\nadmin:\n  token: hunter2-admin-secret\n".write(to: good, atomically: true, encoding: .utf8)
        let passing = try SidetrackProcess(["check-config", good.path])
        defer { passing.stop() }
        #expect(await passing.exitStatus() == 0)
        #expect(passing.standardOutput.contains("127.0.0.1:8181"))
        #expect(!passing.standardOutput.contains("hunter2"))
    }

    @Test func versionPrints() async throws {
        let version = try SidetrackProcess(["version"])
        defer { version.stop() }
        #expect(await version.exitStatus() == 0)
        #expect(version.standardOutput.hasPrefix("sidetrack "))
    }
}
