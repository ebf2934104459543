import NIOCore
import NIOPosix
import SidetrackCore
import Testing
@testable import SidetrackGateway

/// Per-group deadlines: connect, first-byte and total come with the group, else the defaults.
@Suite struct UpstreamClientsTests {
    @Test func eachGroupGetsItsOwnDeadlines() async throws {
        var settings = GatewaySettings()
        settings.connectTimeout = .seconds(2)
        settings.requestTimeout = .seconds(10)
        settings.resilience.timeouts[.player] = .init(connect: .milliseconds(500), firstByte: .seconds(1), total: .seconds(3))
        settings.resilience.timeouts[.search] = .init(total: .seconds(4))
        let clients = try UpstreamClients(settings: settings, group: MultiThreadedEventLoopGroup.singleton)
        #expect(clients.timeouts(for: .player).connect == .milliseconds(500))
        #expect(clients.timeouts(for: .player).firstByte == .seconds(1))
        #expect(clients.timeouts(for: .player).total == .seconds(3))
        #expect(clients.timeouts(for: .search).connect == .seconds(2))
        #expect(clients.timeouts(for: .search).firstByte == nil)
        #expect(clients.timeouts(for: .search).total == .seconds(4))
        #expect(clients.timeouts(for: .catalog).connect == .seconds(2))
        #expect(clients.timeouts(for: .catalog).total == .seconds(10))
        await clients.shutdown()
    }
}
