import AsyncHTTPClient
import Foundation
import NIOCore
import SidetrackEmulator
import Testing

/// The disk tier through the real binary: what survives a restart, and what a bad cache file does.
@Suite(.serialized) struct DiskCacheProcessTests {
    struct Running {
        let process: SidetrackProcess
        let proxy: Int
        let admin: Int
    }

    static func start(upstream: Int, cachePath: String, proxyPort: Int = 0) async throws -> Running {
        let process = try SidetrackProcess([
            "serve", "--listen", "127.0.0.1:\(proxyPort)", "--admin-listen", "127.0.0.1:0",
            "--upstream", "http://127.0.0.1:\(upstream)", "--accounts-upstream", "http://127.0.0.1:\(upstream)",
            "--cache-path", cachePath,
        ])
        let proxy = try #require(await process.boundPort("proxy"), "no proxy port: \(process.standardOutput) \(process.standardError)")
        let admin = try #require(await process.boundPort("admin"))
        return Running(process: process, proxy: proxy, admin: admin)
    }

    static func get(_ client: HTTPClient, _ url: String, token: String? = "disk-token") async throws -> (HTTPClientResponse, String) {
        var request = HTTPClientRequest(url: url)
        if let token { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (response, String(buffer: body))
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sidetrack-disk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func aRestartedGatewayAnswersFromDiskWithoutAskingSpotify() async throws {
        let emulator = SpotifyEmulator()
        let upstream = try await emulator.start()
        defer { Task { try? await emulator.stop() } }
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cachePath = directory.appendingPathComponent("cache.sqlite").path
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }

        let first = try await Self.start(upstream: upstream, cachePath: cachePath)
        let (miss, missBody) = try await Self.get(client, "http://127.0.0.1:\(first.proxy)/v1/tracks/warmstart1")
        #expect(miss.headers.first(name: "x-cache") == "MISS")
        let (me, meBody) = try await Self.get(client, "http://127.0.0.1:\(first.proxy)/v1/me")
        #expect(me.status == .ok)
        first.process.signal(SIGTERM)
        #expect(await first.process.exitStatus() == 0)
        #expect(emulator.stats().count("GET", "/v1/tracks/warmstart1") == 1)
        // The token's identity key lives beside the cache; it and the database are owner-only.
        for file in [cachePath + ".key", cachePath] {
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o077 } == 0, "\(file) is readable by others")
        }

        // Same port: the link base (scheme and Host the client used) is part of the key and the body.
        let second = try await Self.start(upstream: upstream, cachePath: cachePath, proxyPort: first.proxy)
        defer { second.process.stop() }
        // A fresh client: the first one's pool may still hold a connection to the process that
        // exited, and reusing it races with noticing the close (remoteConnectionClosed).
        let secondClient = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = secondClient.shutdown() }
        #expect(second.process.standardOutput.contains(#""msg":"cache.warmed""#))
        let (hit, hitBody) = try await Self.get(secondClient, "http://127.0.0.1:\(second.proxy)/v1/tracks/warmstart1")
        #expect(hit.headers.first(name: "x-cache") == "HIT")
        #expect(hitBody == missBody)
        let (meAgain, meAgainBody) = try await Self.get(secondClient, "http://127.0.0.1:\(second.proxy)/v1/me")
        #expect(meAgain.headers.first(name: "x-cache") == "HIT")
        #expect(meAgainBody == meBody)
        // Another token never gets the first token's private answer from disk.
        let (other, otherBody) = try await Self.get(secondClient, "http://127.0.0.1:\(second.proxy)/v1/me", token: "someone-else")
        #expect(other.headers.first(name: "x-cache") == "MISS")
        #expect(otherBody != meBody)
        #expect(emulator.stats().count("GET", "/v1/tracks/warmstart1") == 1)
        // The file holds token identities, never the tokens themselves.
        let raw = try Data(contentsOf: URL(fileURLWithPath: cachePath))
        #expect(raw.range(of: Data("disk-token".utf8)) == nil)
    }

    @Test func aCorruptCacheFileIsMovedAsideAndServingGoesOn() async throws {
        let emulator = SpotifyEmulator()
        let upstream = try await emulator.start()
        defer { Task { try? await emulator.stop() } }
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cachePath = directory.appendingPathComponent("cache.sqlite").path
        try Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }).write(to: URL(fileURLWithPath: cachePath))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }

        let running = try await Self.start(upstream: upstream, cachePath: cachePath)
        defer { running.process.stop() }
        _ = try await Self.get(client, "http://127.0.0.1:\(running.proxy)/v1/tracks/corrupt1")
        let (hit, _) = try await Self.get(client, "http://127.0.0.1:\(running.proxy)/v1/tracks/corrupt1")
        #expect(hit.headers.first(name: "x-cache") == "HIT")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(files.contains { $0.hasPrefix("cache.sqlite.corrupt-") }, "corrupt file not kept aside: \(files)")
        #expect(running.process.standardOutput.contains("corrupt"))
    }

    @Test func anUnusableCacheLocationRunsMemoryOnlyAndReportsDegraded() async throws {
        let emulator = SpotifyEmulator()
        let upstream = try await emulator.start()
        defer { Task { try? await emulator.stop() } }
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A path under a regular file cannot be created, even by root.
        let blocker = directory.appendingPathComponent("not-a-directory")
        try Data("x".utf8).write(to: blocker)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }

        let running = try await Self.start(upstream: upstream, cachePath: blocker.appendingPathComponent("cache.sqlite").path)
        defer { running.process.stop() }
        #expect(running.process.standardOutput.contains(#""msg":"cache.disk.unavailable""#))
        _ = try await Self.get(client, "http://127.0.0.1:\(running.proxy)/v1/tracks/memonly1")
        let (hit, _) = try await Self.get(client, "http://127.0.0.1:\(running.proxy)/v1/tracks/memonly1")
        #expect(hit.headers.first(name: "x-cache") == "HIT")
        let (health, healthBody) = try await Self.get(client, "http://127.0.0.1:\(running.admin)/health", token: nil)
        #expect(health.status == .ok)
        let json = try JSONSerialization.jsonObject(with: Data(healthBody.utf8)) as? [String: Any]
        #expect(json?["status"] as? String == "degraded")
        let (ready, _) = try await Self.get(client, "http://127.0.0.1:\(running.admin)/ready", token: nil)
        #expect(ready.status == .ok, "a bad cache file must not take the pod out of its Service")
        let (_, metrics) = try await Self.get(client, "http://127.0.0.1:\(running.admin)/metrics", token: nil)
        #expect(metrics.contains("sidetrack_cache_disk_degraded 1"))
    }
}
