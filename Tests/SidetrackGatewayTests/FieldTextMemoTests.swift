import NIOCore
import NIOHTTP1
import Testing

@testable import SidetrackGateway

/// A connection's repeated head text is reused, never changed: what a head says is what its bytes say.
@Suite struct FieldTextMemoTests {
    private static func storage(_ text: String) -> UInt {
        var text = text
        return text.withUTF8 { UInt(bitPattern: $0.baseAddress) }
    }

    private static func text(_ memo: inout FieldTextMemo, _ string: String, slot: Int) -> String {
        Array(string.utf8).withUnsafeBytes { memo.text($0, slot: slot) }
    }

    @Test func aRepeatedLongTextIsTheSameStringAgain() {
        var memo = FieldTextMemo()
        let token = "Bearer BQDxyzzy-0123456789abcdefghijklmnopqrstuvwxyz"
        let first = Self.text(&memo, token, slot: 3)
        let second = Self.text(&memo, token, slot: 3)
        #expect(second == token)
        #expect(Self.storage(first) == Self.storage(second))
    }

    @Test func aDifferentTextAtASlotReplacesItAndOtherSlotsAreTheirOwn() {
        var memo = FieldTextMemo()
        let a = "/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh"
        let b = "/v1/tracks/11dFghVXANMlKmJXsNCbNl"
        #expect(Self.text(&memo, a, slot: 0) == a)
        #expect(Self.text(&memo, b, slot: 0) == b)
        #expect(Self.text(&memo, a, slot: 1) == a)
        #expect(Self.text(&memo, b, slot: 0) == b)
        #expect(Self.text(&memo, a, slot: 1) == a)
        // Same length, one byte apart.
        #expect(Self.text(&memo, String(a.dropLast()) + "X", slot: 1) == String(a.dropLast()) + "X")
    }

    @Test func invalidUTF8IsRepairedAsWithoutTheMemoEveryTime() {
        var memo = FieldTextMemo()
        let bytes: [UInt8] = Array("x-value-that-is-long-".utf8) + [0xFF, 0xFE]
        let expected = String(decoding: bytes, as: UTF8.self)
        for _ in 0..<3 {
            #expect(bytes.withUnsafeBytes { memo.text($0, slot: 0) } == expected)
        }
    }

    @Test func textOverTheKeptSizeIsMadeAfreshEachTime() {
        var memo = FieldTextMemo()
        let huge = String(repeating: "h", count: FieldTextMemo.maxKeptBytes + 1)
        let first = Self.text(&memo, huge, slot: 0)
        let second = Self.text(&memo, huge, slot: 0)
        #expect(second == huge)
        #expect(Self.storage(second) != Self.storage(first))
    }

    @Test func shortTextAndSlotsPastTheLimitAreNotKept() {
        var memo = FieldTextMemo()
        #expect(Self.text(&memo, "GET", slot: 0) == "GET")
        let long = String(repeating: "v", count: 40)
        let past = FieldTextMemo.maxSlots
        let first = Self.text(&memo, long, slot: past)
        let second = Self.text(&memo, long, slot: past)
        #expect(second == long)
        #expect(Self.storage(second) != Self.storage(first))
    }

    /// Through the request head parser, as a connection's sequencer uses it.
    @Test func aConnectionsSecondRequestReusesItsTargetAndFields() throws {
        var parser = RequestHeadParser(maxHeaderBytes: 8192)
        let head = "GET /v1/tracks/4iV5W9uYEdYUVa79Axb7Rh HTTP/1.1\r\nAuthorization: Bearer BQDxyzzy-0123456789abcdef\r\nHost: x\r\n\r\n"
        func parse() throws -> HTTPRequestHead {
            var buffer = ByteBuffer(string: head)
            var scanned = 0
            guard case .head(let parsed, _) = parser.parse(&buffer, scanned: &scanned) else { throw ParseFailed() }
            return parsed
        }
        let first = try parse()
        let second = try parse()
        #expect(second.uri == "/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh")
        #expect(second.headers["authorization"] == ["Bearer BQDxyzzy-0123456789abcdef"])
        #expect(Self.storage(first.uri) == Self.storage(second.uri))
        #expect(Self.storage(first.headers.first(name: "authorization")!) == Self.storage(second.headers.first(name: "authorization")!))
    }

    private struct ParseFailed: Error {}
}
