import Foundation

/// Syntax checks shared by `HostPort` and `OriginURL`: hosts, ports and their combination.
/// Deliberately strict — an address that would fail at bind or connect time fails here instead,
/// where the error can name the configuration key.
enum HostSyntax {
    /// Splits `host:port` / `[v6]:port` into a validated host (without brackets) and the port text.
    static func splitHostPort(_ text: String) -> (host: String, port: Substring)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":"), isIPv6(host) else { return nil }
            return (host, rest.dropFirst())
        }
        // Exactly one colon: an unbracketed IPv6 literal is ambiguous and refused.
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let host = validHost(String(parts[0])) else { return nil }
        return (host, parts[1])
    }

    /// A host written outside brackets: IPv4 dotted quad or hostname (lowercased).
    static func validHost(_ text: String) -> String? {
        if isIPv4(text) { return text }
        let lowered = text.lowercased()
        return isHostname(lowered) ? lowered : nil
    }

    /// Decimal port; `allowZero` for listeners (ephemeral port), not for URLs.
    static func port(_ text: Substring, allowZero: Bool) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy(\.isASCIIDigit),
              let value = Int(text), value <= 65535, allowZero || value > 0
        else { return nil }
        return value
    }

    static func isIPv4(_ text: String) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy(\.isASCIIDigit)
                && (Int(octet) ?? 256) <= 255
                && !(octet.count > 1 && octet.hasPrefix("0")) // no octal-looking octets
        }
    }

    /// RFC 1123 hostname; all-numeric names are refused so `256.1.1.1` is not taken as a name.
    static func isHostname(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        let labelsValid = labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63
                && label.allSatisfy { $0.isASCIIDigit || $0.isASCIILetter || $0 == "-" }
                && !label.hasPrefix("-") && !label.hasSuffix("-")
        }
        let allNumeric = labels.allSatisfy { $0.allSatisfy(\.isASCIIDigit) }
        return labelsValid && !allNumeric
    }

    /// IPv6 literal (no zone id): up to eight hex groups, at most one `::`, optional IPv4 tail.
    static func isIPv6(_ text: String) -> Bool {
        guard text.contains(":"), text.count <= 45 else { return false }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        var groupCount = 0
        for (index, half) in halves.enumerated() where !half.isEmpty {
            let groups = half.split(separator: ":", omittingEmptySubsequences: false)
            for (groupIndex, group) in groups.enumerated() {
                let isLastGroup = index == halves.count - 1 && groupIndex == groups.count - 1
                if isLastGroup, group.contains(".") {
                    guard isIPv4(String(group)) else { return false }
                    groupCount += 2
                } else {
                    guard !group.isEmpty, group.count <= 4, group.allSatisfy(\.isASCIIHexDigit) else { return false }
                    groupCount += 1
                }
            }
        }
        return halves.count == 2 ? groupCount <= 7 : groupCount == 8
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    var isASCIIHexDigit: Bool { isASCIIDigit || ("a"..."f").contains(self) || ("A"..."F").contains(self) }
}
