import Foundation
import Testing
@testable import SidetrackDiskCache

@Suite struct CacheSecretTests {
    private func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func createsAPrivateSecretAndReusesIt() throws {
        let fixture = try Fixture()
        let cachePath = fixture.directory.file("nested/cache.sqlite")
        let first = try CacheSecret.loadOrCreate(besideCache: cachePath, logger: fixture.log.logger)
        let keyPath = cachePath + ".key"

        #expect(first.count == 32)
        #expect(try mode(keyPath) == 0o600)
        #expect(try Data(contentsOf: URL(fileURLWithPath: keyPath)) == Data(first))
        #expect(try CacheSecret.loadOrCreate(besideCache: cachePath, logger: fixture.log.logger) == first)
        #expect(fixture.log.messages(at: .warning).isEmpty)
        // No temporary files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.directory.file("nested")) == ["cache.sqlite.key"])
    }

    @Test(arguments: [
        (0o644, 32, "readable_by_others"),
        (0o640, 32, "readable_by_others"),
        (0o600, 16, "wrong_size"),
    ])
    func replacesAnUnsafeOrMalformedSecret(mode fileMode: Int, size: Int, reason: String) throws {
        let fixture = try Fixture()
        let keyPath = fixture.path + ".key"
        let old = [UInt8](repeating: 7, count: size)
        try Data(old).write(to: URL(fileURLWithPath: keyPath))
        chmod(keyPath, mode_t(fileMode))

        let secret = try CacheSecret.loadOrCreate(besideCache: fixture.path, logger: fixture.log.logger)
        #expect(secret.count == 32)
        #expect(secret != old)
        #expect(try mode(keyPath) == 0o600)
        #expect(try Data(contentsOf: URL(fileURLWithPath: keyPath)) == Data(secret))
        let warnings = fixture.log.messages(at: .warning)
        #expect(warnings.map(\.message) == ["cache.secret.replaced"])
        #expect(warnings.first?.metadata["cache.secret.reason"] == reason)
    }

    @Test func replacesASymlinkInsteadOfFollowingIt() throws {
        let fixture = try Fixture()
        let target = fixture.directory.file("elsewhere")
        try Data([UInt8](repeating: 1, count: 32)).write(to: URL(fileURLWithPath: target))
        chmod(target, 0o600)
        try FileManager.default.createSymbolicLink(atPath: fixture.path + ".key", withDestinationPath: target)

        let secret = try CacheSecret.loadOrCreate(besideCache: fixture.path, logger: fixture.log.logger)
        #expect(secret != [UInt8](repeating: 1, count: 32))
        #expect(fixture.log.messages(at: .warning).first?.metadata["cache.secret.reason"] == "not_a_regular_file")
    }

    @Test func randomSecretsDiffer() {
        let first = CacheSecret.random()
        #expect(first.count == 32)
        #expect(first != CacheSecret.random())
    }

    @Test func anUnusableLocationThrows() throws {
        let fixture = try Fixture()
        let blocker = fixture.directory.file("file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        let error = try #require(throws: DiskCacheError.self) {
            try CacheSecret.loadOrCreate(besideCache: "\(blocker)/cache.sqlite")
        }
        #expect(error.code == "secret_unusable")
        #expect(error.message.contains("\(blocker)/cache.sqlite.key"))
    }
}
