#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard `process_*` metrics, read from `/proc/self` at scrape time (Linux).
///
/// Each value is read independently; a value that cannot be read is omitted from the output
/// (with its HELP/TYPE lines) — a scrape never fails because of it. Off Linux only
/// `process_max_fds` is reported.
struct ProcessMetrics: Sendable {
    func render(into writer: inout ExpositionWriter) {
        let stat = ProcStat.readSelf()
        if let stat {
            writer.single(
                "process_cpu_seconds_total", type: "counter",
                help: "Total user and system CPU time spent in seconds.",
                value: stat.cpuSeconds
            )
        }
        if let openFDs = Self.openFileDescriptors() {
            writer.single(
                "process_open_fds", type: "gauge",
                help: "Number of open file descriptors.",
                value: Double(openFDs)
            )
        }
        if let maxFDs = Self.maxFileDescriptors() {
            writer.single(
                "process_max_fds", type: "gauge",
                help: "Maximum number of open file descriptors.",
                value: Double(maxFDs)
            )
        }
        if let stat {
            writer.single(
                "process_virtual_memory_bytes", type: "gauge",
                help: "Virtual memory size in bytes.",
                value: Double(stat.virtualMemoryBytes)
            )
            writer.single(
                "process_resident_memory_bytes", type: "gauge",
                help: "Resident memory size in bytes.",
                value: Double(stat.residentMemoryBytes)
            )
            if let start = stat.startTimeSeconds {
                writer.single(
                    "process_start_time_seconds", type: "gauge",
                    help: "Start time of the process since unix epoch in seconds.",
                    value: start
                )
            }
        }
    }

    /// Entries of `/proc/self/fd`, less the descriptor used to list it.
    static func openFileDescriptors() -> Int? {
        #if os(Linux)
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let isDot = withUnsafeBytes(of: entry.pointee.d_name) { name in
                name[0] == UInt8(ascii: ".")
            }
            if !isDot { count += 1 }
        }
        return max(0, count - 1)
        #else
        return nil
        #endif
    }

    /// The soft `RLIMIT_NOFILE` limit.
    static func maxFileDescriptors() -> UInt64? {
        var limit = rlimit()
        #if os(Linux)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return nil }
        return UInt64(limit.rlim_cur)
    }
}
