import SidetrackCore

/// Writes the admin documents (`/health`, `/cache/stats`): trees of dictionaries, arrays, strings,
/// integers, doubles and booleans, with keys sorted so that the output is stable.
///
/// Why not `JSONSerialization` with `.sortedKeys`: swift-corelibs-foundation sorts the keys with a
/// locale-aware comparison, which loads ICU's collation data. One `/cache/stats` call made the
/// process resident set 3.6 MiB larger for good (2.3 MiB of it pages of `lib_FoundationICU.so`,
/// measured in `/proc/PID/smaps`), about half of what the memory benchmark found above the cache's
/// budget. The keys here are ASCII identifiers, for which String's `<` gives the same order.
enum AdminJSON {
    static func encode(_ document: [String: Any]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        append(document, to: &out)
        return out
    }

    private static func append(_ value: Any, to out: inout [UInt8]) {
        switch value {
        case let text as String:
            JSONString.append(text, to: &out)
        case let flag as Bool:
            out.append(contentsOf: Array((flag ? "true" : "false").utf8))
        case let number as any BinaryInteger:
            out.append(contentsOf: Array(String(number).utf8))
        case let number as Double:
            out.append(contentsOf: Array(format(number).utf8))
        case let object as [String: Any]:
            out.append(UInt8(ascii: "{"))
            for (index, key) in object.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.append(key, to: &out)
                out.append(UInt8(ascii: ":"))
                append(object[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case let array as [Any]:
            out.append(UInt8(ascii: "["))
            for (index, element) in array.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                append(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        default:
            JSONString.append(String(describing: value), to: &out)
        }
    }

    /// Whole numbers without a fraction (`0`, not `0.0`), as `JSONSerialization` wrote them; JSON
    /// has no NaN or infinity, so those become `null`.
    private static func format(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return String(number)
    }
}
