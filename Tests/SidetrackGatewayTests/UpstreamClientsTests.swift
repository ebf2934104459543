import AsyncHTTPClient
import NIOCore
import NIOPosix
import SidetrackCore
import Testing
@testable import SidetrackGateway

/// Per-group deadlines: a group with its own connect timeout gets its own pool (the connect
/// timeout belongs to a pool, not a request); first-byte and total come with the group.
@Suite struct UpstreamClientsTests {
    @Test func aGroupWithItsOwnConnectTimeoutGetsItsOwnPool() async throws {
        var settings = GatewaySettings()
        settings.connectTimeout = .seconds(2)
        settings.requestTimeout = .seconds(10)
        settings.resilience.timeouts[.player] = .init(connect: .milliseconds(500), firstByte: .seconds(1), total: .seconds(3))
        settings.resilience.timeouts[.search] = .init(connect: .seconds(2), total: .seconds(4))
        let clients = try UpstreamClients(settings: settings, group: MultiThreadedEventLoopGroup.singleton)
        #expect(clients.client(for: .player) !== clients.client(for: .catalog))
        // Same connect timeout as the default: no extra pool.
        #expect(clients.client(for: .search) === clients.client(for: .catalog))
        #expect(clients.timeouts(for: .player).firstByte == .seconds(1))
        #expect(clients.timeouts(for: .player).total == .seconds(3))
        #expect(clients.timeouts(for: .search).firstByte == nil)
        #expect(clients.timeouts(for: .search).total == .seconds(4))
        #expect(clients.timeouts(for: .catalog).total == .seconds(10))
        await clients.shutdown()
    }
}
