import Testing
@testable import SidetrackCore

@Suite struct CachePolicyTests {
    @Test func lifetimesFollowTheClassAndWindows() throws {
        let policy = CachePolicy(staleWhileRevalidate: .seconds(60), staleIfError: .seconds(3600))
        let playlist = try #require(RouteTable.spotify.routes.first { $0.method == "GET" && $0.template == "/v1/playlists/{playlist_id}" })
        let lifetimes = policy.lifetimes(storedAt: 1_000, route: playlist)
        #expect(lifetimes.freshUntil == 1_000 + 300_000)
        #expect(lifetimes.staleWhileRevalidateUntil == 1_000 + 360_000)
        #expect(lifetimes.staleIfErrorUntil == 1_000 + 300_000 + 3_600_000)
        #expect(lifetimes.state(at: 1_000) == .fresh)
        #expect(lifetimes.state(at: 301_000) == .staleWhileRevalidate)
        #expect(lifetimes.state(at: 361_000) == .staleIfError)
        #expect(lifetimes.state(at: lifetimes.usableUntil) == .expired)
        #expect(lifetimes.age(at: 62_500) == 61)
    }

    @Test func overridesWinAndNeverIsZero() {
        let policy = CachePolicy(ttls: [.catalog: .seconds(5)])
        #expect(policy.ttl(for: .catalog) == .seconds(5))
        #expect(policy.ttl(for: .search) == .seconds(600))
        #expect(policy.ttl(for: .never) == .zero)
    }

    @Test func routeOverridesBeatTheClassButCannotCacheAnUncacheableRoute() throws {
        let routes = RouteTable.spotify.routes
        let track = try #require(routes.first { $0.method == "GET" && $0.template == "/v1/tracks/{id}" })
        let album = try #require(routes.first { $0.method == "GET" && $0.template == "/v1/albums/{id}" })
        let search = try #require(routes.first { $0.method == "GET" && $0.template == "/v1/search" })
        let mutation = try #require(routes.first { $0.isMutation })
        let policy = CachePolicy(
            ttls: [.catalog: .seconds(5)],
            routeTTLs: ["/v1/tracks/{id}": .seconds(42), "/v1/search": .zero, mutation.template: .seconds(60)])
        #expect(policy.ttl(for: track) == .seconds(42))
        #expect(policy.ttl(for: album) == .seconds(5))
        #expect(policy.lifetimes(storedAt: 0, route: track).freshUntil == 42_000)
        #expect(!policy.caches(search))
        #expect(policy.caches(track))
        // The configuration layer rejects such an override; the policy ignores it regardless.
        #expect(policy.ttl(for: mutation) == .zero)
        #expect(!policy.caches(mutation))
    }

    @Test(arguments: [(200, true), (203, true), (204, true), (206, false), (301, false), (304, false), (401, false), (404, true), (429, false), (500, false)])
    func storableStatuses(status: Int, storable: Bool) {
        #expect(CachePolicy.isStorable(status: status) == storable)
    }

    @Test func tokenTrustExpiresAndCanBeRevoked() {
        let trust = TokenTrust(window: .seconds(10))
        #expect(!trust.isTrusted("a", now: 0))
        trust.markAccepted("a", now: 0)
        #expect(trust.isTrusted("a", now: 9_999))
        #expect(!trust.isTrusted("a", now: 10_000))
        trust.markAccepted("a", now: 10_000)
        trust.markRejected("a")
        #expect(!trust.isTrusted("a", now: 10_001))
    }

    @Test func tokenTrustStaysBounded() {
        let trust = TokenTrust(window: .seconds(10), capacity: 10)
        for index in 0..<100 { trust.markAccepted("t\(index)", now: Int64(index)) }
        #expect(trust.count <= 10)
        #expect(trust.isTrusted("t99", now: 100))
    }

    @Test func aGrantLastsAsLongAsTheTrustItWasTakenFrom() {
        let trust = TokenTrust(window: .seconds(10))
        #expect(trust.grant("a", now: 0) == nil)
        trust.markAccepted("a", now: 1_000)
        let grant = try! #require(trust.grant("a", now: 2_000))
        #expect(grant.until == 11_000)
        #expect(trust.honours(grant, now: 10_999))
        #expect(!trust.honours(grant, now: 11_000))
        // Trust extended or given to others does not void it.
        trust.markAccepted("a", now: 5_000)
        trust.markAccepted("b", now: 5_000)
        #expect(trust.honours(grant, now: 6_000))
    }

    @Test func withdrawingAnyTrustVoidsEveryGrant() {
        let trust = TokenTrust(window: .seconds(10), capacity: 4)
        trust.markAccepted("a", now: 0)
        trust.markAccepted("b", now: 0)
        let a = try! #require(trust.grant("a", now: 1))
        trust.markRejected("b")
        #expect(!trust.honours(a, now: 2), "a 401 for any token voids grants taken before it")
        let again = try! #require(trust.grant("a", now: 3))
        #expect(trust.honours(again, now: 4))
        // The bound forgetting identities voids grants too (the granted one may be among them).
        for index in 0..<5 { trust.markAccepted("t\(index)", now: Int64(10 + index)) }
        #expect(!trust.honours(again, now: 20))
        #expect(trust.grant("a", now: 20) == nil)
    }
}
