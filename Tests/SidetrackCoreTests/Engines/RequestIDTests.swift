import Testing
@testable import SidetrackCore

@Suite struct RequestIDTests {
    @Test(arguments: ["abc", "4bf92f3577b34da6a3ce929d0e0e4736", "req-1.2_3:4", String(repeating: "a", count: 128)])
    func acceptsWellFormedIDs(_ id: String) {
        #expect(RequestID.isWellFormed(id))
    }

    @Test(arguments: ["", String(repeating: "a", count: 129), "has space", "new\nline", "quote\"", "ümlaut", "a/b", "x{y}"])
    func rejectsMalformedIDs(_ id: String) {
        #expect(!RequestID.isWellFormed(id))
    }

    @Test func generatedIDsAreWellFormedAndDistinct() {
        var generator = RequestIDGenerator()
        var seen = Set<String>()
        for _ in 0..<1000 {
            let id = generator.next().description
            #expect(id.count == 32)
            #expect(RequestID.isWellFormed(id))
            seen.insert(id)
        }
        #expect(seen.count == 1000)
    }

    @Test func connectionGeneratorsGiveWellFormedDistinctIDs() {
        var first = RequestIDGenerator()
        var second = RequestIDGenerator()
        var seen = Set<String>()
        for _ in 0..<1000 {
            for id in [first.next().description, second.next().description] {
                #expect(id.count == 32)
                #expect(RequestID.isWellFormed(id))
                seen.insert(id)
            }
        }
        // Two generators seeded separately never repeat each other's ids.
        #expect(seen.count == 2000)
    }

    @Test func hexFormatting() {
        #expect(Hex.string(UInt64(0x0123_4567_89AB_CDEF), UInt64(0xF)) == "0123456789abcdef000000000000000f")
        #expect(Hex.string(UInt64(0)) == "0000000000000000")
        #expect(Hex.string(UInt64(0xDEAD_BEEF)) == "00000000deadbeef")
        #expect(Hex.string([0x00, 0xFF, 0x10]) == "00ff10")
    }

    @Test func aGeneratedIDIsSpelledAs32HexDigitsEverywhere() {
        let id = CorrelationID(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210)
        #expect(id.isGenerated)
        #expect(id.description == "0123456789abcdeffedcba9876543210")
        #expect(id.utf8Count == 32)
        #expect(id.withUTF8 { String(decoding: $0, as: UTF8.self) } == id.description)
        #expect(id == CorrelationID(high: 0x0123_4567_89ab_cdef, low: 0xfedc_ba98_7654_3210))
    }

    @Test func anOfferedIDIsKeptAsSent() {
        let id = CorrelationID(offered: "req-1.2_3:4")
        #expect(!id.isGenerated)
        #expect(id.description == "req-1.2_3:4")
        #expect(id.utf8Count == 11)
        #expect(id.withUTF8 { String(decoding: $0, as: UTF8.self) } == "req-1.2_3:4")
        #expect(id != CorrelationID(offered: "req-1.2_3:5"))
    }
}
