#if canImport(Glibc)
import Glibc
#endif

/// Correlation ids: accepted from the caller when well-formed, else generated.
///
/// Well-formed means 1…128 characters of `[A-Za-z0-9._:-]` — enough for UUIDs, ULIDs and most
/// tracing ids, while keeping log injection (newlines, quotes) and unbounded sizes out.
public enum RequestID {
    public static let maxLength = 128

    /// Whether `candidate` may be used as a request id as it is.
    public static func isWellFormed(_ candidate: some StringProtocol) -> Bool {
        let utf8 = candidate.utf8
        guard !utf8.isEmpty, utf8.count <= maxLength else { return false }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: ":"), UInt8(ascii: "-"):
                continue
            default:
                return false
            }
        }
        return true
    }
}

/// Request ids for one connection: a xoshiro256** generator seeded once from `FastRandom`, so an
/// id costs a few arithmetic instructions instead of a locked `arc4random_buf` call (~2 % of a
/// cache hit). Ids only need to be unique, not unpredictable: they are echoed to the caller.
public struct RequestIDGenerator {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    public init() {
        var seed = FastRandom()
        state = (seed.next(), seed.next(), seed.next(), seed.next())
        // The all-zero state would only ever produce zeros.
        if state == (0, 0, 0, 0) { state.0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// A new id: 128 bits, spelled as 32 lowercase hex digits (the shape of a W3C trace id).
    public mutating func next() -> CorrelationID {
        let high = nextBits()
        let low = nextBits()
        return CorrelationID(high: high, low: low)
    }

    private mutating func nextBits() -> UInt64 {
        let result = (state.1 &* 5).rotatedLeft(by: 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = state.3.rotatedLeft(by: 45)
        return result
    }
}

extension UInt64 {
    fileprivate func rotatedLeft(by amount: UInt64) -> UInt64 {
        (self << amount) | (self >> (64 - amount))
    }
}

/// Seeds for `RequestIDGenerator` without a system call per connection: glibc's `arc4random_buf`
/// refills a per-thread ChaCha20 buffer from the kernel now and then, where
/// `SystemRandomNumberGenerator` calls `getrandom` for every 8 bytes.
struct FastRandom: RandomNumberGenerator {
    mutating func next() -> UInt64 {
        #if canImport(Glibc)
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { arc4random_buf($0.baseAddress!, $0.count) }
        return value
        #else
        var system = SystemRandomNumberGenerator()
        return system.next()
        #endif
    }
}

/// Fixed-width lowercase hex formatting without Foundation.
public enum Hex {
    /// The digit of a nibble by arithmetic: a table in a global would be a lazy-initialisation
    /// check and a bounds check per digit (32 of each per request id).
    @inlinable @inline(__always)
    static func digit(_ nibble: UInt64) -> UInt8 {
        let value = UInt8(truncatingIfNeeded: nibble & 0xF)
        return value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") - 10 + value
    }

    public static func string(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            var v = value
            for i in stride(from: 15, through: 0, by: -1) {
                buffer[i] = digit(v)
                v >>= 4
            }
            return 16
        }
    }

    /// Two values as one 32-digit string, written in place (no intermediate strings).
    public static func string(_ high: UInt64, _ low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            write(high, low, into: buffer)
            return 32
        }
    }

    /// Two values as 32 digits into the first 32 bytes of `buffer`.
    @inlinable
    public static func write(_ high: UInt64, _ low: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>) {
        precondition(buffer.count >= 32)
        var h = high, l = low
        for i in stride(from: 15, through: 0, by: -1) {
            buffer[i] = digit(h)
            buffer[i + 16] = digit(l)
            h >>= 4
            l >>= 4
        }
    }

    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(digit(UInt64(byte >> 4)))
            out.append(digit(UInt64(byte)))
        }
        return String(decoding: out, as: UTF8.self)
    }
}
