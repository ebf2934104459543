/// A value as one layer supplied it, before parsing: the key it sets, the name the user wrote
/// (dotted key, variable or flag) and where it came from.
struct RawSetting {
    enum Value {
        /// Scalar text, exactly as written.
        case text(String)
        /// YAML `null`, `~` or an empty value.
        case null
        /// A list or mapping where a single value belongs (`"a list"`, `"a mapping"`).
        case nonScalar(kind: String)
    }

    let key: ConfigurationKey
    let name: String
    let value: Value
    let source: ConfigurationSource
}
