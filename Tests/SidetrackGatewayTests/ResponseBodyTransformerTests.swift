import Testing
@testable import SidetrackGateway

/// Which answers get their links rewritten: JSON by content type, any case, any parameters.
@Suite struct ResponseBodyTransformerTests {
    @Test(arguments: [
        ("application/json", true), ("application/json; charset=utf-8", true), ("APPLICATION/JSON", true),
        ("application/problem+json", true), ("application/jjson", true), ("text/html", false), ("", false),
        ("application/jso", false), ("image/jpeg", false), ("application/js-on", false),
    ])
    func jsonContentTypes(contentType: String, expected: Bool) {
        #expect(ResponseBodyTransformer.mentionsJSON(contentType) == expected)
    }
}
