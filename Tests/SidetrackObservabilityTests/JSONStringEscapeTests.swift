import Foundation
import Testing
@testable import SidetrackObservability

/// `JSONBytes.writeString`, which checks eight bytes at a time for anything to escape: every byte
/// value at every position of strings up to 24 bytes long (words checked whole, the tail byte by
/// byte, a hit flagging the bytes after it) gives what a byte-by-byte escape gives, and what
/// Foundation's JSON decoder reads back as the same string.
@Suite struct JSONStringEscapeTests {
    /// The reference: each byte on its own.
    static func reference(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): out += Array(#"\""#.utf8)
            case UInt8(ascii: "\\"): out += Array(#"\\"#.utf8)
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0x08: out += Array(#"\b"#.utf8)
            case 0x0C: out += Array(#"\f"#.utf8)
            case ..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }

    static func written(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.appendWriting(maxBytes: 6 * bytes.count + 2) { writer in
            bytes.withUnsafeBufferPointer { JSONBytes.writeString(bytes: $0, to: &writer) }
        }
        return out
    }

    @Test func everyByteAtEveryPosition() {
        for length in 1...24 {
            for position in 0..<length {
                for value in 0...255 {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[position] = UInt8(value)
                    #expect(Self.written(bytes) == Self.reference(bytes), "length \(length), byte \(value) at \(position)")
                }
            }
        }
    }

    /// Bytes that sit right next to the ones that need escaping in value (space after the control
    /// characters, `!` and `#` around the quote, `[` and `]` around the backslash, DEL, high bytes)
    /// in mixed strings, and `String` and `Substring` values, read back by a JSON decoder.
    @Test func neighboursAndStringsRoundTrip() throws {
        let texts = [
            "", "plain path /v1/tracks/4iV5W9uYEdYUVa79Axb7Rh", "a\"b", "\\\\server", "tab\there", "\u{1F}x\u{20}y",
            "!\"#[\\]\u{7F}", "ümlaut and emoji 🎧 and \"quotes\"", String(repeating: "x\"", count: 20),
            "line\nbreak\r\n", "\u{0}\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}",
        ]
        for text in texts {
            var line: [UInt8] = []
            line.appendWriting(maxBytes: 2 * JSONBytes.maxStringBytes(text) + 1) { writer in
                JSONBytes.writeString(text, to: &writer)
                writer.write(UInt8(ascii: ","))
                JSONBytes.writeString(text.dropFirst(0), to: &writer)
            }
            let decoded = try JSONDecoder().decode([String].self, from: Data([UInt8(ascii: "[")] + line + [UInt8(ascii: "]")]))
            #expect(decoded == [text, text], "\(text.debugDescription)")
        }
    }
}
