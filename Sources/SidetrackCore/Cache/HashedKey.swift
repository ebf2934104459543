/// A cache key with its hash worked out once. `MemoryCache` picks the shard from it and the
/// shard's index hashes only the stored value, so a look-up runs SipHash over the key's text (about
/// a hundred bytes) once instead of twice.
@usableFromInline
struct HashedKey: Hashable, Sendable {
    @usableFromInline let text: String
    @usableFromInline let hash: Int

    @inlinable
    init(_ text: String) {
        var hasher = Hasher()
        hasher.combine(text)
        self.init(text, hash: hasher.finalize())
    }

    /// A key with a given hash (tests: two texts with one hash, as a collision would give).
    @inlinable
    init(_ text: String, hash: Int) {
        self.text = text
        self.hash = hash
    }

    @inlinable
    func hash(into hasher: inout Hasher) {
        hasher.combine(hash)
    }

    @inlinable
    static func == (lhs: HashedKey, rhs: HashedKey) -> Bool {
        lhs.hash == rhs.hash && lhs.text == rhs.text
    }
}
