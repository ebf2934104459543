/// The checks NIO's outbound header validators make (RFC 9110), for the heads Sidetrack encodes
/// itself: a field name is a token; a value has no control character but HTAB (so no CR, LF or NUL
/// that could end a field or a head early); a request target has no space or control character.
enum HTTPFieldCheck {
    static func isValidName(_ name: String) -> Bool {
        var name = name
        return !name.isEmpty && name.withUTF8 { bytes in bytes.allSatisfy(isTokenByte) }
    }

    static func isValidValue(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { bytes in
            bytes.allSatisfy { byte in byte == UInt8(ascii: "\t") || (byte >= 0x20 && byte != 0x7F) }
        }
    }

    static func isValidTarget(_ target: String) -> Bool {
        var target = target
        return !target.isEmpty && target.withUTF8 { bytes in bytes.allSatisfy { $0 > 0x20 && $0 != 0x7F } }
    }

    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"),
            UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"),
            UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
