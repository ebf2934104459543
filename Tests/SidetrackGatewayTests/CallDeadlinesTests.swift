import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing
@testable import SidetrackGateway

/// `CallDeadlines`: every upstream call of a loop in one heap with one timer. A call fails with
/// `deadlineExceeded` at its deadline — not before, not later — unless it ended first; calls joining
/// while due ones are being failed (retries) keep their own deadlines. On an embedded loop's
/// virtual clock: no sleeps.
@Suite struct CallDeadlinesTests {
    /// Records how each call ended, and can start another call when one fails.
    final class Recorder: UpstreamResponseDelegate {
        var failures: [String] = []
        var finished: [String] = []
        let name: String
        var onFailure: (() -> Void)?
        init(_ name: String) { self.name = name }
        func upstreamReceivedHead(_ head: HTTPResponseHead) -> EventLoopFuture<Void>? { nil }
        func upstreamReceivedBodyPart(_ buffer: ByteBuffer) -> EventLoopFuture<Void>? { nil }
        func upstreamPartsDelivered() {}
        func upstreamFinished() { finished.append(name) }
        func upstreamFailed(_ error: any Error) {
            failures.append("\(name): \(error)")
            onFailure?()
        }
    }

    private static func call(_ delegate: Recorder) -> UpstreamCall {
        let request = UpstreamRequest(
            endpoint: UpstreamEndpoint(scheme: "http", host: "127.0.0.1", port: 1), method: .GET, target: "/v1/x",
            forwarded: nil, headers: [:], body: nil)
        return UpstreamCall(request: request, connectTimeout: .seconds(1), delegate: delegate)
    }

    @Test func eachCallFailsAtItsOwnDeadlineUnlessItEndedFirst() {
        let loop = EmbeddedEventLoop()
        let deadlines = CallDeadlines(loop: loop)
        let start = loop.now
        let recorders = ["3s", "1s", "2s", "2s-ended"].map(Recorder.init)
        let calls = recorders.map(Self.call)
        calls[0].startDeadline(start + .seconds(3), in: deadlines)
        calls[1].startDeadline(start + .seconds(1), in: deadlines)
        calls[2].startDeadline(start + .seconds(2), in: deadlines)
        calls[3].startDeadline(start + .seconds(2), in: deadlines)
        #expect(deadlines.count == 4)
        calls[3].succeed()
        #expect(deadlines.count == 3)

        loop.advanceTime(by: .milliseconds(999))
        #expect(recorders.allSatisfy { $0.failures.isEmpty })
        loop.advanceTime(by: .milliseconds(1))
        #expect(recorders[1].failures == ["1s: deadlineExceeded"])
        #expect(deadlines.count == 2)
        loop.advanceTime(by: .seconds(1))
        #expect(recorders[2].failures == ["2s: deadlineExceeded"])
        #expect(recorders[0].failures.isEmpty)
        loop.advanceTime(by: .seconds(1))
        #expect(recorders[0].failures == ["3s: deadlineExceeded"])
        #expect(recorders[3].failures.isEmpty && recorders[3].finished == ["2s-ended"])
        #expect(deadlines.count == 0)
    }

    /// A call due sooner than the timer moves it; one cancelled leaves the heap and is told once.
    @Test func aSoonerCallMovesTheTimerAndACancelledOneLeaves() {
        let loop = EmbeddedEventLoop()
        let deadlines = CallDeadlines(loop: loop)
        let start = loop.now
        let late = Recorder("late"), soon = Recorder("soon"), cancelled = Recorder("cancelled")
        Self.call(late).startDeadline(start + .seconds(10), in: deadlines)
        let cancelledCall = Self.call(cancelled)
        cancelledCall.startDeadline(start + .seconds(1), in: deadlines)
        Self.call(soon).startDeadline(start + .milliseconds(500), in: deadlines)
        cancelledCall.cancel()
        #expect(cancelled.failures == ["cancelled: cancelled"])
        loop.advanceTime(by: .milliseconds(500))
        #expect(soon.failures == ["soon: deadlineExceeded"])
        loop.advanceTime(by: .seconds(9))
        #expect(late.failures.isEmpty)
        #expect(cancelled.failures.count == 1)
        loop.advanceTime(by: .milliseconds(500))
        #expect(late.failures == ["late: deadlineExceeded"])
    }

    /// A retry started while due calls are being failed, due before the calls still waiting, fails
    /// at its own deadline, not at theirs.
    @Test func aCallJoiningWhileDueOnesFailKeepsItsDeadline() {
        let loop = EmbeddedEventLoop()
        let deadlines = CallDeadlines(loop: loop)
        let start = loop.now
        let first = Recorder("first"), waiting = Recorder("waiting"), retry = Recorder("retry")
        first.onFailure = { Self.call(retry).startDeadline(loop.now + .milliseconds(200), in: deadlines) }
        Self.call(first).startDeadline(start + .seconds(1), in: deadlines)
        Self.call(waiting).startDeadline(start + .seconds(5), in: deadlines)
        loop.advanceTime(by: .seconds(1))
        #expect(first.failures == ["first: deadlineExceeded"])
        #expect(deadlines.count == 2)
        loop.advanceTime(by: .milliseconds(200))
        #expect(retry.failures == ["retry: deadlineExceeded"])
        #expect(waiting.failures.isEmpty)
        loop.advanceTime(by: .seconds(4))
        #expect(waiting.failures == ["waiting: deadlineExceeded"])
    }

    /// Many calls in mixed order, a third ended early: each of the rest fails exactly when the clock
    /// reaches its deadline (heap order kept through removals from the middle).
    @Test func manyCallsFailInDeadlineOrder() {
        let loop = EmbeddedEventLoop()
        let deadlines = CallDeadlines(loop: loop)
        let start = loop.now
        var seed: UInt64 = 0x5EED
        var expected: [String: Int64] = [:]
        var failedAt: [String: Int64] = [:]
        var calls: [UpstreamCall] = []
        for index in 0..<200 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let millis = Int64(1 + (seed >> 33) % 500)
            let recorder = Recorder("c\(index)")
            recorder.onFailure = { failedAt[recorder.name] = (loop.now - start).nanoseconds / 1_000_000 }
            let call = Self.call(recorder)
            call.startDeadline(start + .milliseconds(millis), in: deadlines)
            calls.append(call)
            expected[recorder.name] = millis
        }
        for index in stride(from: 0, to: 200, by: 3) {
            calls[index].succeed()
            expected["c\(index)"] = nil
        }
        for _ in 0..<500 { loop.advanceTime(by: .milliseconds(1)) }
        #expect(failedAt == expected)
        #expect(deadlines.count == 0)
    }
}
