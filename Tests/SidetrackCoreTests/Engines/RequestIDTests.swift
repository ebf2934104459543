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
            let id = generator.next()
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
            for id in [first.next(), second.next()] {
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
}
