import Foundation
import Testing

@testable import SidetrackObservability

/// Lints the exposition with `promtool check metrics` when promtool is installed
/// (CI installs it; locally `apt-get install -y prometheus`).
@Suite("promtool")
struct PromtoolTests {
    static let promtool: String? = {
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/local/bin")
            .split(separator: ":").map { "\($0)/promtool" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    @Test(
        "promtool check metrics reports no findings",
        .enabled(if: promtool != nil, "promtool not installed — skipped (apt-get install -y prometheus)")
    )
    func promtoolCheckMetrics() throws {
        let metrics = GatewayMetricsTests.makeMetrics()
        metrics.observeServer(route: 0, method: "GET", status: 200, cache: .hit, seconds: 0.01)
        metrics.observeServer(route: 2, method: "BREW", status: 418, cache: .miss, seconds: 0.01)
        metrics.observeUpstream(route: 1, upstream: "accounts", outcome: .clientError, seconds: 0.2)
        metrics.requestStarted()
        let (status, output) = try Self.run(try #require(Self.promtool), ["check", "metrics"], stdin: metrics.render())
        #expect(output.isEmpty, "promtool findings:\n\(output)")
        #expect(status == 0)
    }

    static func run(_ path: String, _ arguments: [String], stdin: [UInt8]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(stdin))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
