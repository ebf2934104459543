/// Minimal JSON text helpers: the emulator writes its bodies as text templates rather than
/// through `JSONEncoder`, so hot catalog answers cost a dictionary lookup, not an encode.
enum JSONText {
    /// `text` as a quoted JSON string literal.
    static func quote(_ text: some StringProtocol) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }

    /// `value` as JSON: a quoted string, or `null`.
    static func quoteOrNull(_ text: String?) -> String {
        text.map { quote($0) } ?? "null"
    }

    /// Spotify's error body, `{"error":{"status":N,"message":"..."}}`, with the optional `reason`
    /// Spotify adds to player and quota errors.
    static func spotifyError(status: Int, message: String, reason: String? = nil) -> String {
        var body = "{\"error\":{\"status\":\(status),\"message\":\(quote(message))"
        if let reason { body += ",\"reason\":\(quote(reason))" }
        return body + "}}"
    }

    /// The OAuth error body the accounts service sends.
    static func oauthError(_ error: String, description: String) -> String {
        "{\"error\":\(quote(error)),\"error_description\":\(quote(description))}"
    }
}
