import Testing
@testable import SidetrackCore

@Suite struct RetryPolicyTests {
    @Test(arguments: [
        (1, 100), (2, 200), (3, 400), (4, 800), (5, 1_600), (6, 2_000), (7, 2_000), (1_000, 2_000), (Int.max, 2_000),
        (0, 100), (-3, 100),
    ] as [(Int, Int64)])
    func fullJitterDrawsFromZeroToTheCappedExponential(attempt: Int, ceiling: Int64) {
        let policy = RetryPolicy()
        var seen: ClosedRange<Int64>?
        #expect(policy.delayMillis(attempt: attempt, random: { seen = $0; return $0.upperBound }) == ceiling)
        #expect(seen == 0...ceiling)
        #expect(policy.delayMillis(attempt: attempt, random: { $0.lowerBound }) == 0)
    }

    @Test func aMisbehavingRandomSourceIsClamped() {
        let policy = RetryPolicy()
        #expect(policy.delayMillis(attempt: 2, random: { _ in 10_000 }) == 200)
        #expect(policy.delayMillis(attempt: 2, random: { _ in -5 }) == 0)
    }

    @Test func attemptsAreCountedIncludingTheFirst() {
        let policy = RetryPolicy()
        #expect(policy.maxAttempts == 3)
        #expect(policy.allowsAttempt(after: 1))
        #expect(policy.allowsAttempt(after: 2))
        #expect(!policy.allowsAttempt(after: 3))
        #expect(!RetryPolicy(maxAttempts: 1).allowsAttempt(after: 1))
    }

    @Test func aRetryMustFitTheRemainingDeadline() {
        let policy = RetryPolicy()
        #expect(policy.fits(delayMillis: 100, remainingMillis: 200))
        #expect(!policy.fits(delayMillis: 100, remainingMillis: 199))
        #expect(!policy.fits(delayMillis: 0, remainingMillis: 0))
        #expect(RetryPolicy(minimumAttemptTime: .zero).fits(delayMillis: 50, remainingMillis: 50))
    }

    @Test(arguments: [
        ("GET", false, RetryableFailure.timeout, true),
        ("GET", false, .connect, true),
        ("GET", false, .status(502), true),
        ("GET", false, .status(503), true),
        ("GET", false, .status(504), true),
        ("GET", false, .status(500), false),
        ("GET", false, .status(429), false),
        ("GET", false, .status(404), false),
        ("GET", false, .status(200), false),
        ("HEAD", false, .timeout, true),
        ("OPTIONS", false, .timeout, true),
        ("PUT", false, .status(503), true),
        ("DELETE", false, .connect, true),
        ("POST", false, .connect, false),
        ("POST", true, .connect, true),
        ("POST", true, .status(504), true),
        ("POST", true, .status(500), false),
        ("POST", true, .status(429), false),
        ("PATCH", false, .timeout, false),
        ("get", false, .timeout, false),
    ] as [(String, Bool, RetryableFailure, Bool)])
    func retryability(method: String, idempotencyKey: Bool, failure: RetryableFailure, retryable: Bool) {
        #expect(RetryPolicy.isRetryable(method: method, hasIdempotencyKey: idempotencyKey, failure: failure) == retryable)
    }

    @Test func reasonLabelsAreBounded() {
        #expect(RetryableFailure.connect.label == "connect_error")
        #expect(RetryableFailure.timeout.label == "timeout")
        #expect(RetryableFailure.status(502).label == "status_502")
        #expect(RetryableFailure.status(503).label == "status_503")
        #expect(RetryableFailure.status(504).label == "status_504")
        #expect(RetryableFailure.status(599).label == "status_other")
    }

    @Test func defaults() {
        #expect(RetryPolicy() == RetryPolicy(
            maxAttempts: 3, baseDelay: .milliseconds(100), maxDelay: .seconds(2), minimumAttemptTime: .milliseconds(100)))
    }
}
