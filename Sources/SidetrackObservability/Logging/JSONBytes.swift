import SidetrackCore

/// Hand-written JSON output for log lines: string escaping and number formatting straight into
/// a byte buffer, with no Foundation formatting and no intermediate `String`s.
enum JSONBytes {
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `value` as a quoted JSON string. Quote, backslash and every control character
    /// are escaped; other Unicode is passed through as UTF-8 (valid JSON).
    @inline(__always)
    static func appendString(_ value: String, to out: inout [UInt8]) {
        appendString(value[...], to: &out)
    }

    /// A slice of a string (a request path without its query) without copying it into a `String`.
    static func appendString(_ value: Substring, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            // Copy runs of plain bytes in one go; escape the rest.
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                appendEscape(byte, to: &out)
                runStart = index + 1
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        default:
            out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0xF)])
        }
    }

    /// Appends literal text (keys and punctuation) with one copy: a `String`'s UTF-8 view would be
    /// appended through the generic sequence path (a visible share of an access line's encoding).
    @inline(__always)
    static func appendLiteral(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends `"key":` — keys go through the same escaping as values.
    @inline(__always)
    static func appendKey(_ key: String, to out: inout [UInt8]) {
        appendString(key, to: &out)
        out.append(UInt8(ascii: ":"))
    }

    /// Appends a decimal integer.
    @inline(__always)
    static func appendInt(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            appendUnsigned(value.magnitude, minimumDigits: 1, to: &out)
        } else {
            appendUnsigned(UInt64(value), minimumDigits: 1, to: &out)
        }
    }

    /// Appends `value` zero-padded to at least `minimumDigits` digits.
    @inline(__always)
    static func appendUnsigned(_ value: UInt64, minimumDigits: Int, to out: inout [UInt8]) {
        DecimalDigits.withDigits(of: value, minimumDigits: minimumDigits) { out.append(contentsOf: $0) }
    }

    /// Appends `value` with exactly three decimals (`12.345`); NaN and infinities become `0.000`
    /// since JSON has no spelling for them.
    @inline(__always)
    static func appendFixed3(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite, abs(value) < 9.0e15 else {
            out.append(contentsOf: "0.000".utf8)
            return
        }
        let thousandths = Int64((value * 1000).rounded())
        if thousandths < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = thousandths.magnitude
        appendUnsigned(magnitude / 1000, minimumDigits: 1, to: &out)
        out.append(UInt8(ascii: "."))
        appendUnsigned(magnitude % 1000, minimumDigits: 3, to: &out)
    }
}
