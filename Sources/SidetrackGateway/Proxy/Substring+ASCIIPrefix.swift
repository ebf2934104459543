extension Substring {
    /// `hasPrefix(prefix)` for an ASCII `prefix`, decided on the UTF-8 bytes. The request path
    /// asks this on every request, and `hasPrefix` walks Characters (grapheme breaking). Equal
    /// bytes are equal Characters unless the byte after the prefix is non-ASCII (a combining mark
    /// could join the prefix's last Character); only then is the answer left to `hasPrefix`.
    func hasASCIIPrefix(_ prefix: StaticString) -> Bool {
        let bytes = utf8
        let count = prefix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        let matches = prefix.withUTF8Buffer { expected in bytes.prefix(count).elementsEqual(expected) }
        guard matches else { return false }
        let next = bytes.index(bytes.startIndex, offsetBy: count)
        guard next < bytes.endIndex, bytes[next] >= 0x80 else { return true }
        return hasPrefix(String(describing: prefix))
    }
}
