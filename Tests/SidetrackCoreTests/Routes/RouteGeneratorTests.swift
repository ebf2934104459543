import Foundation
import Testing

/// The committed `SpotifyRoutes.generated.swift` must be what the generator makes from
/// `routes.tsv` today.
@Suite struct RouteGeneratorTests {
    @Test func generatedFileIsCurrent() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "scripts/generate-routes.py", "--check"]
        process.currentDirectoryURL = RepositoryFiles.root
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(
            process.terminationStatus == 0,
            "`python3 scripts/generate-routes.py --check` failed (python3 is needed for this test): \(text)"
        )
    }
}
