import Testing
@testable import SidetrackCore

@Suite struct UpstreamCooldownTests {
    @Test func noCooldownUntilStarted() {
        let cooldown = UpstreamCooldown()
        #expect(cooldown.remaining(now: 0) == nil)
        #expect(cooldown.status(now: 0) == nil)
    }

    @Test func remainingCountsDownAndEndsExactlyAtTheDeadline() {
        let cooldown = UpstreamCooldown()
        #expect(cooldown.start(untilMillis: 5_000))
        #expect(cooldown.remaining(now: 1_000) == 4_000)
        #expect(cooldown.remaining(now: 4_999) == 1)
        #expect(cooldown.remaining(now: 5_000) == nil)
        #expect(cooldown.remaining(now: 9_000) == nil)
    }

    @Test func anEarlierDeadlineNeverShortensTheCooldown() {
        let cooldown = UpstreamCooldown()
        cooldown.start(untilMillis: 5_000, reason: .quotaExceeded, body: [1])
        #expect(!cooldown.start(untilMillis: 3_000, body: [2]))
        #expect(!cooldown.start(untilMillis: 5_000, body: [3]))
        let status = cooldown.status(now: 1_000)
        #expect(status == UpstreamCooldown.Status(until: 5_000, remainingMillis: 4_000, reason: .quotaExceeded, body: [1]))
        // A later one extends it and brings its own reason and body.
        #expect(cooldown.start(untilMillis: 8_000, body: [4]))
        #expect(cooldown.status(now: 1_000) == .init(until: 8_000, remainingMillis: 7_000, reason: .rateLimited, body: [4]))
    }

    @Test func aNewCooldownAfterTheLastOneEnded() {
        let cooldown = UpstreamCooldown()
        cooldown.start(untilMillis: 3_000)
        #expect(cooldown.remaining(now: 3_000) == nil)
        #expect(cooldown.start(untilMillis: 6_000))
        #expect(cooldown.remaining(now: 3_000) == 3_000)
    }

    @Test func clearEndsItAtOnce() {
        let cooldown = UpstreamCooldown()
        cooldown.start(untilMillis: 86_400_000)
        cooldown.clear()
        #expect(cooldown.remaining(now: 0) == nil)
        #expect(cooldown.start(untilMillis: 1))
    }

    @Test(arguments: [
        (#"{"error":{"status":429,"message":"Quota exceeded","reason":"QUOTA_EXCEEDED"}}"#, true),
        (#"{"error":{"status":429,"message":"API rate limit exceeded"}}"#, false),
        ("QQUOTA_EXCEEDED", true),
        ("QUOTA_EXCEEDE", false),
        ("quota_exceeded", false),
        ("", false),
    ])
    func recognisesQuotaExhaustion(body: String, expected: Bool) {
        #expect(UpstreamCooldown.isQuotaExceeded(body: Array(body.utf8)) == expected)
    }

    @Test func reasonLabelsAreStable() {
        #expect(UpstreamCooldown.Reason.rateLimited.rawValue == "rate_limited")
        #expect(UpstreamCooldown.Reason.quotaExceeded.rawValue == "quota_exceeded")
    }
}
