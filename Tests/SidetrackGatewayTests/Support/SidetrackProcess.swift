import Foundation
import NIOConcurrencyHelpers

/// The built `sidetrack` binary run as a child process, for what only a real process shows:
/// signals, exit codes, start-up errors on stderr.
final class SidetrackProcess: Sendable {
    let process: Process
    private let stdout = NIOLockedValueBox<[UInt8]>([])
    private let stderr = NIOLockedValueBox<[UInt8]>([])

    /// The binary next to the test bundle (SwiftPM builds every product before running tests).
    static var binaryURL: URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("sidetrack")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return repo.appendingPathComponent(".build/debug/sidetrack")
    }

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = Self.binaryURL
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SIDETRACK_") }
        // Load shedding off unless a test asks: parallel tests on a small machine can stall the
        // gateway's event loops long enough for it to refuse with 503 overloaded.
        if arguments.first == "serve" { env["SIDETRACK_LIMITS_LOAD_SHEDDING"] = "false" }
        env.merge(environment) { _, new in new }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdout = self.stdout
        let stderr = self.stderr
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            stdout.withLockedValue { $0.append(contentsOf: data) }
        }
        err.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            stderr.withLockedValue { $0.append(contentsOf: data) }
        }
        try process.run()
    }

    var standardOutput: String { String(decoding: stdout.withLockedValue { $0 }, as: UTF8.self) }
    var standardError: String { String(decoding: stderr.withLockedValue { $0 }, as: UTF8.self) }

    /// Polls (bounded) until `condition` holds; false on timeout.
    static func waitUntil(timeout: Duration = .seconds(30), _ condition: () async -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// The port in the `listener.bound` line for `listener`, once it has been logged.
    func boundPort(_ listener: String, timeout: Duration = .seconds(30)) async -> Int? {
        var port: Int?
        _ = await Self.waitUntil(timeout: timeout) {
            for line in standardOutput.split(separator: "\n") where line.contains(#""msg":"listener.bound""#) {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    object["listener"] as? String == listener, let address = object["address"] as? String,
                    let value = address.split(separator: ":").last.flatMap({ Int($0) })
                else { continue }
                port = value
                return true
            }
            return !process.isRunning
        }
        return port
    }

    /// Waits (bounded) for the process to exit; its status, or nil if it is still running.
    func exitStatus(timeout: Duration = .seconds(30)) async -> Int32? {
        let exited = await Self.waitUntil(timeout: timeout) { !process.isRunning }
        return exited ? process.terminationStatus : nil
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Kills the process if a test left it running (only this PID).
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
