import Testing
@testable import SidetrackCore

@Suite struct CoalescerTests {
    @Test func firstLeadsTheRestFollowAndFinishHandsThemBack() {
        let coalescer = Coalescer<Int>()
        guard case .leader = coalescer.join("k", waiter: 0) else { Issue.record("first should lead"); return }
        for waiter in 1...199 {
            guard case .follower = coalescer.join("k", waiter: waiter) else { Issue.record("should follow"); return }
        }
        #expect(coalescer.finish("k") == Array(1...199))
        #expect(coalescer.inFlight == 0)
        guard case .leader = coalescer.join("k", waiter: 0) else { Issue.record("a new flight should start"); return }
    }

    @Test func keysAreIndependent() {
        let coalescer = Coalescer<Int>()
        guard case .leader = coalescer.join("a", waiter: 0), case .leader = coalescer.join("b", waiter: 0) else {
            Issue.record("each key leads on its own")
            return
        }
        #expect(coalescer.inFlight == 2)
    }

    @Test func abandonedFollowerIsNotHandedBackAndMustGoItself() {
        let coalescer = Coalescer<Int>()
        _ = coalescer.join("k", waiter: 0)
        guard case .follower(let first) = coalescer.join("k", waiter: 1),
              case .follower = coalescer.join("k", waiter: 2)
        else { Issue.record("should follow"); return }
        #expect(coalescer.abandon("k", ticket: first))
        #expect(coalescer.finish("k") == [2])
        // Too late: the leader already took it.
        #expect(!coalescer.abandon("k", ticket: first))
    }

    @Test func tryLeadOnlyWhenNothingIsInFlight() {
        let coalescer = Coalescer<Int>()
        #expect(coalescer.tryLead("k"))
        #expect(!coalescer.tryLead("k"))
        #expect(coalescer.finish("k").isEmpty)
        #expect(coalescer.tryLead("k"))
    }
}
