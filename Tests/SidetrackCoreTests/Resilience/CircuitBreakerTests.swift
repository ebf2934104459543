import Dispatch
import Synchronization
import Testing
@testable import SidetrackCore

@Suite struct CircuitBreakerTests {
    typealias Machine = CircuitBreaker.StateMachine
    typealias Transition = CircuitBreaker.Transition

    /// A machine tripped open at `now` by consecutive failures.
    static func tripped(_ configuration: CircuitBreaker.Configuration = .init(), at now: Int64 = 0) -> Machine {
        var machine = Machine(configuration: configuration)
        for _ in 0..<configuration.consecutiveFailures {
            _ = machine.record(.failure, probe: false, now: now)
        }
        return machine
    }

    @Test func consecutiveFailuresOpenItAndItRejectsUntilTheBackoffEnds() {
        var machine = Machine(configuration: .init())
        #expect(machine.admit(now: 1_000) == (.allowed(probe: false), nil))
        for _ in 0..<4 {
            #expect(machine.record(.failure, probe: false, now: 1_000) == nil)
        }
        #expect(machine.record(.failure, probe: false, now: 1_000) == Transition(from: .closed, to: .open))
        #expect(machine.state(now: 1_000) == .open)
        #expect(machine.admit(now: 1_000) == (.rejected(retryAfterMillis: 5_000), nil))
        #expect(machine.admit(now: 5_999) == (.rejected(retryAfterMillis: 1), nil))
        #expect(machine.state(now: 5_999) == .open)
        // The state reports half-open as soon as the backoff is over, before any admit.
        #expect(machine.state(now: 6_000) == .halfOpen)
        #expect(machine.admit(now: 6_000) == (.allowed(probe: true), Transition(from: .open, to: .halfOpen)))
        #expect(machine.admit(now: 6_000) == (.rejected(retryAfterMillis: 1_000), nil))
    }

    @Test func aSuccessBreaksTheRun() {
        var machine = Machine(configuration: .init())
        for _ in 0..<4 { _ = machine.record(.failure, probe: false, now: 0) }
        #expect(machine.record(.success, probe: false, now: 0) == nil)
        for _ in 0..<4 {
            #expect(machine.record(.failure, probe: false, now: 0) == nil)
        }
        #expect(machine.state(now: 0) == .closed)
    }

    @Test func failureRatioOverTheMinimumOpensIt() {
        var machine = Machine(configuration: .init(consecutiveFailures: 100))
        for index in 0..<19 {
            #expect(machine.record(index % 2 == 0 ? .success : .failure, probe: false, now: 0) == nil)
        }
        // 10 of 20 failed: exactly the 0.5 threshold.
        #expect(machine.record(.failure, probe: false, now: 0) == Transition(from: .closed, to: .open))
    }

    @Test func justUnderTheRatioStaysClosed() {
        var machine = Machine(configuration: .init(consecutiveFailures: 100))
        for index in 0..<19 { _ = machine.record(index % 2 == 0 ? .success : .failure, probe: false, now: 0) }
        #expect(machine.record(.success, probe: false, now: 0) == nil)  // 9 of 20
        #expect(machine.record(.failure, probe: false, now: 0) == nil)  // 10 of 21
        #expect(machine.state(now: 0) == .closed)
    }

    @Test func tooFewRequestsNeverTripOnTheRatio() {
        var machine = Machine(configuration: .init(consecutiveFailures: 100))
        for _ in 0..<19 {
            #expect(machine.record(.failure, probe: false, now: 0) == nil)
        }
        #expect(machine.record(.failure, probe: false, now: 0) == Transition(from: .closed, to: .open))
    }

    @Test func oldSamplesLeaveTheWindow() {
        var machine = Machine(configuration: .init(consecutiveFailures: 100))
        for index in 0..<19 { _ = machine.record(index % 2 == 0 ? .success : .failure, probe: false, now: 0) }
        // 20 s later the earlier 19 calls no longer count: 1 of 1 is under the minimum.
        #expect(machine.record(.failure, probe: false, now: 20_000) == nil)
        #expect(machine.state(now: 20_000) == .closed)
    }

    @Test func openPeriodDoublesOnEachTripUpToTheCap() {
        var machine = Self.tripped()
        var now: Int64 = 0
        for openFor: Int64 in [5_000, 10_000, 20_000, 40_000, 60_000, 60_000] {
            #expect(machine.admit(now: now + openFor - 1) == (.rejected(retryAfterMillis: 1), nil))
            now += openFor
            #expect(machine.admit(now: now).admission == .allowed(probe: true))
            #expect(machine.record(.failure, probe: true, now: now) == Transition(from: .halfOpen, to: .open))
        }
    }

    @Test func probeSuccessesCloseItAndResetTheBackoff() {
        var machine = Self.tripped()
        _ = machine.admit(now: 5_000)
        #expect(machine.record(.failure, probe: true, now: 5_000) == Transition(from: .halfOpen, to: .open))
        #expect(machine.admit(now: 15_000) == (.allowed(probe: true), Transition(from: .open, to: .halfOpen)))
        #expect(machine.record(.success, probe: true, now: 15_000) == nil)
        #expect(machine.state(now: 15_000) == .halfOpen)
        #expect(machine.admit(now: 15_000) == (.allowed(probe: true), nil))
        #expect(machine.record(.success, probe: true, now: 15_000) == Transition(from: .halfOpen, to: .closed))
        #expect(machine.state(now: 15_000) == .closed)
        #expect(machine.admit(now: 15_000) == (.allowed(probe: false), nil))
        // Tripping again starts over at the base period.
        for _ in 0..<5 { _ = machine.record(.failure, probe: false, now: 20_000) }
        #expect(machine.admit(now: 20_000) == (.rejected(retryAfterMillis: 5_000), nil))
    }

    @Test func answersFromBeforeTheTripAreIgnored() {
        var machine = Self.tripped()
        // Open: late answers to calls admitted while closed change nothing.
        #expect(machine.record(.success, probe: false, now: 1_000) == nil)
        #expect(machine.record(.failure, probe: false, now: 1_000) == nil)
        #expect(machine.state(now: 1_000) == .open)
        // Half-open: only probes speak.
        _ = machine.admit(now: 5_000)
        #expect(machine.record(.failure, probe: false, now: 5_000) == nil)
        #expect(machine.record(.success, probe: false, now: 5_000) == nil)
        #expect(machine.record(.success, probe: false, now: 5_000) == nil)
        #expect(machine.state(now: 5_000) == .halfOpen)
        #expect(machine.record(.success, probe: true, now: 5_000) == nil)  // 1 of 2
    }

    @Test func aCancelledProbeFreesItsSlot() {
        var machine = Self.tripped()
        #expect(machine.admit(now: 5_000).admission == .allowed(probe: true))
        #expect(machine.admit(now: 5_000).admission == .rejected(retryAfterMillis: 1_000))
        machine.cancelProbe()
        #expect(machine.admit(now: 5_000).admission == .allowed(probe: true))
    }

    @Test func aForgottenProbeExpires() {
        var machine = Self.tripped()
        #expect(machine.admit(now: 5_000).admission == .allowed(probe: true))
        #expect(machine.admit(now: 34_999).admission == .rejected(retryAfterMillis: 1_000))
        #expect(machine.admit(now: 35_000).admission == .allowed(probe: true))
        #expect(machine.state(now: 35_000) == .halfOpen)
    }

    @Test func halfOpenAdmitsAtMostTheConfiguredProbes() {
        var machine = Self.tripped(.init(halfOpenMaxProbes: 3, successesToClose: 3))
        for _ in 0..<3 {
            #expect(machine.admit(now: 5_000).admission == .allowed(probe: true))
        }
        #expect(machine.admit(now: 5_000).admission == .rejected(retryAfterMillis: 1_000))
        #expect(machine.record(.success, probe: true, now: 5_000) == nil)
        #expect(machine.admit(now: 5_000).admission == .allowed(probe: true))
    }

    @Test func cancelProbeOutsideHalfOpenDoesNothing() {
        var machine = Machine(configuration: .init())
        machine.cancelProbe()
        #expect(machine.admit(now: 0) == (.allowed(probe: false), nil))
    }

    @Test func stateLabelsAreStable() {
        #expect(CircuitBreaker.State.allCases.map(\.rawValue) == ["closed", "open", "half_open"])
    }

    @Test func defaults() {
        let configuration = CircuitBreaker.Configuration()
        #expect(configuration.consecutiveFailures == 5)
        #expect(configuration.failureRatio == 0.5)
        #expect(configuration.minimumRequests == 20)
        #expect(configuration.window == .seconds(10))
        #expect(configuration.baseOpenDuration == .seconds(5))
        #expect(configuration.maxOpenDuration == .seconds(60))
        #expect(configuration.halfOpenMaxProbes == 1)
        #expect(configuration.successesToClose == 2)
        #expect(configuration.probeTimeout == .seconds(30))
    }

    @Test func concurrentCallersGetOneProbeAndOneTransition() {
        let breaker = CircuitBreaker(group: .player)
        #expect(breaker.group.rawValue == "player")
        for _ in 0..<5 { breaker.record(.failure, probe: false, now: 0) }
        #expect(breaker.state(now: 0) == .open)
        let probes = Mutex(0)
        let transitions = Mutex<[Transition]>([])
        DispatchQueue.concurrentPerform(iterations: 200) { _ in
            let (admission, transition) = breaker.admit(now: 5_000)
            if admission == .allowed(probe: true) { probes.withLock { $0 += 1 } }
            if let transition { transitions.withLock { $0.append(transition) } }
        }
        #expect(probes.withLock { $0 } == 1)
        #expect(transitions.withLock { $0 } == [Transition(from: .open, to: .halfOpen)])
        #expect(breaker.state(now: 5_000) == .halfOpen)
    }
}
