/// Spotify ids and the deterministic pseudo-random values the emulator derives from them.
///
/// Everything the catalog answers is a pure function of the id, so two emulators (or two runs)
/// give byte-identical bodies — which is what cache and benchmark tests rely on.
enum SpotifyID {
    /// Why an id was refused, mapped by callers onto Spotify's 400/404 answers.
    enum Problem: Error, Equatable {
        /// The id holds characters outside `[A-Za-z0-9]` (Spotify: 400 "invalid id").
        case invalid
        /// The id names nothing (ids starting with `missing`; Spotify: 404 "Resource not found").
        case missing
    }

    /// Checks an id the way the emulator's catalog does.
    static func validate(_ id: Substring) -> Problem? {
        guard !id.isEmpty, id.utf8.count <= 64, id.utf8.allSatisfy(isAlphanumeric) else { return .invalid }
        if id.hasPrefix("missing") { return .missing }
        return nil
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// 64-bit FNV-1a: a stable hash (Swift's `Hasher` is seeded per process).
    static func hash(_ text: String) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
        return value
    }

    /// splitmix64 step: spreads one seed into independent-looking values.
    static func mix(_ seed: UInt64, _ salt: UInt64) -> UInt64 {
        var z = seed &+ (salt &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// A 22-character base-62 id (the shape of a real Spotify id) derived from `key`.
    static func derive(_ key: String) -> String {
        let seed = hash(key)
        var bytes = [UInt8]()
        bytes.reserveCapacity(22)
        for index in 0..<22 {
            bytes.append(alphabet[Int(mix(seed, UInt64(index)) % 62)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Lower-case hex of `count` pseudo-random bytes derived from `seed` (image ids, snapshot ids).
    static func hex(_ seed: UInt64, count: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(count * 2)
        var word: UInt64 = 0
        for index in 0..<count {
            if index % 8 == 0 { word = mix(seed, UInt64(index)) }
            let byte = UInt8(truncatingIfNeeded: word >> UInt64((index % 8) * 8))
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
