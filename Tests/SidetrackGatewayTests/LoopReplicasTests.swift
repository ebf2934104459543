import NIOCore
import NIOEmbedded
import NIOPosix
@testable import SidetrackGateway
import Testing

/// `LoopReplicas`: one value per loop of a group, found by the loop; another loop gets the fallback.
@Suite struct LoopReplicasTests {
    final class Box: Sendable {
        let number: Int
        init(_ number: Int) { self.number = number }
    }

    @Test func eachLoopHasItsOwnValueAndOtherLoopsShareTheFallback() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 3)
        defer { try? group.syncShutdownGracefully() }
        var made = 0
        let replicas = LoopReplicas(group: group) {
            made += 1
            return Box(made)
        }
        #expect(made == 4)  // three loops and the fallback
        let loops = Array(group.makeIterator())
        let numbers = loops.map { replicas.value(for: $0).number }
        #expect(Set(numbers).count == 3)
        #expect(loops.allSatisfy { replicas.value(for: $0) === replicas.value(for: $0) })
        let embedded = EmbeddedEventLoop()
        #expect(replicas.value(for: embedded).number == 4)
        #expect(!numbers.contains(4))
    }
}
