import SidetrackCore

extension SidetrackConfiguration {
    /// The effective configuration as YAML, in documentation order, secrets (the admin token,
    /// URL userinfo) shown as `<redacted>`. Strings are double-quoted, so the text loads back
    /// as the same values (except `build` and secrets, which are not configurable that way).
    public func redactedYAML() -> String {
        var out = ""
        Self.writeYAML(ConfigurationTree.redacted(self), indent: "", to: &out)
        return out
    }

    /// The effective configuration as pretty-printed JSON with the same keys as the YAML.
    public func redactedJSON() -> String {
        var out = ""
        Self.writeJSON(ConfigurationTree.redacted(self), indent: "", to: &out)
        return out + "\n"
    }

    private static func writeYAML(_ tree: ConfigurationTree, indent: String, to out: inout String) {
        guard case .section(let entries) = tree else { return }
        for entry in entries {
            let value = entry.value
            // Route templates (`/v1/tracks/{id}`) are keys too; quoted, they load back as written.
            let key = entry.key.allSatisfy { $0 == "_" || $0.isASCII && ($0.isLetter || $0.isNumber) } ? entry.key : quoted(entry.key)
            if case .section = value {
                out += "\(indent)\(key):\n"
                writeYAML(value, indent: indent + "  ", to: &out)
            } else {
                out += "\(indent)\(key): \(scalar(value))\n"
            }
        }
    }

    private static func writeJSON(_ tree: ConfigurationTree, indent: String, to out: inout String) {
        guard case .section(let entries) = tree else {
            out += scalar(tree)
            return
        }
        out += "{\n"
        for (index, entry) in entries.enumerated() {
            let key = entry.key, value = entry.value
            out += "\(indent)  \(quoted(key)): "
            writeJSON(value, indent: indent + "  ", to: &out)
            out += index == entries.count - 1 ? "\n" : ",\n"
        }
        out += "\(indent)}"
    }

    /// JSON scalar syntax, which is also valid YAML flow syntax.
    private static func scalar(_ value: ConfigurationTree) -> String {
        switch value {
        case .string(let text): quoted(text)
        case .integer(let number): String(number)
        case .decimal(let number): String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .null, .section: "null"
        }
    }

    private static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = []
        JSONString.append(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
