#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The text of the last head's long parts on a connection, by position: a keep-alive connection's
/// heads repeat most of their fields byte for byte (a client's `Authorization` and `User-Agent`,
/// its request target when it polls one URL, an upstream's `Content-Type` and `Cache-Control`), so
/// a part that matches the one at its place last time reuses that `String` instead of allocating
/// another. Text of 15 bytes or fewer lives inside its `String` (no allocation) and is not kept.
struct FieldTextMemo {
    private var texts: [String] = []

    /// Positions past this are not kept (a head with very many fields costs what it did).
    static let maxSlots = 64
    /// The longest text a `String` holds inline.
    static let inlineBytes = 15
    /// Longer texts are not kept: a token or a `User-Agent` is a few hundred bytes, and an idle
    /// connection should not pin kilobytes of one odd head (at most `maxSlots` × this, 64 KiB,
    /// and in practice well under 1 KiB per connection).
    static let maxKeptBytes = 1024

    /// The text of `bytes`, which sit at position `slot` of the head (the same slot for the same
    /// part of every head, e.g. the target, then each field's name and value in order).
    mutating func text(_ bytes: UnsafeRawBufferPointer, slot: Int) -> String {
        guard bytes.count > Self.inlineBytes, bytes.count <= Self.maxKeptBytes else { return String(decoding: bytes, as: UTF8.self) }
        if slot < texts.count, Self.equals(texts[slot], bytes) { return texts[slot] }
        // (Bytes that are not valid UTF-8 are repaired here, so their text never equals them and
        // is made afresh each time: the memo never changes what a head says.)
        let made = String(decoding: bytes, as: UTF8.self)
        if slot < texts.count {
            texts[slot] = made
        } else if slot < Self.maxSlots {
            // Slots of short text before this one stay empty (an empty `String` allocates nothing).
            texts.append(contentsOf: repeatElement("", count: slot - texts.count))
            texts.append(made)
        }
        return made
    }

    private static func equals(_ text: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard text.utf8.count == bytes.count else { return false }
        var text = text
        return text.withUTF8 { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
    }
}
