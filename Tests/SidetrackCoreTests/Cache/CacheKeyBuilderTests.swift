import Testing
@testable import SidetrackCore

@Suite struct CacheKeyBuilderTests {
    let routes = RouteTable.spotify

    func request(
        _ path: String, method: String = "GET", query: String = "", language: String? = nil, base: String = "http://gw",
        gzip: Bool = false, token: String? = "idA"
    ) -> CacheKeyBuilder.Request {
        let match = routes.classify(method: method, path: path)
        return .init(
            route: match.route, path: path[...], query: query[...], acceptLanguage: language.map { $0[...] },
            linkBase: base, gzip: gzip, tokenIdentity: token)
    }

    @Test func noTokenMeansNoKey() {
        let builder = CacheKeyBuilder(sharing: .always)
        #expect(builder.key(for: request("/v1/tracks/abc", query: "market=SE", token: nil)) == nil)
    }

    @Test(arguments: ["POST", "PUT", "DELETE"])
    func mutationsAndUnknownRoutesHaveNoKey(method: String) {
        let builder = CacheKeyBuilder(sharing: .always)
        #expect(builder.key(for: request("/v1/playlists/p1/items", method: method)) == nil)
        #expect(builder.key(for: request("/v1/not-a-route")) == nil)
        #expect(builder.key(for: request("/api/token", method: "POST")) == nil)
    }

    @Test func sharedCatalogIsSharedOnlyWithAnExplicitMarket() {
        let builder = CacheKeyBuilder(sharing: .market)
        let withMarketA = builder.key(for: request("/v1/tracks/abc", query: "market=SE", token: "idA"))
        let withMarketB = builder.key(for: request("/v1/tracks/abc", query: "market=SE", token: "idB"))
        #expect(withMarketA != nil && withMarketA == withMarketB)
        #expect(withMarketA?.scope == nil)
        let bareA = builder.key(for: request("/v1/tracks/abc", token: "idA"))
        let bareB = builder.key(for: request("/v1/tracks/abc", token: "idB"))
        #expect(bareA != bareB)
        #expect(bareA?.scope == "idA")
        // An empty market is no market.
        #expect(builder.key(for: request("/v1/tracks/abc", query: "market=", token: "idA"))?.scope == "idA")
    }

    @Test func sharingAlwaysSharesCatalogButNeverUserPrivateRoutes() {
        let builder = CacheKeyBuilder(sharing: .always)
        #expect(builder.key(for: request("/v1/tracks/abc", token: "idA"))?.scope == nil)
        #expect(builder.key(for: request("/v1/me", token: "idA"))?.scope == "idA")
        #expect(builder.key(for: request("/v1/me/tracks", query: "market=SE", token: "idA"))?.scope == "idA")
    }

    @Test func queryOrderTrailingSlashAndLanguageCase() {
        let builder = CacheKeyBuilder(sharing: .market)
        let a = builder.key(for: request("/v1/albums/x/tracks", query: "offset=20&limit=10&market=SE", language: "sv-SE"))
        let b = builder.key(for: request("/v1/albums/x/tracks/", query: "market=SE&limit=10&offset=20", language: "SV-se"))
        #expect(a == b)
        #expect(a?.path == "/v1/albums/x/tracks")
        let other = builder.key(for: request("/v1/albums/x/tracks", query: "offset=40&limit=10&market=SE", language: "sv-SE"))
        #expect(other != a)
        let english = builder.key(for: request("/v1/albums/x/tracks", query: "offset=20&limit=10&market=SE", language: "en"))
        #expect(english != a)
    }

    /// The byte-wise trim must drop exactly the last Character `/` that `hasSuffix`/`dropLast` did.
    @Test(arguments: ["/", "//", "/v1/me/", "/v1/me", "/v1/caf\u{E9}/", "/v1/a\u{600}/", "/v1/a/\u{301}", "/\u{1F600}/", ""])
    func trailingSlashTrimMatchesCharacters(path: String) {
        let slice = Substring(path)
        let expected = slice.hasSuffix("/") && slice.utf8.count > 1 ? slice.dropLast() : slice
        #expect(CacheKeyBuilder.trimmingTrailingSlash(slice) == expected)
    }

    @Test func linkBaseAndEncodingAreVariants() {
        let builder = CacheKeyBuilder(sharing: .always)
        let plain = builder.key(for: request("/v1/tracks/abc"))
        #expect(plain != builder.key(for: request("/v1/tracks/abc", gzip: true)))
        #expect(plain != builder.key(for: request("/v1/tracks/abc", base: "https://other")))
    }

    @Test(arguments: [
        ("sv-SE", "|lang=sv-se|"),
        ("EN-us, Sv|x ", "|lang=en-us,svx|"),
        ("DE-ÄT", "|lang=de-ät|"),  // not ASCII: Unicode lowercasing
        ("   ", "|lang=|"),
    ])
    func languageIsLowercasedWithoutSpacesOrPipes(header: String, expected: String) {
        let key = CacheKeyBuilder(sharing: .market).key(for: request("/v1/tracks/abc", language: header))
        #expect(key?.text.contains(expected) == true)
    }

    @Test func aKeyRebuiltFromItsPartsEqualsTheBuiltOne() {
        // The disk tier rebuilds keys from stored text, path and scope; they must match.
        let built = CacheKeyBuilder(sharing: .market).key(for: request("/v1/me/tracks/", query: "limit=5"))
        let rebuilt = built.map { CacheKey(text: $0.text, path: $0.path, scope: $0.scope) }
        #expect(built?.path == "/v1/me/tracks")
        #expect(built?.text.hasPrefix("GET /v1/me/tracks?limit=5|lang=-|id|") == true)
        #expect(rebuilt == built)
        #expect(rebuilt?.hashValue == built?.hashValue)
    }

    /// The byte-wise key (every ASCII request) must equal the String-built one byte for byte:
    /// stored disk entries are found by it. Seeded generator, so a failure repeats.
    @Test func bytewiseKeyEqualsTheStringKey() {
        var random = SplitMix(seed: 7)
        let pieces = ["a", "b", "market", "market=", "market=SE", "=", "&", "&&", "a=1", "a=2", "b=", "limit=5", "ids=x,y", "%20", "?", "|", "A=1", "z"]
        let paths = ["/v1/tracks/abc", "/v1/me/tracks/", "/v1/albums/x/tracks", "/v1/caf\u{E9}/", "/v1/me", "/v1/browse/new-releases"]
        let languages: [String?] = [nil, "", "sv-SE", "EN-us, Sv|x ", "   ", "de;q=0.5, *"]
        var compared = 0
        for _ in 0..<3000 {
            let query = (0..<Int.random(in: 0...5, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            let path = paths.randomElement(using: &random)!
            for sharing in [CatalogSharing.market, .always] {
                let builder = CacheKeyBuilder(sharing: sharing)
                let made = request(path, query: query, language: languages.randomElement(using: &random)!, gzip: Bool.random(using: &random))
                guard builder.canKey(made), let identity = made.tokenIdentity else { continue }
                let trimmed = CacheKeyBuilder.trimmingTrailingSlash(made.path)
                let bytewise = builder.bytewiseKey(made, path: trimmed, identity: identity)
                let reference = builder.stringKey(made, path: trimmed, identity: identity)
                #expect(bytewise?.text == reference.text, "query \(query)")
                #expect(bytewise?.path == reference.path)
                #expect(bytewise?.scope == reference.scope)
                compared += 1
            }
        }
        #expect(compared > 1000)
        // Not ASCII: left to the String-built key.
        let builder = CacheKeyBuilder(sharing: .market)
        #expect(builder.bytewiseKey(request("/v1/tracks/a", query: "q=\u{E9}"), path: "/v1/tracks/a", identity: "idA") == nil)
        #expect(builder.bytewiseKey(request("/v1/tracks/a", language: "DE-\u{C4}T"), path: "/v1/tracks/a", identity: "idA") == nil)
    }

    @Test func keyNeverContainsMoreThanTheIdentity() {
        let builder = CacheKeyBuilder(sharing: .market)
        let key = builder.key(for: request("/v1/me", token: "0123abcd"))
        #expect(key?.text.hasSuffix("|0123abcd") == true)
    }
}

@Suite struct QueryNormalizerTests {
    @Test(arguments: [
        ("", "", false),
        ("b=2&a=1", "a=1&b=2", false),
        ("a=2&a=1&&", "a=1&a=2", false),
        ("market=SE&ids=x,y", "ids=x,y&market=SE", true),
        ("market=", "market=", false),
        ("marketing=1", "marketing=1", false),
        ("&&", "", false),
        ("q=é&a=1&market=SE", "a=1&market=SE&q=é", true),  // not ASCII: Character-wise
        ("b=2&a=1&b=1&a=2", "a=1&a=2&b=1&b=2", false),
    ])
    func normalizes(query: String, expected: String, hasMarket: Bool) {
        let result = QueryNormalizer.normalize(query[...])
        #expect(result.text == expected)
        #expect(result.hasMarket == hasMarket)
    }

    @Test func appendWritesThePrefixOnlyBeforePairs() {
        var text = "/p"
        QueryNormalizer.append("&&"[...], to: &text, prefix: "?")
        #expect(text == "/p")
        QueryNormalizer.append("b=2&a=1"[...], to: &text, prefix: "?")
        #expect(text == "/p?a=1&b=2")
    }
}

@Suite struct RequestCacheDirectiveTests {
    @Test(arguments: [
        ("", RequestCacheDirective.normal),
        ("max-age=60", .normal),
        ("no-cache", .revalidate),
        ("No-Cache, max-age=5", .revalidate),
        ("max-age=0", .revalidate),
        ("no-cache, no-store", .bypass),
        ("  no-store ", .bypass),
        ("NO-STORE", .bypass),
        ("\tno-cache\t,private", .revalidate),
        ("no-storex, xno-cache, max-age=00", .normal),
        (",,no-store,", .bypass),
        ("no-cache=\"set-cookie\"", .normal),
    ])
    func parses(header: String, expected: RequestCacheDirective) {
        #expect(RequestCacheDirective(cacheControl: header) == expected)
        // The same from a substring (no contiguous-storage shortcut assumptions).
        #expect(RequestCacheDirective(cacheControl: ("[" + header + "]").dropFirst().dropLast()) == expected)
    }

    @Test func repeatedHeadersAreOneList() {
        #expect(RequestCacheDirective(cacheControlValues: ["max-age=5", "No-Cache"]) == .revalidate)
        #expect(RequestCacheDirective(cacheControlValues: ["no-cache", "no-store"]) == .bypass)
        #expect(RequestCacheDirective(cacheControlValues: [String]()) == .normal)
        // Value by value, as the request path reads the fields.
        var directive = RequestCacheDirective.normal
        for value in ["max-age=5", "No-Cache"] { directive.merge(cacheControlValue: value) }
        #expect(directive == .revalidate)
        for value in ["no-store", "max-age=0"] { directive.merge(cacheControlValue: value) }
        #expect(directive == .bypass)
    }
}


extension SplitMix: RandomNumberGenerator {}
