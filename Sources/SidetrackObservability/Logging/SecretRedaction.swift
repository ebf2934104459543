/// Which log metadata values must never be written, whatever the log level.
///
/// A key is secret when it — or its last dotted component, so `upstream.authorization`
/// counts — equals one of ``secretKeys`` ignoring ASCII case. Its value is replaced by
/// ``placeholder``.
public enum SecretRedaction {
    /// Lower-case names of secret keys.
    public static let secretKeys: [String] = ["authorization", "token", "access_token", "client_secret", "refresh_token"]
    /// What a secret value is replaced with.
    public static let placeholder = "<redacted>"

    /// Whether the value under `key` must be redacted.
    public static func isSecret(key: String) -> Bool {
        let utf8 = Array(key.utf8)
        let lastComponent = utf8.lastIndex(of: UInt8(ascii: ".")).map { utf8[($0 + 1)...] } ?? utf8[...]
        return Self.secretKeyBytes.contains { Self.equalsIgnoringASCIICase(lastComponent, $0) }
    }

    private static let secretKeyBytes: [[UInt8]] = secretKeys.map { Array($0.utf8) }

    private static func equalsIgnoringASCIICase(_ candidate: ArraySlice<UInt8>, _ lowercase: [UInt8]) -> Bool {
        guard candidate.count == lowercase.count else { return false }
        for (byte, expected) in zip(candidate, lowercase) {
            let folded = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
            if folded != expected { return false }
        }
        return true
    }
}
