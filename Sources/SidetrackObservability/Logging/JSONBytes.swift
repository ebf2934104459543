import SidetrackCore

/// Hand-written JSON output for log lines: string escaping and number formatting straight into
/// a byte buffer, with no Foundation formatting and no intermediate `String`s.
enum JSONBytes {
    /// Appends `value` as a quoted JSON string. Quote, backslash and every control character
    /// are escaped; other Unicode is passed through as UTF-8 (valid JSON).
    @inline(__always)
    static func appendString(_ value: String, to out: inout [UInt8]) {
        appendString(value[...], to: &out)
    }

    /// A slice of a string (a request path without its query) without copying it into a `String`.
    static func appendString(_ value: Substring, to out: inout [UInt8]) {
        out.appendWriting(maxBytes: maxStringBytes(value)) { writeString(value, to: &$0) }
    }

    /// The most bytes `value` can take as a JSON string: every byte escaped as `\u00XX`, and quotes.
    @inline(__always)
    static func maxStringBytes(_ value: some StringProtocol) -> Int {
        6 * value.utf8.count + 2
    }

    /// `appendString` through a `ByteWriter` (room: `maxStringBytes(value)`).
    static func writeString(_ value: Substring, to out: inout ByteWriter) {
        var value = value
        value.withUTF8 { writeString(bytes: $0, to: &out) }
    }

    /// A `String` read in place: going through `value[...]` made a `Substring` (a retain and a
    /// release, a visible share of an access line) for every string of every line.
    @inline(__always)
    static func writeString(_ value: String, to out: inout ByteWriter) {
        if value.utf8.withContiguousStorageIfAvailable({ writeString(bytes: $0, to: &out) }) == nil {
            writeString(value[...], to: &out)
        }
    }

    /// The quoted, escaped form of UTF-8 `bytes`. Runs of plain bytes are copied in one go; eight
    /// bytes at a time are checked for anything to escape (a line is nearly all plain text).
    static func writeString(bytes: UnsafeBufferPointer<UInt8>, to out: inout ByteWriter) {
        out.write(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        let count = bytes.count
        if let base = bytes.baseAddress {
            while index < count {
                if index + 8 <= count,
                    !mayNeedEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                {
                    index += 8
                    continue
                }
                let byte = bytes[index]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    if runStart < index { out.write(UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                    writeEscape(byte, to: &out)
                    runStart = index + 1
                }
                index += 1
            }
        }
        if runStart < count { out.write(UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        out.write(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes in `word` may be a control character, `"` or `\\` (false:
    /// none is). A "has a zero byte" test each (SWAR): a true hit is never missed; a byte after a
    /// hit may be flagged too, which only sends the word through the byte-wise check.
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // Below 0x20: subtracting 0x20 borrows into the high bit; bytes ≥ 0x80 are masked out by ~word.
        let control = (word &- 0x2020_2020_2020_2020) & ~word & highs
        let quote = word ^ (0x22 &* ones)
        let backslash = word ^ (0x5C &* ones)
        let quotes = (quote &- ones) & ~quote & highs
        let backslashes = (backslash &- ones) & ~backslash & highs
        return control | quotes | backslashes != 0
    }

    private static func writeEscape(_ byte: UInt8, to out: inout ByteWriter) {
        out.write(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): out.write(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.write(UInt8(ascii: "\\"))
        case 0x0A: out.write(UInt8(ascii: "n"))
        case 0x0D: out.write(UInt8(ascii: "r"))
        case 0x09: out.write(UInt8(ascii: "t"))
        case 0x08: out.write(UInt8(ascii: "b"))
        case 0x0C: out.write(UInt8(ascii: "f"))
        default:
            out.write("u00")
            out.write(hexDigit(byte >> 4))
            out.write(hexDigit(byte & 0xF))
        }
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
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

    /// The most bytes a number takes (`-` and 20 digits; `appendFixed3`: under 9e15, so 16 + 4).
    static let maxNumberBytes = 21

    /// Appends a decimal integer.
    @inline(__always)
    static func appendInt(_ value: Int64, to out: inout [UInt8]) {
        out.appendWriting(maxBytes: maxNumberBytes) { writeInt(value, to: &$0) }
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
        out.appendWriting(maxBytes: maxNumberBytes) { writeFixed3(value, to: &$0) }
    }

    @inline(__always)
    static func writeInt(_ value: Int64, to out: inout ByteWriter) {
        if value < 0 { out.write(UInt8(ascii: "-")) }
        writeUnsigned(value.magnitude, minimumDigits: 1, to: &out)
    }

    /// `value` zero-padded to at least `minimumDigits` digits (at most 20).
    @inline(__always)
    static func writeUnsigned(_ value: UInt64, minimumDigits: Int, to out: inout ByteWriter) {
        DecimalDigits.withDigits(of: value, minimumDigits: minimumDigits) { out.write($0) }
    }

    @inline(__always)
    static func writeFixed3(_ value: Double, to out: inout ByteWriter) {
        guard value.isFinite, abs(value) < 9.0e15 else {
            out.write("0.000")
            return
        }
        let thousandths = Int64((value * 1000).rounded())
        if thousandths < 0 { out.write(UInt8(ascii: "-")) }
        let magnitude = thousandths.magnitude
        writeUnsigned(magnitude / 1000, minimumDigits: 1, to: &out)
        out.write(UInt8(ascii: "."))
        writeUnsigned(magnitude % 1000, minimumDigits: 3, to: &out)
    }
}
