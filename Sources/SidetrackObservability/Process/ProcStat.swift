#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The fields of `/proc/self/stat` that the process metrics need.
struct ProcStat: Equatable {
    var cpuSeconds: Double
    var virtualMemoryBytes: UInt64
    var residentMemoryBytes: UInt64
    /// `nil` when the boot time cannot be read.
    var startTimeSeconds: Double?

    /// Reads and parses `/proc/self/stat`; `nil` on any failure (or off Linux).
    static func readSelf() -> ProcStat? {
        #if os(Linux)
        guard let stat = ProcFile.read("/proc/self/stat") else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = UInt64(max(0, sysconf(Int32(_SC_PAGESIZE))))
        let bootTime = ProcFile.read("/proc/stat").flatMap(Self.bootTime(fromProcStat:))
        return Self.parse(stat: stat, ticksPerSecond: ticks, pageSize: pageSize, bootTime: bootTime)
        #else
        return nil
        #endif
    }

    /// Parses a `/proc/<pid>/stat` line. The command name (field 2) may contain spaces and
    /// parentheses, so fields are counted from the last `)`.
    static func parse(stat: [UInt8], ticksPerSecond: Double, pageSize: UInt64, bootTime: Double?) -> ProcStat? {
        guard ticksPerSecond > 0, let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        // Fields after the name start at field 3 (state); field n is at offset n - 3.
        let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        func field(_ number: Int) -> UInt64? {
            let offset = number - 3
            guard offset >= 0, offset < fields.count else { return nil }
            return UInt64(String(decoding: fields[offset], as: UTF8.self).trimmingNewline())
        }
        guard let utime = field(14), let stime = field(15), let start = field(22),
            let vsize = field(23), let rss = field(24)
        else { return nil }
        return ProcStat(
            cpuSeconds: Double(utime + stime) / ticksPerSecond,
            virtualMemoryBytes: vsize,
            residentMemoryBytes: rss &* pageSize,
            startTimeSeconds: bootTime.map { $0 + Double(start) / ticksPerSecond }
        )
    }

    /// The `btime` line of `/proc/stat`: boot time in seconds since the epoch.
    static func bootTime(fromProcStat text: [UInt8]) -> Double? {
        for line in text.split(separator: UInt8(ascii: "\n")) where line.starts(with: "btime ".utf8) {
            return Double(String(decoding: line.dropFirst(6), as: UTF8.self).trimmingNewline())
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingNewline() -> String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == " " { text = text.dropLast() }
        return String(text)
    }
}

/// Reads small `/proc` files with plain POSIX calls (they report size 0, so read to EOF).
enum ProcFile {
    static func read(_ path: String, limit: Int = 64 * 1024) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var result = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while result.count < limit {
            let count = chunk.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<count])
        }
        return result
    }
}

/// `read(2)`, named apart from `ProcFile.read` so the call is unambiguous on every platform.
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(fd, buffer, count)
    #elseif canImport(Musl)
    Musl.read(fd, buffer, count)
    #else
    Darwin.read(fd, buffer, count)
    #endif
}
